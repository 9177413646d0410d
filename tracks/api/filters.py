"""django-filter filter sets of the open API. Choice querysets start from the public selectors."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from zones.models import Region

from ..models import CycleStatus, LibraryStatus, NominationStatus
from .enums import PUBLIC_LIST_STATUSES

# The largest id a PostgreSQL bigint (and SQLite's INTEGER) holds: a larger number is a 400, never a 500.
MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """An integer id in [1, MAX_ID]; anything else is refused with a 400 by the filter backend (the schema says
    so: ``integer``, ``minimum``, ``maximum``, see tracks.api.schema)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class SearchFilter(django_filters.CharFilter):
    """?search=: Chinese name, short name, alias, full pinyin or initials (the model's own search())."""

    def filter(self, qs, value):
        value = (value or "").strip()
        return qs.search(value) if value else qs


class ZoneFilter(django_filters.FilterSet):
    province = django_filters.CharFilter(
        field_name="province__code", help_text=_("省级行政区划代码，如 440000")
    )
    region = django_filters.ChoiceFilter(
        field_name="province__region__code",
        choices=Region.Code.choices,
        help_text="east | central | west | northeast",
    )
    strategic_area = django_filters.CharFilter(field_name="strategic_area__code")
    search = SearchFilter(help_text=_("名称、简称、拼音或拼音首字母"))


class TrackFilter(django_filters.FilterSet):
    field = django_filters.CharFilter(field_name="field__code", help_text=_("领域代码，如 ai"))
    search = SearchFilter(help_text=_("名称、别名、拼音或拼音首字母"))


class LibraryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[(value, label) for value, label in LibraryStatus.choices if value != LibraryStatus.EXITED]
    )
    field = django_filters.CharFilter(field_name="track__field__code")
    track = IdFilter(field_name="track_id")
    province = django_filters.CharFilter(field_name="zone__province__code")
    zone = django_filters.CharFilter(field_name="zone__key")


class ListTrackFilter(IdFilter):
    """The ``track`` of a search of public lists: one class, in the mode that keeps each surface's meaning.

    ``SCOPED`` (the open API): the lists of that track (scope 按赛道). ``COVERING`` (the /lists/ page): those and any
    list with an entry of that track, so a field list that ranks the track is found too.
    """

    SCOPED = "scoped"
    COVERING = "covering"

    def __init__(self, *args, mode=SCOPED, **kwargs):
        if mode not in (self.SCOPED, self.COVERING):
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        kwargs.setdefault("field_name", "track_id")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if self.mode == self.SCOPED or value in EMPTY_VALUES:
            return super().filter(qs, value)
        from ..models import ListEntry

        return qs.filter(
            Q(track_id=value) | Q(pk__in=ListEntry.objects.filter(track_id=value).values("park_list_id"))
        )


class ParkListFilter(django_filters.FilterSet):
    cycle = IdFilter(field_name="cycle__year", max_value=9999, help_text=_("年度，如 2025"))
    cycle_year = IdFilter(field_name="cycle__year", max_value=9999, help_text=_("年度，如 2025"))
    field = django_filters.CharFilter(field_name="field__code")
    track = ListTrackFilter(mode=ListTrackFilter.SCOPED)
    status = django_filters.ChoiceFilter(
        choices=PUBLIC_LIST_STATUSES,
        help_text="notice | published | superseded",
    )


# A cycle's year, as the model bounds it.
YEAR_MIN, YEAR_MAX = 2020, 2100


class YearFilter(IdFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", YEAR_MIN)
        kwargs.setdefault("max_value", YEAR_MAX)
        super().__init__(*args, **kwargs)


class CycleFilter(django_filters.FilterSet):
    # Every phase (the enum the answers use); a cycle in planning is not public, so ``planning`` finds none.
    status = django_filters.ChoiceFilter(choices=CycleStatus.choices)


class DeprecatedIdFilter(IdFilter):
    schema_deprecated = True  # marked deprecated in the schema (tracks.api.schema.BoundedFilterExtension)


class NominationFilter(django_filters.FilterSet):
    """The token API's filters: ids are bounded whole numbers (an id outside the caller's scope finds nothing, the
    same as one that does not exist)."""

    cycle_year = YearFilter(field_name="cycle__year", help_text=_("年度，如 2026"))
    cycle = DeprecatedIdFilter(
        field_name="cycle_id", help_text=_("年度批次的内部编号（已弃用，请用 cycle_year）")
    )
    status = django_filters.ChoiceFilter(choices=NominationStatus.choices)
    zone = IdFilter(field_name="zone_id")
    track = IdFilter(field_name="track_id")
