"""Serializers of the open read-only API: public fields only (domain.md, What is public)."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zones.models import Province, Region, Zone

from ..models import (
    CriterionCode,
    Cycle,
    CycleStatus,
    Field,
    LibraryEntry,
    ListEntry,
    ListScope,
    ParkList,
    Track,
)
from ..services.lists import CRITERION_COLUMNS
from .enums import PUBLIC_LIBRARY_STATUSES, PUBLIC_LIST_STATUSES


class ProvinceSerializer(serializers.ModelSerializer):
    region = serializers.ChoiceField(
        source="region.code", choices=Region.Code.choices, help_text="east | central | west | northeast"
    )
    region_name = serializers.CharField(source="region.name")
    strategic_area = serializers.CharField(source="strategic_area.code", default=None, allow_null=True)

    class Meta:
        model = Province
        fields = ["code", "name", "short_name", "region", "region_name", "strategic_area"]


class ProvinceRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name"]


class ZoneSerializer(serializers.ModelSerializer):
    province = ProvinceRefSerializer()
    region = serializers.ChoiceField(source="province.region.code", choices=Region.Code.choices)
    strategic_area = serializers.CharField(source="strategic_area.code", default=None, allow_null=True)

    class Meta:
        model = Zone
        fields = [
            "id",
            "key",
            "name",
            "short_name",
            "province",
            "region",
            "strategic_area",
            "city",
            "approved_year",
        ]


class ZoneRefSerializer(serializers.ModelSerializer):
    province = ProvinceRefSerializer()

    class Meta:
        model = Zone
        fields = ["id", "key", "name", "province"]


class FieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["code", "name", "name_en", "description"]


class FieldRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["code", "name"]


class TrackSerializer(serializers.ModelSerializer):
    field = FieldRefSerializer()
    aliases = serializers.SerializerMethodField()

    class Meta:
        model = Track
        fields = ["id", "name", "name_en", "field", "aliases", "description"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_aliases(self, track):
        return [alias.name for alias in track.aliases.all()]


class TrackRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Track
        fields = ["id", "name"]


class LibraryEntrySerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(
        choices=PUBLIC_LIBRARY_STATUSES, help_text="cultivating (培育中) | key (重点) | watch (观察)"
    )
    zone = ZoneRefSerializer()
    track = TrackRefSerializer()
    field = serializers.CharField(source="track.field.code")
    entered_cycle = serializers.IntegerField(source="entered_cycle.year")

    class Meta:
        model = LibraryEntry
        fields = ["id", "zone", "track", "field", "status", "entered_cycle"]


class ScoresSerializer(serializers.Serializer):
    """One value per criterion, keyed by its code."""

    strategic = serializers.DecimalField(max_digits=6, decimal_places=2)
    leading = serializers.DecimalField(max_digits=6, decimal_places=2)
    growth = serializers.DecimalField(max_digits=6, decimal_places=2)
    driving = serializers.DecimalField(max_digits=6, decimal_places=2)


class ListEntrySerializer(serializers.ModelSerializer):
    zone = ZoneRefSerializer()
    track = TrackRefSerializer()
    scores = serializers.SerializerMethodField()

    class Meta:
        model = ListEntry
        fields = ["rank", "zone", "track", "total", "scores"]

    @extend_schema_field(ScoresSerializer)
    def get_scores(self, entry):
        return {code: f"{getattr(entry, column):.2f}" for code, column in CRITERION_COLUMNS.items()}


class ParkListSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(
        choices=PUBLIC_LIST_STATUSES, help_text="notice (公示中) | published (已发布) | superseded (已更正)"
    )
    scope = serializers.ChoiceField(choices=ListScope.choices, help_text="track (按赛道) | field (按领域)")
    cycle = serializers.IntegerField(source="cycle.year", help_text="the cycle's year (v2: only cycle_year)")
    cycle_year = serializers.IntegerField(source="cycle.year", help_text="the cycle's year")
    field = FieldRefSerializer()
    track = TrackRefSerializer(allow_null=True)
    entry_count = serializers.IntegerField(read_only=True)
    superseded_by = serializers.SerializerMethodField()
    correction_on_notice = serializers.IntegerField(
        source="correction_on_notice_id",
        read_only=True,
        allow_null=True,
        help_text="id of a correction of this version now on public notice (this version stays current until it is published)",
    )
    url = serializers.SerializerMethodField(help_text="this version in the API")
    html_url = serializers.SerializerMethodField(help_text="this version on the public site")

    class Meta:
        model = ParkList
        fields = [
            "id",
            "url",
            "html_url",
            "title",
            "cycle",
            "cycle_year",
            "scope",
            "field",
            "track",
            "version",
            "status",
            "notice_starts_at",
            "notice_ends_at",
            "published_at",
            "superseded_at",
            "supersedes",
            "superseded_by",
            "correction_on_notice",
            "entry_count",
            "sha256",
            "sm3",
        ]

    @extend_schema_field(serializers.CharField())
    def get_url(self, park_list):
        return reverse("api-public:list-detail", args=[park_list.pk])

    @extend_schema_field(serializers.CharField())
    def get_html_url(self, park_list):
        with translation.override(settings.LANGUAGE_CODE):  # the Chinese page: unprefixed
            return reverse("public:list_detail", args=[park_list.pk])

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_superseded_by(self, park_list):
        return getattr(park_list, "superseded_by_id", None)


class CriterionSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=CriterionCode.choices)
    name = serializers.CharField()
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    max_score = serializers.DecimalField(max_digits=6, decimal_places=2)


class ParkListDetailSerializer(ParkListSerializer):
    criteria = serializers.SerializerMethodField()
    entries = serializers.SerializerMethodField()

    class Meta(ParkListSerializer.Meta):
        fields = [
            *ParkListSerializer.Meta.fields,
            "correction_note",
            "cutoff_top_n",
            "cutoff_min_score",
            "criteria",
            "entries",
        ]

    @extend_schema_field(CriterionSerializer(many=True))
    def get_criteria(self, park_list):
        return CriterionSerializer(self.context["criteria"], many=True).data

    @extend_schema_field(ListEntrySerializer(many=True))
    def get_entries(self, park_list):
        return ListEntrySerializer(self.context["entries"], many=True).data


class CycleSerializer(serializers.ModelSerializer):
    """A year's round as the public sees it: its phase and its windows (a province's own extension and quota are
    under the token API, /api/v1/portal/quotas/)."""

    title = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=CycleStatus.choices, help_text=_("阶段"))
    url = serializers.SerializerMethodField(help_text="this cycle in the API")

    class Meta:
        model = Cycle
        fields = [
            "year",
            "url",
            "title",
            "status",
            "nomination_opens_at",
            "nomination_closes_at",
            "review_opens_at",
            "review_closes_at",
            "notice_days",
        ]

    @extend_schema_field(serializers.CharField())
    def get_title(self, cycle):
        return str(cycle)

    @extend_schema_field(serializers.CharField())
    def get_url(self, cycle):
        return reverse("api-public:cycle-detail", args=[cycle.year])
