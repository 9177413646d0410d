"""Writes of expert review: assignment (automatic and by hand), the reviewer's answer, scores, reopening, reminders.

domain.md, Workflow → Review. The rules, each in one place:

* ``conflict_check`` is the conflict-of-interest rule (回避), used by the automatic assignment, by staff adding or
  replacing a reviewer by hand and again when a reviewer accepts: same zone, same province (the reviewer's own or
  their zone's), or a declared conflict with the nomination's zone, its province or the nomination itself.
* ``assignments_plan`` is the automatic assignment, a pure function of plain records so it can be property-tested:
  per field panel, each nomination gets the cycle's K reviewers, the least loaded eligible first, deterministic for
  the same inputs, with an explanation of every choice and exclusion and the shortfall where fewer than K exist.
* An assignment goes INVITED → ACCEPTED (the pledge is signed with the acceptance and its time kept) → SUBMITTED;
  DECLINED, CONFLICT and REMOVED withdraw it. A draft is simply the Score rows of an ACCEPTED assignment; a reopened
  score goes back SUBMITTED → ACCEPTED with an audited reason.
* Every write checks who may make it, locks or conditionally updates the assignment row, carries the assignment's
  ``version`` where a reviewer edits (a stale form is refused, never silently applied), writes the audit event and
  does all of it in one ``transaction.atomic()``.
* Review work happens only in the cycle's 评审 phase and only while the nomination's scope (track, field) is open
  (tracks.workflow.review_closed_for). ``review_close_scope`` closes a track or field early (scores not
  normalised), ``review_close_nominations`` is what closing does (also for the whole cycle, at 评审结束): pending
  assignments close as 未完成, nominations in review become 已评分 or 评审不足. After that the only way to change a
  score is ``nomination_review_reopen``, once the nomination's list is published: the start of a correction.
* An assignment is due at the cycle's review deadline (``due_at`` empty) unless staff give it its own time; one made
  when the cycle's deadline has passed is due ``LATE_ASSIGNMENT_DAYS`` later, never in the past.

The modules: ``states`` (state groups, the pledge, errors, the rules the writes share), ``tracks.review_rules`` (the conflict rule, overdue; shared with the desk's selectors),
``planning`` (the pure plan), ``assignments`` (automatic, by hand, the reviewer's answer), ``scores``, ``overdue``
(the one-click reminder; the rule-driven reminders are tracks.services.reminders) and ``closing`` (closing review,
reopening after publication). Callers import from this package, which names everything they use.
"""

from ...review_rules import (
    CONFLICT_TEXT,
    WITHDRAWN_TEXT,
    Affiliation,
    Declaration,
    Target,
    affiliation_of,
    conflict_check,
    conflict_text,
    declarations_of,
    overdue_condition,
    reviewer_conflicts,
    target_of,
)
from .assignments import (
    AutoResult,
    _refill_after_withdrawal,
    _staff_users,
    assignment_accept,
    assignment_add,
    assignment_auto,
    assignment_declare_conflict,
    assignment_decline,
    assignment_plan_preview,
    assignment_replace,
)
from .closing import nomination_review_reopen, review_close_nominations, review_close_scope
from .overdue import reminders_send
from .planning import Choice, Exclusion, PanelReviewer, Plan, PlanNomination, Shortfall, assignments_plan
from .scores import (
    TWO_PLACES,
    SaveResult,
    comment_threshold,
    criteria_of,
    score_reopen,
    score_save,
    score_submit,
)
from .states import (
    LATE_ASSIGNMENT_DAYS,
    PLEDGE_TEXT,
    PLEDGE_VERSION,
    ReviewError,
    StaleVersion,
    _conditional,
    _lock_nomination_of,
    _locked,
    _require_scope_open,
    _require_staff,
    assignment_link,
    assignments_link,
    due_for_new,
    effective_due,
    open_reopening,
)

__all__ = [
    "CONFLICT_TEXT",
    "LATE_ASSIGNMENT_DAYS",
    "PLEDGE_TEXT",
    "PLEDGE_VERSION",
    "TWO_PLACES",
    "WITHDRAWN_TEXT",
    "Affiliation",
    "AutoResult",
    "Choice",
    "Declaration",
    "Exclusion",
    "PanelReviewer",
    "Plan",
    "PlanNomination",
    "ReviewError",
    "SaveResult",
    "Shortfall",
    "StaleVersion",
    "Target",
    "affiliation_of",
    "assignment_accept",
    "assignment_add",
    "assignment_auto",
    "assignment_declare_conflict",
    "assignment_decline",
    "assignment_link",
    "assignment_plan_preview",
    "assignment_replace",
    "assignments_link",
    "comment_threshold",
    "conflict_check",
    "conflict_text",
    "criteria_of",
    "declarations_of",
    "due_for_new",
    "effective_due",
    "nomination_review_reopen",
    "open_reopening",
    "overdue_condition",
    "assignments_plan",
    "reminders_send",
    "review_close_nominations",
    "review_close_scope",
    "reviewer_conflicts",
    "score_reopen",
    "score_save",
    "score_submit",
    "target_of",
    # Shared with tracks.services.conflicts and tracks.services.reminders, which write assignments the same way.
    "_conditional",
    "_lock_nomination_of",
    "_locked",
    "_refill_after_withdrawal",
    "_require_scope_open",
    "_require_staff",
    "_staff_users",
]
