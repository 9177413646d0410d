"""What must hold of a year's round at every moment: the invariants the stateful property test checks after each
step and ``manage.py simulate_round`` after each phase. Each check returns a list of problems (empty when it holds).

* every published (or superseded) list verifies;
* no nomination sits in a non-final state in a phase (or a closed review scope) where it can no longer move;
* a nomination is 已入榜 exactly when it is on at least one current published list;
* no province uses more of its quota than it has;
* no submitted score changes after its review closed, but through a reopening after publication;
* every status change of a nomination, a cycle, an assignment or a list has exactly one audit row
  (``Observer``, which compares what it saw before with what it sees now).
"""

from collections import defaultdict

from django.db.models import Count, Q
from django.utils import timezone

from audit.models import AuditEvent

from . import workflow
from .models import (
    Assignment,
    Cycle,
    ListEntry,
    ListStatus,
    Nomination,
    ParkList,
    ReviewReopening,
    Score,
)
from .models import CycleStatus as P
from .models import NominationStatus as S
from .services.nominations import province_quota
from .services.verification import list_verify

#: The states a nomination may be in, by phase, besides the final ones (a correction still moves listed ⇄ not listed).
MOVABLE_IN_PHASE = {
    P.PLANNING: {S.DRAFT},
    P.NOMINATION: {S.DRAFT, S.SUBMITTED, S.RETURNED, S.ACCEPTED},
    P.FORMAL_REVIEW: {S.SUBMITTED, S.RETURNED, S.ACCEPTED},
    P.REVIEW: {S.SUBMITTED, S.RETURNED, S.ACCEPTED, S.IN_REVIEW, S.SCORED},
    P.REVIEW_CLOSED: {S.SCORED},
    P.PUBLICATION: {S.SCORED},
    P.CLOSED: set(),
}
#: Objects whose status changes are audited row by row, by their audit object_type.
AUDITED = {
    "tracks.nomination": Nomination,
    "tracks.cycle": Cycle,
    "tracks.assignment": Assignment,
    "tracks.parklist": ParkList,
}


def lists_verify() -> list[str]:
    problems = []
    for park_list in ParkList.objects.filter(status__in=ListStatus.FROZEN).order_by("pk"):
        result = list_verify(park_list)
        problems += [f"list {park_list.pk} ({park_list.status}): {problem}" for problem in result.problems]
    return problems


def nominations_can_move(now=None) -> list[str]:
    """No nomination stuck: its state is final, or one the cycle's phase (and its scope's review) still moves."""
    now = now or timezone.now()
    problems = []
    for cycle in Cycle.objects.all():
        allowed = MOVABLE_IN_PHASE[cycle.status] | S.FINAL
        rows = Nomination.objects.filter(cycle=cycle).select_related("track")
        for nomination in rows.exclude(status__in=allowed):
            problems.append(
                f"nomination {nomination.pk} is {nomination.status} in phase {cycle.status} of {cycle.year}"
            )
        late = rows.filter(status=S.RETURNED, resubmit_by__lt=now)
        for nomination in late:
            problems.append(
                f"nomination {nomination.pk} is still returned after its deadline {nomination.resubmit_by}"
            )
        if cycle.status == P.REVIEW:
            for nomination in workflow.in_closed_scope(rows, cycle).filter(status__in=S.REVIEWING):
                problems.append(f"nomination {nomination.pk} is {nomination.status} in a closed review scope")
        if cycle.status in (P.NOMINATION, P.FORMAL_REVIEW) and rows.filter(status=S.IN_REVIEW).exists():
            problems.append(f"cycle {cycle.year} has nominations in review before its review phase")
    return problems


def listed_iff_on_a_published_list() -> list[str]:
    on_a_list = set(
        ListEntry.objects.filter(park_list__status=ListStatus.PUBLISHED).values_list(
            "nomination_id", flat=True
        )
    )
    listed = set(Nomination.objects.filter(status=S.LISTED).values_list("pk", flat=True))
    problems = [
        f"nomination {pk} is listed but on no current published list" for pk in sorted(listed - on_a_list)
    ]
    problems += [
        f"nomination {pk} is on a current published list but not listed" for pk in sorted(on_a_list - listed)
    ]
    return problems


def quotas_respected() -> list[str]:
    problems = []
    used = (
        Nomination.objects.filter(status__in=S.QUOTA)
        .values("cycle_id", "province_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    cycles = Cycle.objects.in_bulk({row["cycle_id"] for row in used})
    from zones.models import Province

    provinces = Province.objects.in_bulk({row["province_id"] for row in used})
    for row in used:
        quota = province_quota(cycles[row["cycle_id"]], provinces[row["province_id"]])
        if row["n"] > quota:
            problems.append(
                f"province {provinces[row['province_id']].code} uses {row['n']} of its quota {quota} "
                f"in {cycles[row['cycle_id']].year}"
            )
    return problems


def check_all(now=None) -> list[str]:
    """The invariants that need no memory of earlier moments."""
    return [
        *lists_verify(),
        *nominations_can_move(now),
        *listed_iff_on_a_published_list(),
        *quotas_respected(),
    ]


class Observer:
    """Remembers statuses, audit rows and closed scores between two looks, and checks what changed between them:
    each status change explained by exactly one audit row, each row by a change; no closed score changed."""

    def __init__(self):
        self.statuses: dict = {}
        self.last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self.closed_scores: dict = {}
        self._look()

    def _statuses(self) -> dict:
        now = {}
        for label, model in AUDITED.items():
            for pk, status in model.objects.values_list("pk", "status"):
                now[(label, str(pk))] = status
        return now

    def _closed_scores(self) -> dict:
        """Submitted scores of nominations whose review is closed: (assignment, criterion) → value."""
        closed = Q(assignment__nomination__cycle__review_closed_at__isnull=False)
        for cycle in Cycle.objects.filter(status=P.REVIEW, review_closures__isnull=False).distinct():
            fields, tracks = workflow.closed_scopes(cycle)
            closed |= Q(assignment__nomination__cycle=cycle) & (
                Q(assignment__nomination__track__field_id__in=fields)
                | Q(assignment__nomination__track_id__in=tracks)
            )
        return {
            (a, c): v
            for a, c, v in Score.objects.filter(closed, assignment__status="submitted").values_list(
                "assignment_id", "criterion_id", "value"
            )
        }

    def _look(self):
        self.statuses = self._statuses()
        self.closed_scores = self._closed_scores()

    def observe(self) -> list[str]:
        """Check what changed since the last look, then look again."""
        problems = []
        events = defaultdict(list)
        rows = AuditEvent.objects.filter(pk__gt=self.last_event, object_type__in=list(AUDITED)).order_by("pk")
        for event in rows:
            if (
                _status_of(event.before) is None
                and _status_of(event.after) is None
                and event.after is not None
            ):
                continue  # an edit, a draft save, a reminder: no status in it
            events[(event.object_type, event.object_id)].append(event)
            self.last_event = max(self.last_event, event.pk)
        self.last_event = (
            AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or self.last_event
        )
        now = self._statuses()
        for key in set(self.statuses) | set(now) | set(events):
            before, after = self.statuses.get(key), now.get(key)
            current, trail = before, events.get(key, [])
            for event in trail:
                source, target = _status_of(event.before), _status_of(event.after)
                if source is not None and source == target:
                    continue  # an edit that records the (unchanged) status with the other fields
                if event.after is None:  # a deletion (a discarded draft, a deleted draft list)
                    if current is None:
                        problems.append(f"{key}: deleted though not known ({event.action})")
                    current = None
                elif source is None:  # a creation row
                    if current is not None:
                        problems.append(f"{key}: {event.action} creates an object that already existed")
                    current = target
                elif source != current:
                    problems.append(f"{key}: {event.action} says {source} → {target}, but it was {current}")
                    current = target
                else:
                    current = target
            if current != after:
                problems.append(f"{key}: status {before} → {after} with audit rows ending at {current}")
        reopened = set(ReviewReopening.objects.values_list("assignments", flat=True))
        scores = self._closed_scores()
        for key, value in self.closed_scores.items():
            if key[0] in reopened:
                continue
            if scores.get(key) != value:
                problems.append(
                    f"score of assignment {key[0]} criterion {key[1]} changed after review closed"
                )
        self.statuses = now
        self.closed_scores = scores
        return problems


def _status_of(record) -> str | None:
    if isinstance(record, dict):
        return record.get("status")
    return None
