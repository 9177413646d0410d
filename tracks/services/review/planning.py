"""The automatic assignment's plan: a pure, deterministic function of plain records, explained choice by choice."""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from ...models import AssignmentStatus
from ...review_rules import Affiliation, Target, conflict_check


@dataclass(frozen=True)
class PanelReviewer:
    """A reviewer as the planner sees them: affiliation, fields, availability and current load in the cycle."""

    affiliation: Affiliation
    field_ids: frozenset
    available: bool = True
    load: int = 0

    @property
    def id(self) -> int:
        return self.affiliation.reviewer_id


@dataclass(frozen=True)
class PlanNomination:
    """A nomination as the planner sees it, with the status of each reviewer already assigned to it."""

    target: Target
    field_id: int
    assigned: dict = field(default_factory=dict)  # reviewer id -> AssignmentStatus value

    @property
    def id(self) -> int:
        return self.target.nomination_id

    @property
    def active(self) -> int:
        return sum(1 for status in self.assigned.values() if status in AssignmentStatus.ACTIVE)


@dataclass(frozen=True)
class Choice:
    nomination_id: int
    reviewer_id: int
    load_before: int
    candidates: int


@dataclass(frozen=True)
class Exclusion:
    nomination_id: int
    reviewer_id: int
    reasons: tuple  # codes of CONFLICT_TEXT, statuses of WITHDRAWN_TEXT, or "unavailable"


@dataclass(frozen=True)
class Shortfall:
    nomination_id: int
    wanted: int
    active: int  # after the plan

    @property
    def missing(self) -> int:
        return self.wanted - self.active


@dataclass
class Plan:
    k: int
    choices: list = field(default_factory=list)
    exclusions: list = field(default_factory=list)
    shortfalls: list = field(default_factory=list)
    # nomination id -> number of active reviewers after the plan
    active_after: dict = field(default_factory=dict)

    def chosen_for(self, nomination_id) -> list[int]:
        return [c.reviewer_id for c in self.choices if c.nomination_id == nomination_id]


def _tiebreak(nomination_id: int, reviewer_id: int) -> str:
    """A fixed, well-spread order among equally loaded reviewers, so the same few do not always sit together."""
    return hashlib.sha256(f"{nomination_id}:{reviewer_id}".encode()).hexdigest()


def assignments_plan(nominations, reviewers, declarations, k: int) -> Plan:
    """Give each nomination up to ``k`` active reviewers from its field's panel; pure and deterministic.

    A reviewer is a candidate for a nomination when they are on the nomination's field panel, available, have never
    been assigned to it, and ``conflict_check`` finds nothing. Nominations are served most constrained first
    (fewest candidates, then id); each takes the least loaded candidates (load = active assignments in the cycle,
    counting the ones this plan makes), ties broken by ``_tiebreak`` and then id. Input order does not matter.
    """
    plan = Plan(k=k)
    reviewers = sorted(reviewers, key=lambda r: r.id)
    nominations = sorted(nominations, key=lambda n: n.id)
    declarations = list(declarations)
    by_reviewer = defaultdict(list)
    for declaration in declarations:
        by_reviewer[declaration.reviewer_id].append(declaration)
    load = {r.id: r.load for r in reviewers}

    candidates = {}
    for nomination in nominations:
        eligible = []
        for reviewer in reviewers:
            if nomination.field_id not in reviewer.field_ids:
                continue
            status = nomination.assigned.get(reviewer.id)
            if status in AssignmentStatus.ACTIVE:
                continue  # already on it
            reasons = []
            if status is not None:
                reasons.append(status)
            reasons += conflict_check(reviewer.affiliation, nomination.target, by_reviewer[reviewer.id])
            if not reviewer.available:
                reasons.append("unavailable")
            if reasons:
                plan.exclusions.append(Exclusion(nomination.id, reviewer.id, tuple(reasons)))
            else:
                eligible.append(reviewer.id)
        candidates[nomination.id] = eligible

    for nomination in sorted(nominations, key=lambda n: (len(candidates[n.id]), n.id)):
        active = nomination.active
        need = max(k - active, 0)
        pool = list(candidates[nomination.id])
        for _slot in range(need):
            if not pool:
                break
            best = min(pool, key=lambda rid: (load[rid], _tiebreak(nomination.id, rid), rid))
            plan.choices.append(Choice(nomination.id, best, load[best], len(pool)))
            pool.remove(best)
            load[best] += 1
            active += 1
        plan.active_after[nomination.id] = active
        if active < k:
            plan.shortfalls.append(Shortfall(nomination.id, k, active))
    plan.choices.sort(key=lambda c: (c.nomination_id, c.reviewer_id))
    plan.shortfalls.sort(key=lambda s: s.nomination_id)
    return plan
