"""Reads scoped to a user or audience: the only place that decides what someone may see."""

import hmac
import unicodedata

from django.db.models import Count, Q

from accounts import roles
from accounts.scope import Scope
from zones.models import Zone

from ..models import (
    Cycle,
    CycleStatus,
    LibraryEntry,
    LibraryStatus,
    ListStatus,
    Nomination,
    NominationStatus,
    Objection,
    ParkList,
    Track,
    TrackStatus,
)


def nominations_for(scope: Scope):
    """Nominations a scope sees: staff all, an official their province's, a zone preparer their zone's."""
    return scope.narrow(Nomination.objects.select_related("cycle", "province", "zone", "track__field"))


HEAVY_LIST_FIELDS = ("inputs", "canonical_json")


def lists_public():
    """Lists the public may read: on notice, published and superseded versions; never drafts."""
    # The stored ranking inputs and canonical JSON are megabytes per list at national scale: load them only where
    # a page really uses them (hash verification, the JSON download), never for listing.
    from django.db.models import OuterRef, Subquery

    corrections = ParkList.objects.filter(supersedes=OuterRef("pk")).order_by("-version")
    return (
        ParkList.objects.filter(status__in=ListStatus.PUBLIC)
        .select_related("cycle", "field", "track")
        .defer(*HEAVY_LIST_FIELDS)
        .annotate(
            # The published correction that replaced this version, and a correction of it now on public notice.
            superseded_by_id=Subquery(corrections.filter(status__in=ListStatus.FROZEN).values("pk")[:1]),
            correction_on_notice_id=Subquery(corrections.filter(status=ListStatus.NOTICE).values("pk")[:1]),
            correction_notice_at=Subquery(
                corrections.filter(status=ListStatus.NOTICE).values("notice_starts_at")[:1]
            ),
        )
    )


def latest_published_list():
    return lists_public().filter(status=ListStatus.PUBLISHED).order_by("-published_at", "-id").first()


def open_cycle():
    return Cycle.objects.filter(status=CycleStatus.NOMINATION).order_by("-year").first()


def cycles_public():
    """Cycles the public may see (the open API's /cycles/): every one past planning, newest first. A cycle in
    筹备 is staff's draft (its dates may still change) and appears nowhere public."""
    return Cycle.objects.exclude(status=CycleStatus.PLANNING).order_by("-year")


def public_track_q(prefix: str = "") -> Q:
    """The one rule of which tracks the public may see, for a track reached through ``prefix`` (e.g. ``"track__"``):
    approved (active) ones. A proposed track is a province's working name until staff approve it (or merge it into
    an approved one): it appears nowhere public — not as a track, not as a library entry or a typical case, not in
    search, the API, counts or exports — and shows up everywhere at once when it is approved."""
    return Q(**{f"{prefix}status": TrackStatus.ACTIVE})


def library_public_q(prefix: str = "") -> Q:
    """Library entries the public may see, reached through ``prefix``: not exited, and on an approved track."""
    return ~Q(**{f"{prefix}status": LibraryStatus.EXITED}) & public_track_q(f"{prefix}track__")


def library_public():
    return LibraryEntry.objects.filter(library_public_q()).select_related("zone__province", "track__field")


def home_counts() -> dict:
    zone_count = Zone.objects.filter(is_active=True).count()
    track_counts = Track.objects.aggregate(active=Count("pk", filter=Q(status=TrackStatus.ACTIVE)))
    return {
        "zones": zone_count,
        "tracks": track_counts["active"],
        "cycles": Cycle.objects.count(),
        "library": library_public().count(),
    }


# ---------------------------------------------------------------------------------------------------------------
# The provincial portal (issue 3)


def zones_for(scope: Scope):
    """Zones a scope may prepare nominations for: an official any active zone of the province, a preparer its own."""
    zones = Zone.objects.select_related("province")
    if scope.official_province is not None:
        return zones.filter(province=scope.official_province, is_active=True).order_by("key")
    if scope.preparer_zone is not None:
        return zones.filter(pk=scope.preparer_zone.pk)
    return zones.none()


def tracks_selectable(scope: Scope):
    """Tracks a nomination may name: every active track, and the proposed ones a user of the same province named
    (tracks_choosable for the scope's province)."""
    return tracks_choosable(scope.province)


def tracks_choosable(province):
    """The one rule of which tracks a nomination of ``province`` may name: every active track, and the proposed ones
    a user of that province named. Never a merged track (a nomination names the track it was merged into)."""
    from django.contrib.auth import get_user_model

    condition = Q(status=TrackStatus.ACTIVE)
    if province is not None:
        proposers = get_user_model().objects.filter(
            Q(profile__province=province) | Q(profile__zone__province=province)
        )
        condition |= Q(status=TrackStatus.PROPOSED, proposed_by__in=proposers.values("pk"))
    return Track.objects.filter(condition).select_related("field")


def track_choosable(track, province) -> bool:
    """Whether a nomination of ``province`` may name ``track`` (tracks_choosable)."""
    return tracks_choosable(province).filter(pk=track.pk).exists()


def library_entries_for(scope: Scope):
    """Library entries a scope sees in the portal: staff all, an official the province's, a preparer the zone's."""
    return scope.narrow(
        LibraryEntry.objects.select_related("zone__province", "track__field", "entered_cycle"),
        province="zone__province",
        everything=scope.is_programme_staff,
    )


def notifications_for(scope: Scope):
    """A user's own notices."""
    from ..models import Notification

    if not scope.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=scope.user)


def officials_of(province):
    """The active accounts of a province's competent department (who a province's notices go to)."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.OFFICIAL, profile__province=province)
        .distinct()
    )


def preparers_of(zone):
    """The active accounts of a zone's administrative committee."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.ZONE_PREPARER, profile__zone=zone)
        .distinct()
    )


# ---------------------------------------------------------------------------------------------------------------
# Expert review (issue 4): a reviewer sees only their own assignments, a nomination's content only after the pledge,
# and the others' scores only once their own is submitted, anonymised.


def sees_all_reviews(scope: Scope) -> bool:
    """Who sees every assignment and score: programme staff, and a superuser who is not a reviewer (a reviewer,
    whoever else they are, works in their own assignments only)."""
    return scope.is_programme_staff or (scope.is_superuser and not scope.is_reviewer)


def assignments_for(scope: Scope):
    """Assignments a scope sees: programme staff all, a reviewer their own, anyone else none."""
    from ..models import Assignment

    base = Assignment.objects.select_related(
        "reviewer",
        "nomination__cycle",
        "nomination__province",
        "nomination__zone",
        "nomination__track__field",
    )
    if sees_all_reviews(scope):
        return base
    if scope.is_reviewer:
        return base.filter(reviewer__user=scope.user)
    return base.none()


def scores_for(scope: Scope):
    """Scores a scope sees: programme staff all, a reviewer those of their own assignments, anyone else none."""
    from ..models import Score

    base = Score.objects.select_related(
        "criterion__cycle",
        "assignment__reviewer",
        "assignment__nomination__cycle",
        "assignment__nomination__zone",
        "assignment__nomination__track",
    )
    if sees_all_reviews(scope):
        return base
    if scope.is_reviewer:
        return base.filter(assignment__reviewer__user=scope.user)
    return base.none()


def may_see_nomination_content(scope: Scope, assignment) -> bool:
    """A nomination's indicators, narrative and attachments: staff (and a superuser who is not a reviewer) always;
    its reviewer only after signing the pledge, while the assignment is accepted or submitted (never after declining, a conflict or removal)."""
    from ..models import AssignmentStatus

    if sees_all_reviews(scope):
        return True
    return (
        scope.is_authenticated
        and assignment.reviewer.user_id == scope.user_id
        and assignment.pledge_signed_at is not None
        and assignment.status in {AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED}
    )


def reviewer_label(index: int) -> str:
    """专家A, 专家B … 专家Z, 专家A2 …: the anonymous name of the index-th other reviewer."""
    from django.utils.translation import gettext as _

    letter = chr(ord("A") + index % 26)
    suffix = str(index // 26 + 1) if index >= 26 else ""
    return _("专家%(letter)s") % {"letter": f"{letter}{suffix}"}


def peer_reviews_for(scope: Scope, assignment) -> list[dict]:
    """The other submitted reviews of the assignment's nomination, anonymised, for its reviewer once their own is
    submitted (empty before): [{"label": "专家A", "scores": {code: Score}, "total": Decimal | None}, …] in order of
    submission. Names never leave this function."""
    from decimal import Decimal

    from ..models import Assignment, AssignmentStatus, Criterion, Score

    if not (
        scope.is_authenticated
        and assignment.reviewer.user_id == scope.user_id
        and assignment.status == AssignmentStatus.SUBMITTED
    ):
        return []
    others = list(
        Assignment.objects.filter(nomination_id=assignment.nomination_id, status=AssignmentStatus.SUBMITTED)
        .exclude(pk=assignment.pk)
        .order_by("submitted_at", "pk")
        .values_list("pk", flat=True)
    )
    criteria = list(
        Criterion.objects.filter(cycle_id=assignment.nomination.cycle_id).order_by("order", "code")
    )
    scores = {}
    for score in Score.objects.filter(assignment_id__in=others).select_related("criterion"):
        scores.setdefault(score.assignment_id, {})[score.criterion.code] = score
    reviews = []
    for index, pk in enumerate(others):
        mine = scores.get(pk, {})
        total = None
        if criteria and all(c.code in mine for c in criteria):
            total = sum((c.weight * mine[c.code].value / c.max_score for c in criteria), Decimal(0))
            total = total.quantize(Decimal("0.01"))
        reviews.append({"label": reviewer_label(index), "scores": mine, "total": total})
    return reviews


# ---------------------------------------------------------------------------------------------------------------
# The public site and the open API (issue 5): what anyone may read. Drafts never; objections never; scores and
# comments of nominations only to their own province, once a list covering them is published.


def lists_public_with_counts():
    """lists_public() with ``entry_count`` (a subquery, so filters joining entries never multiply rows)."""
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from ..models import ListEntry

    count = (
        ListEntry.objects.filter(park_list=OuterRef("pk"))
        .order_by()
        .values("park_list")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return lists_public().annotate(entry_count=Coalesce(Subquery(count, output_field=IntegerField()), 0))


def list_entries_public(park_list):
    """The ranked entries of a public list, with everything the list page, exports and API show."""
    from ..models import ListEntry

    if park_list.status not in ListStatus.PUBLIC:
        return ListEntry.objects.none()
    return (
        ListEntry.objects.filter(park_list=park_list)
        .select_related("zone__strategic_area", "zone__province", "province__region", "track")
        .order_by("rank")
    )


def list_versions_public(park_list):
    """Every public version of the same list (cycle and track, or cycle and field), newest first."""
    return (
        lists_public()
        .filter(
            cycle_id=park_list.cycle_id,
            scope=park_list.scope,
            field_id=park_list.field_id,
            track_id=park_list.track_id,
        )
        .order_by("-version")
    )


def list_entries_on_public_lists(statuses=ListStatus.CURRENT):
    """List entries on current public lists (on notice or published), for zone, track and province pages."""
    from ..models import ListEntry

    return (
        ListEntry.objects.filter(park_list__status__in=statuses)
        .select_related("park_list__cycle", "zone", "province", "track")
        .defer(*(f"park_list__{name}" for name in HEAVY_LIST_FIELDS))
        .order_by("-park_list__cycle__year", "park_list__field__order", "park_list_id", "rank")
    )


def tracks_public():
    """Tracks the public sees: the active catalogue (proposed and merged names stay internal)."""
    return Track.objects.filter(public_track_q()).select_related("field")


def announcements_public():
    from django.utils import timezone

    from ..models import Announcement

    return Announcement.objects.filter(is_published=True, published_at__lte=timezone.now()).select_related(
        "cycle"
    )


def published_summaries(pairs):
    """{(zone_id, track_id): nomination} with the public facts (origin, model, summary) of the latest accepted
    nomination of each pair; one query."""
    pairs = set(pairs)
    if not pairs:
        return {}
    zone_ids = {zone for zone, _track in pairs}
    rows = (
        Nomination.objects.filter(zone_id__in=zone_ids, status__in=NominationStatus.ADMITTED)
        .only("zone_id", "track_id", "origin", "cultivation_model", "public_summary", "cycle__year")
        .select_related("cycle")
        .order_by("cycle__year", "pk")
    )
    found = {}
    for nomination in rows:
        key = (nomination.zone_id, nomination.track_id)
        if key in pairs:
            found[key] = nomination  # the latest cycle wins
    return found


def province_results(scope: Scope):
    """The scores and anonymised comments of a province's nominations, for its official, once a list of their
    cycle covering their track (or field) is published. Other users get nothing.

    Returns [{"nomination", "park_list" (the current list covering it), "entry" (its row on that list or None),
    "figures" (the ranking row: total, criteria, ranks, review_count, flags), "reviews": [{"label", "scores":
    {code: value}, "comments": [(criterion name, text)]}]}] in cycle, track and zone order. A constant number of
    queries whatever the number of nominations (one more per ranking snapshot used).
    """
    from ..models import Assignment, AssignmentStatus, Criterion, ListEntry, Score

    province = scope.official_province
    if province is None:
        return []
    published = list(
        ParkList.objects.filter(status__in=ListStatus.FROZEN)
        .select_related("cycle", "ranking")
        .order_by("status", "-version")  # published before superseded: the current version covers first
    )
    if not published:
        return []
    nominations = list(
        Nomination.objects.filter(
            province=province,
            cycle_id__in={pl.cycle_id for pl in published},
            status__in=NominationStatus.REVIEWED - {NominationStatus.ACCEPTED},
        )
        .select_related("cycle", "zone", "track__field")
        .order_by("-cycle__year", "track__field__order", "track__name", "zone__key")
    )

    def covering(nomination):
        for park_list in published:
            if park_list.cycle_id != nomination.cycle_id:
                continue
            if park_list.track_id == nomination.track_id or (
                park_list.track_id is None and park_list.field_id == nomination.track.field_id
            ):
                return park_list
        return None

    covered = [(nomination, covering(nomination)) for nomination in nominations]
    covered = [(nomination, park_list) for nomination, park_list in covered if park_list is not None]
    if not covered:
        return []
    ids = [nomination.pk for nomination, _pl in covered]
    figures = {}
    for park_list in {park_list for _n, park_list in covered}:
        if park_list.ranking_id and park_list.ranking_id not in figures:
            figures[park_list.ranking_id] = {
                row["id"]: row for row in park_list.ranking.results["nominations"]
            }
    entries = {
        (entry.park_list_id, entry.nomination_id): entry
        for entry in ListEntry.objects.filter(nomination_id__in=ids, park_list__in={pl for _n, pl in covered})
    }
    names = {
        (criterion.cycle_id, criterion.code): criterion.name
        for criterion in Criterion.objects.filter(cycle_id__in={n.cycle_id for n, _pl in covered})
    }
    assignments = list(
        Assignment.objects.filter(nomination_id__in=ids, status=AssignmentStatus.SUBMITTED)
        .order_by("nomination_id", "submitted_at", "pk")
        .values_list("pk", "nomination_id")
    )
    scores = {}
    for score in (
        Score.objects.filter(assignment_id__in=[pk for pk, _n in assignments])
        .select_related("criterion")
        .order_by("criterion__order", "criterion__code")
    ):
        scores.setdefault(score.assignment_id, []).append(score)
    reviews = {}
    for pk, nomination_id in assignments:
        mine = reviews.setdefault(nomination_id, [])
        own = scores.get(pk, [])
        mine.append(
            {
                "label": reviewer_label(len(mine)),
                "scores": {score.criterion.code: score.value for score in own},
                "comments": [
                    (
                        names.get((score.criterion.cycle_id, score.criterion.code), score.criterion.code),
                        score.comment,
                    )
                    for score in own
                    if score.comment.strip()
                ],
            }
        )
    results = []
    for nomination, park_list in covered:
        row = figures.get(park_list.ranking_id, {}).get(nomination.pk)
        results.append(
            {
                "nomination": nomination,
                "park_list": park_list,
                "entry": entries.get((park_list.pk, nomination.pk)),
                "figures": row,
                "scores": [
                    (names.get((nomination.cycle_id, code), code), value)
                    for code, value in (row or {}).get("criteria", {}).items()
                ],
                "reviews": reviews.get(nomination.pk, []),
            }
        )
    return results


def _contact_key(value) -> str:
    """A contact as compared for a receipt lookup: full-width characters folded, no spaces, case ignored, and a
    telephone number without its hyphens (010-12345678 and 01012345678 are one number)."""
    text = "".join(unicodedata.normalize("NFKC", str(value or "")).split()).lower()
    return text if "@" in text else text.replace("-", "")


def objection_for_receipt(receipt_number: str, contact: str):
    """An objector's lookup of their own objection: the objection with this receipt number when the contact given
    with it matches the one it was filed with, else None. Both must match (a receipt number alone tells nothing);
    the page shows only its status and resolution."""
    number = "".join(unicodedata.normalize("NFKC", str(receipt_number or "")).split()).upper()
    if not number or not contact:
        return None
    objection = (
        Objection.objects.filter(receipt_number=number).only("status", "resolution", "contact").first()
    )
    if objection is None or not hmac.compare_digest(
        _contact_key(objection.contact).encode(), _contact_key(contact).encode()
    ):
        return None
    return objection
