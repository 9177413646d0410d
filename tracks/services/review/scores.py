"""Scores: a reviewer's draft and submission, and staff reopening a submitted score while review is open."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from ... import workflow
from ...models import Assignment, AssignmentStatus, Criterion, Cycle, CycleStatus, NominationStatus, Score
from ..notifications import notification_send
from .closing import _close_reopening_if_done
from .states import (
    ReviewError,
    StaleVersion,
    _conditional,
    _locked,
    _require_own,
    _require_scope_open,
    _require_staff,
    _state_error,
    assignment_link,
    open_reopening,
)

TWO_PLACES = Decimal("0.01")


@dataclass
class SaveResult:
    assignment: Assignment
    saved: list  # codes written or cleared
    errors: dict  # code -> message, for values that were not saved


def criteria_of(cycle: Cycle) -> list[Criterion]:
    return list(Criterion.objects.filter(cycle=cycle).order_by("order", "code"))


def comment_threshold(criterion: Criterion, cycle: Cycle) -> Decimal:
    """A value below this needs a comment: the cycle's percentage of the criterion's maximum."""
    return criterion.max_score * cycle.comment_required_below / Decimal(100)


def _parse(raw, criterion: Criterion) -> tuple[Decimal | None, str | None]:
    """(value, None) or (None, error message); blank is (None, None)."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None, None
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None, _("「%(name)s」的分值必须是数字。") % {"name": criterion.name}
    if not value.is_finite():
        return None, _("「%(name)s」的分值必须是数字。") % {"name": criterion.name}
    if value != value.quantize(TWO_PLACES):
        return None, _("「%(name)s」的分值最多保留两位小数。") % {"name": criterion.name}
    if value < 0 or value > criterion.max_score:
        return None, _("「%(name)s」的分值必须在 0 到 %(max)s 之间。") % {
            "name": criterion.name,
            "max": _number(criterion.max_score),
        }
    return value.quantize(TWO_PLACES), None


def _number(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


def _score_state(scores) -> dict:
    return {s.criterion.code: {"value": str(s.value), "comment": s.comment} for s in scores}


def _prepare_scoring(actor, assignment: Assignment, version) -> tuple[Assignment, list[Criterion], dict]:
    current = _locked(assignment)
    _require_own(actor, current)
    cycle = current.nomination.cycle
    if current.status != AssignmentStatus.ACCEPTED:
        raise _state_error(current, _("修改评分"))
    if version is not None and int(version) != current.version:
        raise StaleVersion(
            _(
                "评分已在其他窗口或设备上更新（当前版本 %(stored)s，本页版本 %(mine)s），为避免覆盖，本次保存未生效。请刷新页面后再继续。"
            )
            % {"stored": current.version, "mine": version},
            code="stale",
        )
    if cycle.criteria_frozen_at is None:
        raise ReviewError(_("评价维度尚未冻结，暂不能评分。"), code="criteria_not_frozen")
    current.reopening = open_reopening(current)
    if current.reopening is None:
        _require_scope_open(current.nomination)
        if current.nomination.status not in NominationStatus.REVIEWING:
            raise ReviewError(
                _("推荐当前状态为“%(status)s”，评分不能再修改。")
                % {"status": current.nomination.get_status_display()},
                code="nomination_closed",
            )
    criteria = criteria_of(cycle)
    existing = {
        s.criterion.code: s for s in Score.objects.filter(assignment=current).select_related("criterion")
    }
    return current, criteria, existing


def _write_scores(current, criteria, existing, values: dict, comments: dict) -> tuple[list, dict, dict]:
    """Create, update or clear (value None) the score rows of the codes in ``values``; comments default to the
    stored ones. Returns (codes changed, before, after) for the audit event."""
    changed, before, after = [], {}, {}
    for criterion in criteria:
        code = criterion.code
        if code not in values:
            continue
        value = values[code]
        row = existing.get(code)
        comment = comments.get(code, row.comment if row is not None else "")
        if value is None:
            if row is not None:
                before[code] = {"value": str(row.value), "comment": row.comment}
                after[code] = None
                row.delete()
                changed.append(code)
            continue
        if row is None:
            Score.objects.create(
                assignment=current,
                criterion=criterion,
                value=value,
                max_score=criterion.max_score,
                comment=comment,
            )
            before[code] = None
            after[code] = {"value": str(value), "comment": comment}
            changed.append(code)
        elif row.value != value or row.comment != comment:
            before[code] = {"value": str(row.value), "comment": row.comment}
            row.value, row.comment = value, comment
            row.save(update_fields=["value", "comment", "updated_at"])
            after[code] = {"value": str(value), "comment": comment}
            changed.append(code)
    return changed, before, after


def _split(values: dict) -> tuple[dict, dict]:
    """{code: {"value", "comment"}} into raw values and comments (only the keys given)."""
    raw, comments = {}, {}
    for code, entry in (values or {}).items():
        entry = entry or {}
        if "value" in entry:
            raw[code] = entry["value"]
        if "comment" in entry:
            comments[code] = entry["comment"]
    return raw, comments


def score_save(*, actor, assignment: Assignment, values: dict, version: int, request=None) -> SaveResult:
    """Save a draft (autosave or the 保存草稿 button): every valid entry is kept, the others are reported.

    ``values`` maps a criterion code to ``{"value": "85.5", "comment": "…"}`` (either key may be missing). A blank
    value with a blank comment clears that criterion's draft; a comment needs a value to be stored with. ``version``
    must be the assignment's stored version, which this bumps."""
    with transaction.atomic():
        current, criteria, existing = _prepare_scoring(actor, assignment, version)
        known = {c.code: c for c in criteria}
        raw, comments = _split(values)
        parsed, kept_comments, errors = {}, {}, {}
        for code in dict.fromkeys([*raw, *comments]):
            criterion = known.get(code)
            if criterion is None:
                continue
            comment = (comments.get(code) or "").strip() if code in comments else None
            if code in raw:
                value, error = _parse(raw[code], criterion)
                if error:
                    errors[code] = error
                    continue
            else:
                value = existing[code].value if code in existing else None
            if value is None and comment:
                errors[code] = _("「%(name)s」的评语需与分值一起保存，请先填写分值。") % {
                    "name": criterion.name
                }
                continue
            parsed[code] = value
            if comment is not None:
                kept_comments[code] = comment
        changed, before, after = _write_scores(current, criteria, existing, parsed, kept_comments)
        if (
            changed
        ):  # an unchanged draft keeps its version, so another open window is not made stale for nothing
            _conditional(current, (AssignmentStatus.ACCEPTED,))
            audit_record(
                actor=actor, action="score.draft", obj=current, before=before, after=after, request=request
            )
    return SaveResult(assignment=current, saved=changed, errors=errors)


def score_submit(
    *, actor, assignment: Assignment, values: dict | None, version: int, request=None
) -> Assignment:
    """Submit the four scores, which locks them: every criterion valued in [0, max], a comment where the value is
    below the cycle's threshold (comment_required_below % of the maximum). ``values`` as for score_save, merged over
    the saved draft (None submits the draft as saved)."""
    with transaction.atomic():
        current, criteria, existing = _prepare_scoring(actor, assignment, version)
        cycle = current.nomination.cycle
        raw, comments = _split(values or {})
        errors, parsed, final_comments = {}, {}, {}
        for criterion in criteria:
            code = criterion.code
            text = raw[code] if code in raw else (existing[code].value if code in existing else None)
            value, error = _parse(text, criterion)
            comment = (
                comments[code] if code in comments else (existing[code].comment if code in existing else "")
            )
            comment = (comment or "").strip()
            if error:
                errors[code] = error
                continue
            if value is None:
                errors[code] = _("请为「%(name)s」评分。") % {"name": criterion.name}
                continue
            threshold = comment_threshold(criterion, cycle)
            if value < threshold and not comment:
                errors[code] = _(
                    "「%(name)s」得分低于 %(threshold)s 分（满分的 %(percent)s%%），须填写评语。"
                ) % {
                    "name": criterion.name,
                    "threshold": _number(threshold.quantize(TWO_PLACES)),
                    "percent": _number(cycle.comment_required_below),
                }
                continue
            parsed[code] = value
            final_comments[code] = comment
        if errors:
            raise ReviewError(errors)
        before = _score_state(existing.values())
        _write_scores(current, criteria, existing, parsed, final_comments)
        now = timezone.now()
        _conditional(
            current, (AssignmentStatus.ACCEPTED,), status=AssignmentStatus.SUBMITTED, submitted_at=now
        )
        if current.reopening is not None:
            _close_reopening_if_done(current.reopening, now)
        audit_record(
            actor=actor,
            action="score.submit",
            obj=current,
            before={"status": AssignmentStatus.ACCEPTED, "scores": before},
            after={
                "status": current.status,
                "submitted_at": now,
                "scores": {
                    code: {"value": str(parsed[code]), "comment": final_comments[code]} for code in parsed
                },
            },
            request=request,
        )
    return current


def score_reopen(*, actor, assignment: Assignment, reason: str, request=None) -> Assignment:
    """Staff reopen a submitted score, with a reason, while its scope's review is open. Once review has closed, the
    only way is ``nomination_review_reopen`` after publication (the start of a correction)."""
    _require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ReviewError(_("重新开放评分必须填写理由。"), code="reason_required")
    with transaction.atomic():
        current = _locked(assignment)
        if current.status != AssignmentStatus.SUBMITTED:
            raise _state_error(current, _("重新开放"))
        if current.nomination.cycle.status in CycleStatus.AFTER_REVIEW or workflow.review_closed_for(
            current.nomination.cycle, track=current.nomination.track
        ):
            raise ReviewError(
                _(
                    "评审已结束，评分不能再重新开放；榜单发布后，可对单个推荐发起“重新评审”，其结果以更正版本发布。"
                ),
                code="review_closed",
            )
        before = {"status": current.status, "submitted_at": current.submitted_at}
        _conditional(
            current,
            (AssignmentStatus.SUBMITTED,),
            status=AssignmentStatus.ACCEPTED,
            submitted_at=None,
            status_reason=reason,
        )
        audit_record(
            actor=actor,
            action="score.reopen",
            obj=current,
            before=before,
            after={"status": current.status, "submitted_at": None},
            reason=reason,
            request=request,
        )
        notification_send(
            user=current.reviewer.user,
            message=lambda: (
                _("您对 %(nomination)s 的评分已被重新开放，请修改后再次提交。理由：%(reason)s")
                % {"nomination": current.nomination, "reason": reason}
            ),
            link=assignment_link(current),
            event="score.reopened",
        )
    return current
