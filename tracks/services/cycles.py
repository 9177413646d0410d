"""Writes of cycles and their criteria: a new year from the previous one, criteria edits, freezing, phase changes.

The rule for a cycle's criteria lives here once (``validate_criteria``); the admin's criteria formset calls it too.
``cycle_advance`` is the one way a cycle changes phase: it passes the gate tracks.workflow.cycle_gate describes
(refusing, or moving on with a written reason where the gate allows it) and makes the phase's changes on entry.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts import guards
from audit.services import audit_record, snapshot

from .. import workflow
from ..models import Criterion, CriterionCode, Cycle, CycleStatus, Nomination, NominationStatus, ProvinceQuota
from ..models.status_door import status_door

WEIGHT_TOTAL = Decimal("100")
CRITERION_CODES = list(CriterionCode.values)
# What criteria_update may change on a criterion.
CRITERION_FIELDS = ("name", "weight", "max_score", "rubric", "order")
# The settings a new cycle inherits from the previous one (besides criteria and per-province quotas).
INHERITED_CYCLE_FIELDS = (
    "default_quota",
    "notice_days",
    "reviewers_per_nomination",
    "normalise_scores",
    "comment_required_below",
    "resubmit_days",
    "required_materials",
)


# ---------------------------------------------------------------------------------------------------------------
# Rules


def require_programme_staff(actor):
    guards.require_programme_staff(actor, _("只有业务管理员可以管理年度批次和评价维度。"))


def format_number(value) -> str:
    """100.00 → "100", 99.50 → "99.5": how a weight reads in a message."""
    return format(Decimal(value).normalize(), "f")


def check_criteria_editable(cycle: Cycle):
    """Refuse any change to the criteria of a cycle whose review has started."""
    if cycle.criteria_frozen_at is not None:
        raise ValidationError(_("评审已开始，本批次的评价维度已冻结，不能修改。"), code="criteria_frozen")


def validate_criteria(weights: dict, *, allow_empty: bool = False):
    """The one rule for a cycle's set of criteria: the four criteria, each once, weights summing to exactly 100.

    ``weights`` maps a criterion code to its weight. With ``allow_empty`` a cycle without criteria yet passes
    (a cycle may be created first and given its criteria later; freezing requires the full set)."""
    if not weights and allow_empty:
        return
    unknown = [code for code in weights if code not in CRITERION_CODES]
    if unknown:
        raise ValidationError(
            _("未知的评价维度：%(codes)s。"),
            code="unknown_criterion",
            params={"codes": pgettext("list separator", "、").join(map(str, unknown))},
        )
    missing = [code for code in CRITERION_CODES if code not in weights]
    if missing:
        raise ValidationError(
            _("评价维度须包括战略性、领先性、成长性、带动性四项，缺少：%(missing)s。"),
            code="criteria_incomplete",
            params={
                "missing": pgettext("list separator", "、").join(
                    str(CriterionCode(code).label) for code in missing
                )
            },
        )
    total = sum((Decimal(weight) for weight in weights.values()), Decimal("0"))
    if total != WEIGHT_TOTAL:
        raise ValidationError(
            _("四个评价维度的权重之和必须为100，当前为 %(sum)s。"),
            code="weights_sum",
            params={"sum": format_number(total)},
        )


def criteria_state(criteria) -> dict:
    """{code: {name, weight, max_score, rubric, order}} for audit records and copies."""
    return {c.code: snapshot(c, list(CRITERION_FIELDS)) for c in criteria}


def _decimal(value, label) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(
            _("「%(field)s」必须是数字。"), code="invalid", params={"field": label}
        ) from None
    if not number.is_finite():
        raise ValidationError(_("「%(field)s」必须是数字。"), code="invalid", params={"field": label})
    return number


# ---------------------------------------------------------------------------------------------------------------
# Services


def criteria_update(*, cycle: Cycle, actor, values: dict, reason: str = "", request=None) -> list[Criterion]:
    """Set the criteria of a cycle that has not started review.

    ``values`` maps a criterion code to the fields to change (``weight``, ``max_score``, ``name``, ``rubric``,
    ``order``); a code the cycle does not have yet is created. The resulting set must pass ``validate_criteria``.
    """
    require_programme_staff(actor)
    unknown = [code for code in values if code not in CRITERION_CODES]
    if unknown:
        raise ValidationError(
            _("未知的评价维度：%(codes)s。"),
            code="unknown_criterion",
            params={"codes": pgettext("list separator", "、").join(map(str, unknown))},
        )
    with transaction.atomic():
        current = Cycle.objects.select_for_update().get(pk=cycle.pk)
        check_criteria_editable(current)
        existing = {
            c.code: c for c in Criterion.objects.select_for_update().filter(cycle=current).order_by("order")
        }
        before = criteria_state(existing.values())
        original = {
            code: {name: getattr(c, name) for name in CRITERION_FIELDS} for code, c in existing.items()
        }

        result = dict(existing)
        for code, changes in values.items():
            extra = set(changes) - set(CRITERION_FIELDS)
            if extra:
                raise ValidationError(
                    _("不能修改评价维度的这些字段：%(fields)s。"),
                    code="invalid_field",
                    params={"fields": pgettext("list separator", "、").join(sorted(extra))},
                )
            criterion = existing.get(code) or Criterion(
                cycle=current,
                code=code,
                name=str(CriterionCode(code).label),
                order=CRITERION_CODES.index(code),
            )
            for name, value in changes.items():
                if name in ("weight", "max_score"):
                    value = _decimal(value, Criterion._meta.get_field(name).verbose_name)
                elif name in ("name", "rubric"):
                    value = (value or "").strip()
                setattr(criterion, name, value)
            result[code] = criterion

        validate_criteria({code: c.weight for code, c in result.items()})
        for criterion in result.values():
            criterion.full_clean()
            # Lossless now that full_clean has checked the decimal places: 30 is stored and recorded as 30.00.
            criterion.weight = criterion.weight.quantize(Decimal("0.01"))
            criterion.max_score = criterion.max_score.quantize(Decimal("0.01"))

        changed = []
        for code, criterion in result.items():
            if criterion.pk is None or any(
                getattr(criterion, name) != value for name, value in original[code].items()
            ):
                criterion.save()
                changed.append(code)
        if changed:
            after = criteria_state(result.values())
            audit_record(
                actor=actor,
                action="criteria.update",
                obj=current,
                before={code: before.get(code) for code in changed},
                after={code: after[code] for code in changed},
                reason=reason,
                request=request,
            )
    return sorted(result.values(), key=lambda c: (c.order, CRITERION_CODES.index(c.code)))


def criteria_freeze(*, cycle: Cycle, actor, request=None) -> Cycle:
    """Freeze a cycle's criteria (when review opens). The set must be complete; freezing twice changes nothing."""
    require_programme_staff(actor)
    with transaction.atomic():
        current = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if current.criteria_frozen_at is None:
            criteria = list(Criterion.objects.filter(cycle=current))
            validate_criteria({c.code: c.weight for c in criteria})
            now = timezone.now()
            updated = Cycle.objects.filter(pk=current.pk, criteria_frozen_at__isnull=True).update(
                criteria_frozen_at=now
            )
            if updated:
                current.criteria_frozen_at = now
                audit_record(
                    actor=actor,
                    action="criteria.freeze",
                    obj=current,
                    before={"criteria_frozen_at": None},
                    after={"criteria_frozen_at": now, "criteria": criteria_state(criteria)},
                    request=request,
                )
            else:
                current.refresh_from_db(fields=["criteria_frozen_at"])
    cycle.criteria_frozen_at = current.criteria_frozen_at
    return current


#: The programme's criteria when a cycle is created without a template: code, weight (Σ = 100), rubric lines.
DEFAULT_CRITERIA = [
    ("strategic", Decimal("30")),
    ("leading", Decimal("25")),
    ("growth", Decimal("25")),
    ("driving", Decimal("20")),
]


def cycle_create(
    *,
    actor,
    year: int,
    nomination_opens_at,
    nomination_closes_at,
    title: str = "",
    criteria=None,
    request=None,
    **settings,
) -> Cycle:
    """A new cycle in 筹备 with its four criteria (``criteria``: (code, weight[, rubric]) rows; the programme's
    defaults otherwise) and any cycle setting in ``settings`` (quota, notice days, reviewers per nomination …)."""
    require_programme_staff(actor)
    year = int(year)
    if Cycle.objects.filter(year=year).exists():
        raise ValidationError(_("%(year)s年度批次已存在。"), code="year_exists", params={"year": year})
    rows = criteria if criteria is not None else DEFAULT_CRITERIA
    with transaction.atomic():
        cycle = Cycle(
            year=year,
            title=title or _("%(year)s年度国家高新区新赛道培育") % {"year": year},
            nomination_opens_at=nomination_opens_at,
            nomination_closes_at=nomination_closes_at,
            **settings,
        )
        cycle.full_clean()
        cycle.save()
        created = Criterion.objects.bulk_create(
            [
                Criterion(
                    cycle=cycle,
                    code=row[0],
                    name=str(CriterionCode(row[0]).label),
                    weight=Decimal(row[1]),
                    max_score=Decimal("100"),
                    rubric=row[2] if len(row) > 2 else "",
                    order=order,
                )
                for order, row in enumerate(rows)
            ]
        )
        validate_criteria({c.code: c.weight for c in created})
        audit_record(
            actor=actor,
            action="cycle.create",
            obj=cycle,
            after={**snapshot(cycle), "criteria": criteria_state(created)},
            request=request,
        )
    return cycle


def cycle_create_from_previous(
    *, actor, year: int, nomination_opens_at, nomination_closes_at, title: str | None = None, request=None
) -> Cycle:
    """A new cycle for ``year`` with the criteria, quotas and settings of the latest earlier cycle."""
    require_programme_staff(actor)
    year = int(year)
    exists_error = ValidationError(_("%(year)s年度批次已存在。"), code="year_exists", params={"year": year})
    if Cycle.objects.filter(year=year).exists():
        raise exists_error
    try:
        with transaction.atomic():
            previous = Cycle.objects.filter(year__lt=year).order_by("-year").first()
            if previous is None:
                raise ValidationError(
                    _("没有%(year)s年度之前的批次可作模板。"), code="no_previous", params={"year": year}
                )
            if title is None:
                title = previous.title.replace(str(previous.year), str(year)) if previous.title else ""
            cycle = Cycle(
                year=year,
                title=title,
                status=CycleStatus.PLANNING,
                nomination_opens_at=nomination_opens_at,
                nomination_closes_at=nomination_closes_at,
                **{name: getattr(previous, name) for name in INHERITED_CYCLE_FIELDS},
            )
            cycle.full_clean()
            cycle.save()
            criteria = Criterion.objects.bulk_create(
                [
                    Criterion(
                        cycle=cycle,
                        code=c.code,
                        name=c.name,
                        weight=c.weight,
                        max_score=c.max_score,
                        rubric=c.rubric,
                        order=c.order,
                    )
                    for c in previous.criteria.all()
                ]
            )
            quotas = ProvinceQuota.objects.bulk_create(
                [
                    ProvinceQuota(cycle=cycle, province_id=q.province_id, quota=q.quota)
                    for q in previous.quotas.all()
                ]
            )
            audit_record(
                actor=actor,
                action="cycle.create",
                obj=cycle,
                after={
                    **snapshot(cycle),
                    "template_year": previous.year,
                    "criteria": criteria_state(criteria),
                    "quotas": {str(q.province_id): q.quota for q in quotas},
                },
                reason=_("以%(year)s年度批次为模板新建。") % {"year": previous.year},
                request=request,
            )
    except IntegrityError:
        if Cycle.objects.filter(year=year).exists():  # created concurrently
            raise exists_error from None
        raise
    return cycle


class GateRefused(ValidationError):
    """A phase change or a scope's review close refused by its gate (a check that refuses, or no reason given
    for one that needs it)."""


def gate_enforce(gate: workflow.Gate, reason: str):
    """Refuse a step whose gate refuses, or whose failed checks need a reason and got none."""
    if gate.refused:
        raise GateRefused(
            _("不能继续：%(checks)s。") % {"checks": gate.refusal_text()},
            code="gate_refused",
        )
    if gate.overrides and not reason:
        raise GateRefused(
            _("以下检查未通过：%(checks)s。如仍要继续，请填写理由（将记入审计日志并显示）。")
            % {
                "checks": pgettext("list separator", "；").join(
                    _("%(label)s：%(value)s") % {"label": c.label, "value": c.detail} for c in gate.overrides
                )
            },
            code="reason_required",
        )


#: The dates staff may move, and until which phase (the window is history once formal review begins; the review
#: deadline, once review has closed).
RESCHEDULABLE = {
    "nomination_opens_at": CycleStatus.WINDOW,
    "nomination_closes_at": CycleStatus.WINDOW,
    "review_opens_at": (CycleStatus.PLANNING, CycleStatus.NOMINATION, CycleStatus.FORMAL_REVIEW),
    "review_closes_at": (
        CycleStatus.PLANNING,
        CycleStatus.NOMINATION,
        CycleStatus.FORMAL_REVIEW,
        CycleStatus.REVIEW,
    ),
}


def cycle_reschedule(*, cycle: Cycle, actor, reason: str = "", request=None, **dates) -> Cycle:
    """Move a cycle's nomination window or review deadline (audited). Assignments without a time of their own
    follow the review deadline wherever it goes; the window closes for good when formal review begins."""
    require_programme_staff(actor)
    unknown = set(dates) - set(RESCHEDULABLE)
    if unknown:
        raise ValidationError(
            _("不能修改这些时间：%(fields)s。")
            % {"fields": pgettext("list separator", "、").join(sorted(unknown))}
        )
    with transaction.atomic():
        current = Cycle.objects.select_for_update().get(pk=cycle.pk)
        for name in dates:
            if current.status not in RESCHEDULABLE[name]:
                raise ValidationError(
                    _("本批次处于“%(phase)s”阶段，%(field)s不能再修改。")
                    % {
                        "phase": current.get_status_display(),
                        "field": Cycle._meta.get_field(name).verbose_name,
                    },
                    code="phase",
                )
        before = snapshot(current, list(dates))
        for name, value in dates.items():
            setattr(current, name, value)
        current.full_clean(exclude=["year"])
        Cycle.objects.filter(pk=current.pk).update(**dates)
        audit_record(
            actor=actor,
            action="cycle.reschedule",
            obj=current,
            before=before,
            after=snapshot(current, list(dates)),
            reason=(reason or "").strip(),
            request=request,
        )
    for name, value in dates.items():
        setattr(cycle, name, value)
    return current


def cycle_advance(
    *, cycle: Cycle, actor, to_status: str | None = None, reason: str = "", request=None
) -> Cycle:
    """Move a cycle to its next phase (筹备 → 推荐 → 形式审查 → 评审 → 评审结束 → 发布 → 归档), never back or
    skipping one, through the gate of that phase; then make the phase's changes on entry (domain.md, The cycle):

    * 形式审查: never-submitted drafts → 未推荐;
    * 评审: the criteria freeze; returned nominations past their 补正 deadline → 逾期未补正;
    * 评审结束: pending assignments close as 未完成, nominations in review → 已评分 or 评审不足, returned → 逾期未补正;
    * 归档: nominations still 已评分 → 未入榜.
    """
    require_programme_staff(actor)
    reason = (reason or "").strip()
    with transaction.atomic():
        current = Cycle.objects.select_for_update().get(pk=cycle.pk)
        target = workflow.next_phase(current)
        if target is None:
            raise ValidationError(_("该批次已归档。"), code="cycle_closed")
        if to_status is not None and to_status != target:
            raise ValidationError(
                _("批次只能从“%(source)s”进入“%(target)s”。"),
                code="invalid_transition",
                params={"source": current.get_status_display(), "target": CycleStatus(target).label},
            )
        now = timezone.now()
        gate = workflow.cycle_gate(current, now)
        gate_enforce(gate, reason)
        _enter(current, target, actor=actor, now=now, request=request)
        source = current.status
        with status_door():
            updated = Cycle.objects.filter(pk=current.pk, status=source).update(status=target)
        if updated != 1:  # pragma: no cover - the row lock makes this unreachable on PostgreSQL
            raise ValidationError(_("该批次已被他人修改，请刷新后重试。"), code="stale")
        current.status = target
        current._loaded_status = target
        audit_record(
            actor=actor,
            action="cycle.advance",
            obj=current,
            before={"status": source},
            after={
                "status": target,
                "overridden": [c.as_dict() for c in gate.overrides],
                "checks": gate.outcomes(),
            },
            reason=reason,
            request=request,
        )
    cycle.status = current.status
    cycle._loaded_status = current.status
    cycle.criteria_frozen_at = current.criteria_frozen_at
    cycle.review_closed_at = current.review_closed_at
    return current


def _enter(cycle: Cycle, target: str, *, actor, now, request):
    """The changes of entering ``target`` (inside cycle_advance's transaction, the cycle row locked)."""
    from .nominations import nominations_lapse_overdue, nominations_transition_bulk
    from .review import review_close_nominations

    if target == CycleStatus.FORMAL_REVIEW:
        nominations_transition_bulk(
            actor=actor,
            nominations=list(
                Nomination.objects.filter(cycle=cycle, status=NominationStatus.DRAFT).only("pk")
            ),
            action="expire_draft",
            reason=_("推荐截止前未推荐。"),
            request=request,
        )
    elif target == CycleStatus.REVIEW:
        criteria_freeze(cycle=cycle, actor=actor, request=request)
        nominations_lapse_overdue(actor=actor, cycle=cycle, now=now)
        if cycle.review_opens_at is None or cycle.review_opens_at > now:
            Cycle.objects.filter(pk=cycle.pk).update(review_opens_at=now)
            cycle.review_opens_at = now
    elif target == CycleStatus.REVIEW_CLOSED:
        review_close_nominations(
            actor=actor, cycle=cycle, nominations=Nomination.objects.filter(cycle=cycle), request=request
        )
        Cycle.objects.filter(pk=cycle.pk).update(review_closed_at=now)
        cycle.review_closed_at = now
    elif target == CycleStatus.CLOSED:
        nominations_transition_bulk(
            actor=actor,
            nominations=list(
                Nomination.objects.filter(cycle=cycle, status=NominationStatus.SCORED).only("pk")
            ),
            action="mark_not_listed",
            reason=_("批次归档时未列入任何已发布的榜单。"),
            request=request,
        )
