"""Reads scoped to a user or audience: the only place that decides who sees which measures and cases.

Measures follow the scoping of nominations (tracks.selectors.nominations_for): programme staff see every library
entry's, a provincial official those of the province's entries, a zone's committee those of its zone's entries,
anyone else none. Querysets are scoped at the source, so a view that looks an object up through them answers 404
for anything out of scope: the same answer as an id that does not exist.

The public reads published typical cases only, and of an entry only what domain.md lists as public (zone,
province, track, field, model); a case's own text is written for the public.
"""

from django.db.models import Count, Max, Q

from accounts.scope import Scope
from tracks.models import LibraryStatus
from tracks.selectors import library_entries_for, public_track_q

from .models import CaseStatus, SupportMeasure, TypicalCase


def entries_for(scope: Scope):
    """Library entries whose measures a scope may see and record: the same as the portal's library
    (tracks.selectors.library_entries_for), with what the ledger pages show of each entry."""
    return library_entries_for(scope).select_related("zone__province__region", "zone__strategic_area")


def has_cultivation_role(scope: Scope) -> bool:
    """Whether the scope acts for the programme, a province or a zone at all (the measure pages are theirs)."""
    return scope.acts_for_unit


def entries_with_measure_counts(scope: Scope):
    """entries_for(scope) with ``measure_count`` and ``last_measure_date`` of the active measures, in one query."""
    active = Q(support_measures__removed_at__isnull=True)
    return entries_for(scope).annotate(
        measure_count=Count("support_measures", filter=active),
        last_measure_date=Max("support_measures__date", filter=active),
    )


def measures_for(scope: Scope, *, include_removed=False):
    """Measures a scope sees: those of the entries in the scope (active ones unless asked otherwise)."""
    base = SupportMeasure.objects.select_related("entry__zone__province", "entry__track", "recorded_by")
    if not include_removed:
        base = base.active()
    return scope.narrow(
        base, province="entry__zone__province", zone="entry__zone", everything=scope.is_programme_staff
    )


def may_record(scope: Scope, entry) -> bool:
    """The one rule of who records (or removes) measures of an entry: the entry is in the scope and still takes
    measures (measures_open). The service enforces it; pages only show it."""
    return measures_open(entry) and scope.covers(
        province_id=entry.zone.province_id, zone_id=entry.zone_id, everything=scope.is_programme_staff
    )


def measures_open(entry) -> bool:
    """The entry's half of may_record: an exited entry takes no more measures. For rows already read through
    entries_for (whose scope half holds), so a list page asks it without a query per row."""
    return entry.status != LibraryStatus.EXITED


def cases_public():
    """Typical cases the public may read: published ones of an approved track (tracks.selectors.public_track_q), with
    the public facts of their entry."""
    return TypicalCase.objects.filter(
        public_track_q("entry__track__"), status=CaseStatus.PUBLISHED
    ).select_related("entry__zone__province__region", "entry__track__field")


def cases_for(scope: Scope):
    """Typical cases a signed-in user may see in full, drafts included: programme staff all; a province or zone
    its own entries' cases once published; anyone else none (the public pages use cases_public)."""
    base = TypicalCase.objects.select_related("entry__zone__province__region", "entry__track__field")
    if scope.is_programme_staff:
        return base
    entries = entries_for(scope)
    if not entries.query.is_empty():
        return base.filter(status=CaseStatus.PUBLISHED, entry__in=entries.values("pk"))
    return base.none()
