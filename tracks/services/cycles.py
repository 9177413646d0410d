"""Writes of cycles and their criteria: a new year from the previous one, criteria edits, freezing, stage changes.

The rule for a cycle's criteria lives here once (``validate_criteria``); the admin's criteria formset calls it too.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts import roles
from audit.services import audit_record, snapshot

from ..models import Criterion, CriterionCode, Cycle, CycleStatus, ProvinceQuota

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
)
# The stages of a cycle, in the only order they are passed.
CYCLE_SEQUENCE = [
    CycleStatus.PLANNING,
    CycleStatus.NOMINATION,
    CycleStatus.REVIEW,
    CycleStatus.PUBLICATION,
    CycleStatus.CLOSED,
]


# ---------------------------------------------------------------------------------------------------------------
# Rules


def require_programme_staff(actor):
    if not roles.is_programme_staff(actor):
        raise PermissionDenied(_("只有业务管理员可以管理年度批次和评价维度。"))


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


def cycle_next_status(cycle: Cycle) -> str | None:
    index = CYCLE_SEQUENCE.index(cycle.status)
    return CYCLE_SEQUENCE[index + 1] if index + 1 < len(CYCLE_SEQUENCE) else None


def cycle_advance(
    *, cycle: Cycle, actor, to_status: str | None = None, reason: str = "", request=None
) -> Cycle:
    """Move a cycle to its next stage (筹备中 → 推荐中 → 评审中 → 公示发布 → 已结束), never back or skipping one.

    Entering review freezes the criteria, which must then be complete."""
    require_programme_staff(actor)
    with transaction.atomic():
        current = Cycle.objects.select_for_update().get(pk=cycle.pk)
        target = cycle_next_status(current)
        if target is None:
            raise ValidationError(_("该批次已结束。"), code="cycle_closed")
        if to_status is not None and to_status != target:
            raise ValidationError(
                _("批次只能从「%(source)s」进入「%(target)s」。"),
                code="invalid_transition",
                params={"source": current.get_status_display(), "target": CycleStatus(target).label},
            )
        if target == CycleStatus.REVIEW:
            criteria_freeze(cycle=current, actor=actor, request=request)
        source = current.status
        updated = Cycle.objects.filter(pk=current.pk, status=source).update(status=target)
        if updated != 1:  # pragma: no cover - the row lock makes this unreachable on PostgreSQL
            raise ValidationError(_("该批次已被他人修改，请刷新后重试。"), code="stale")
        current.status = target
        audit_record(
            actor=actor,
            action="cycle.advance",
            obj=current,
            before={"status": source},
            after={"status": target},
            reason=reason,
            request=request,
        )
    cycle.status = current.status
    cycle.criteria_frozen_at = current.criteria_frozen_at
    return current
