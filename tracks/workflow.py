"""The state machines of a year's round: the nomination's transitions, and the cycle's phases with their gates.

Nomination (domain.md, Workflow): draft → submitted → accepted | returned | rejected; returned → submitted until
its 补正 deadline; draft | submitted | returned → withdrawn (by the province, in its window); accepted → in_review →
scored | 评审不足 when review closes; scored ⇄ listed / not listed as published lists say; drafts never submitted
become 未推荐 when the window closes, returned ones not resubmitted in time 逾期未补正.

Cycle: 筹备 → 推荐 → 形式审查 → 评审 → 评审结束 → 发布 → 归档, never back, never skipping. ``cycle_gate`` says what
entering the next phase checks (R refuses, O lets staff move on with a written reason), what it changes and what
is still pending; ``tracks.services.cycles.cycle_advance`` passes it. A list's notice and publication are per
scope (track or field) and need that scope's review closed (``review_closed_for``).

One door: statuses of nominations and cycles are written only by the services named in ``STATUS_WRITERS``, inside
``status_door()`` (tracks.models.status_door); everywhere else the models refuse the write.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from accounts.scope import Scope

from .models import (
    AssignmentStatus,
    Cycle,
    ListStatus,
    Nomination,
    ObjectionStatus,
    ReviewClosure,
)
from .models import CycleStatus as P
from .models import NominationStatus as S

OFFICIAL = "official"
STAFF = "staff"
#: Made by the application as part of a larger change (a gate, a publication, the deadline sweep, a merge): never
#: offered as a button; the actor is the staff member whose step caused it, or nobody (the scheduled sweep).
SYSTEM = "system"

#: The only modules that write Nomination.status and Cycle.status (inside status_door()); a test checks it.
STATUS_WRITERS = ("tracks/services/nominations.py", "tracks/services/cycles.py")

#: The phases in the only order they are passed.
PHASES = [P.PLANNING, P.NOMINATION, P.FORMAL_REVIEW, P.REVIEW, P.REVIEW_CLOSED, P.PUBLICATION, P.CLOSED]

#: A nomination needs this many submitted reviews to be scored (domain.md: fewer are flagged, not ranked).
MIN_REVIEWS = 3


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    actor: str
    label: object
    needs_reason: bool = False

    @property
    def internal(self) -> bool:
        return self.actor == SYSTEM


TRANSITIONS = {
    t.action: t
    for t in [
        Transition("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, OFFICIAL, pgettext_lazy("action", "推荐")),
        Transition(
            "withdraw", (S.DRAFT, S.SUBMITTED, S.RETURNED), S.WITHDRAWN, OFFICIAL, gettext_lazy("撤回")
        ),
        Transition("accept", (S.SUBMITTED,), S.ACCEPTED, STAFF, gettext_lazy("受理")),
        Transition("return", (S.SUBMITTED,), S.RETURNED, STAFF, gettext_lazy("退回修改"), needs_reason=True),
        Transition("reject", (S.SUBMITTED,), S.REJECTED, STAFF, gettext_lazy("不予受理"), needs_reason=True),
        Transition("start_review", (S.ACCEPTED,), S.IN_REVIEW, SYSTEM, gettext_lazy("进入评审")),
        Transition("close_review", (S.ACCEPTED, S.IN_REVIEW), S.SCORED, SYSTEM, gettext_lazy("评审完成")),
        Transition(
            "close_under_reviewed",
            (S.ACCEPTED, S.IN_REVIEW),
            S.UNDER_REVIEWED,
            SYSTEM,
            gettext_lazy("评审不足"),
            needs_reason=True,
        ),
        Transition("mark_listed", (S.SCORED, S.NOT_LISTED), S.LISTED, SYSTEM, gettext_lazy("入榜")),
        Transition("mark_not_listed", (S.SCORED, S.LISTED), S.NOT_LISTED, SYSTEM, gettext_lazy("未入榜")),
        Transition(
            "expire_draft", (S.DRAFT,), S.NOT_NOMINATED, SYSTEM, gettext_lazy("未推荐"), needs_reason=True
        ),
        Transition("lapse", (S.RETURNED,), S.LAPSED, SYSTEM, gettext_lazy("逾期未补正"), needs_reason=True),
        # A track merge that leaves a zone with the same track twice in one cycle withdraws the duplicate
        # (tracks.services.catalog.track_merge): the one change a nomination may take after acceptance.
        Transition(
            "withdraw_duplicate",
            (
                S.DRAFT,
                S.SUBMITTED,
                S.RETURNED,
                S.ACCEPTED,
                S.REJECTED,
                S.IN_REVIEW,
                S.SCORED,
                S.LISTED,
                S.NOT_LISTED,
                S.UNDER_REVIEWED,
            ),
            S.WITHDRAWN,
            SYSTEM,
            gettext_lazy("赛道合并后撤回重复推荐"),
            needs_reason=True,
        ),
    ]
}

# ---------------------------------------------------------------------------------------------------------------
# Who may do what to a nomination


def may_act(scope: Scope | None, transition: Transition, nomination) -> bool:
    """Whether this scope may make this transition on this nomination (state and phase aside); ``None`` is the
    system itself (a scheduled job)."""
    if transition.actor == SYSTEM:
        return scope is None or scope.is_programme_staff
    if transition.actor == STAFF:
        return scope is not None and scope.is_programme_staff
    province = scope.official_province if scope is not None else None
    return province is not None and province.pk == nomination.province_id


def may_edit(scope: Scope, nomination) -> bool:
    """A zone preparer edits its own zone's drafts; an official any draft or returned nomination of the province,
    while the nomination may still be (re)submitted. Programme staff never edit a province's content."""
    if nomination.status not in S.EDITABLE:
        return False
    if nomination.status == S.RETURNED and resubmit_closed(nomination):
        return False
    if not scope.covers(province_id=nomination.province_id, zone_id=nomination.zone_id, everything=False):
        return False
    # A returned nomination is the province's to correct and resubmit, not the zone's.
    return scope.official_province is not None or nomination.status == S.DRAFT


def may_create_for_zone(scope: Scope, zone) -> bool:
    return scope.covers(province_id=zone.province_id, zone_id=zone.pk, everything=False)


def may_discard(scope: Scope, nomination) -> bool:
    """A never-submitted draft may be discarded by whoever may edit it (its zone's preparer, its province's
    officials) until the window closes; nothing a province submitted is ever deleted."""
    return (
        nomination.status == S.DRAFT
        and nomination.submitted_at is None
        and may_edit(scope, nomination)
        and nomination.cycle.status in (P.PLANNING, P.NOMINATION)
    )


def may_manage_attachments(scope: Scope, nomination) -> bool:
    """Attachments are added and removed by whoever may edit the nomination's content."""
    return may_edit(scope, nomination)


def resubmit_closed(nomination, now=None) -> bool:
    """Whether a returned nomination's 补正 deadline has passed (it can no longer be resubmitted)."""
    now = now or timezone.now()
    return nomination.resubmit_by is not None and now > nomination.resubmit_by


def phase_refusal(transition: Transition, nomination, now=None) -> str | None:
    """Why the cycle's phase (and the clock) do not allow this transition now, or None. The one phase rule for the
    province's and staff's transitions; the window and quota of a submit are the service's."""
    cycle = nomination.cycle
    now = now or timezone.now()
    action = transition.action
    if action == "submit" and nomination.status == S.RETURNED:
        if cycle.status not in P.FORMAL_REVIEW_PHASES:
            return _("本批次已进入“%(phase)s”阶段，不能再重新推荐。") % {"phase": cycle.get_status_display()}
        if resubmit_closed(nomination, now):
            return _("补正期限已于 %(deadline)s 截止，不能再重新推荐。") % {
                "deadline": when(nomination.resubmit_by)
            }
        if cycle.status == P.REVIEW and review_closed_for(cycle, track=nomination.track):
            return _("该赛道的评审已结束，不能再重新推荐。")
        return None
    if action in ("submit", "withdraw"):
        if cycle.status != P.NOMINATION:
            return _("本批次处于“%(phase)s”阶段，不在推荐期内。") % {"phase": cycle.get_status_display()}
        return None
    if action in ("accept", "return", "reject"):
        if cycle.status not in P.FORMAL_REVIEW_PHASES:
            return _("本批次处于“%(phase)s”阶段，形式审查已结束。") % {"phase": cycle.get_status_display()}
        if action == "accept" and review_closed_for(cycle, track=nomination.track):
            return _("该赛道的评审已结束，受理后将无法评审；请作不予受理处理或说明情况。")
        return None
    return None


def available_actions(scope: Scope, nomination, now=None) -> list[Transition]:
    """The buttons this scope has on this nomination now: state, role and phase all allow them."""
    return [
        t
        for t in TRANSITIONS.values()
        if not t.internal
        and nomination.status in t.sources
        and may_act(scope, t, nomination)
        and phase_refusal(t, nomination, now) is None
    ]


def when(moment) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i") if moment else "—"


# ---------------------------------------------------------------------------------------------------------------
# Review closed, per scope


def review_closed_for(cycle: Cycle, *, track=None, field=None) -> bool:
    """Whether review is closed for a track (or a whole field) of the cycle: the cycle passed 评审结束, or staff
    closed that scope (its field for a track) earlier. One query at most."""
    if cycle.status in P.AFTER_REVIEW or cycle.review_closed_at is not None:
        return True
    if cycle.status != P.REVIEW:
        return False
    field_id = field.pk if field is not None else track.field_id
    scope = Q(field_id=field_id, track__isnull=True)
    if track is not None:
        scope |= Q(track_id=track.pk)
    return ReviewClosure.objects.filter(cycle=cycle).filter(scope).exists()


def review_close_time(cycle: Cycle, *, track=None, field=None):
    """When review closed for this scope (the earliest closure covering it), or None while it is open."""
    times = []
    if cycle.review_closed_at is not None:
        times.append(cycle.review_closed_at)
    field_id = field.pk if field is not None else track.field_id
    scope = Q(field_id=field_id, track__isnull=True)
    if track is not None:
        scope |= Q(track_id=track.pk)
    times += list(ReviewClosure.objects.filter(cycle=cycle).filter(scope).values_list("closed_at", flat=True))
    return min(times) if times else None


def closed_scopes(cycle: Cycle) -> tuple[set, set]:
    """(field ids, track ids) whose review staff closed ahead of the cycle."""
    fields, tracks = set(), set()
    for field_id, track_id in ReviewClosure.objects.filter(cycle=cycle).values_list("field_id", "track_id"):
        if track_id is None:
            fields.add(field_id)
        else:
            tracks.add(track_id)
    return fields, tracks


def in_closed_scope(nomination_queryset, cycle: Cycle):
    """Narrow a queryset of the cycle's nominations to those whose review is closed."""
    if cycle.status in P.AFTER_REVIEW or cycle.review_closed_at is not None:
        return nomination_queryset
    fields, tracks = closed_scopes(cycle)
    return nomination_queryset.filter(Q(track__field_id__in=fields) | Q(track_id__in=tracks))


def in_open_scope(nomination_queryset, cycle: Cycle):
    """Narrow a queryset of the cycle's nominations to those whose review is still open."""
    if cycle.status != P.REVIEW or cycle.review_closed_at is not None:
        return nomination_queryset.none()
    fields, tracks = closed_scopes(cycle)
    return nomination_queryset.exclude(track__field_id__in=fields).exclude(track_id__in=tracks)


# ---------------------------------------------------------------------------------------------------------------
# Gates: what entering a phase (or closing a scope's review) checks, changes and leaves pending

REFUSE = "refuse"
OVERRIDE = "override"
SAMPLE = 8  # rows named under a check


@dataclass
class Check:
    code: str
    label: str
    severity: str  # REFUSE or OVERRIDE
    ok: bool
    detail: str = ""
    items: list = field(default_factory=list)

    @property
    def refuses(self) -> bool:
        return not self.ok and self.severity == REFUSE

    @property
    def needs_reason(self) -> bool:
        return not self.ok and self.severity == OVERRIDE

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "label": str(self.label),
            "ok": self.ok,
            "severity": self.severity,
            "detail": str(self.detail),
        }


@dataclass
class Gate:
    """A step staff confirm: its checks, what it changes, and what is still pending."""

    title: str
    checks: list
    effects: list
    pending: list  # (label, count) pairs
    target: str = ""

    @property
    def refused(self) -> list:
        return [c for c in self.checks if c.refuses]

    @property
    def overrides(self) -> list:
        return [c for c in self.checks if c.needs_reason]

    @property
    def passes(self) -> bool:
        return not self.refused

    def outcomes(self) -> dict:
        """{check code: "ok" | "overridden"} for the audit record (the overridden ones are recorded in full)."""
        return {c.code: "ok" if c.ok else "overridden" for c in self.checks}

    def refusal_text(self) -> str:
        return pgettext("list separator", "；").join(
            _("%(label)s：%(value)s") % {"label": c.label, "value": c.detail} for c in self.refused
        )


#: What each phase means, for the staff's confirmation pages and the cycle page.
PHASE_HELP = {
    P.NOMINATION: gettext_lazy(
        "推荐：各省级主管部门在推荐时间内创建、推荐、撤回推荐；业务管理员可同时进行形式审查（受理、退回修改、不予受理）。"
    ),
    P.FORMAL_REVIEW: gettext_lazy(
        "形式审查：推荐窗口关闭，从未推荐的草稿标记为“未推荐”；退回修改的推荐可在补正期限内重新推荐。"
    ),
    P.REVIEW: gettext_lazy(
        "评审：评价维度冻结，分配评审专家，专家签署承诺后评分。未启用评分标准化时，可按赛道或领域先行结束评审并生成榜单。"
    ),
    P.REVIEW_CLOSED: gettext_lazy(
        "评审结束：所有评审任务关闭，评分不再变更；推荐标记为“已评分”或“评审不足”。按排名生成榜单、公示、发布。"
    ),
    P.PUBLICATION: gettext_lazy(
        "发布：各榜单按范围公示期满、异议处理完毕后发布；已发布的榜单只能以更正版本替代。"
    ),
    P.CLOSED: gettext_lazy(
        "归档：本批次不再生成新榜单；仍为“已评分”的推荐标记为“未入榜”。已发布的榜单仍可更正。"
    ),
}


def next_phase(cycle: Cycle) -> str | None:
    index = PHASES.index(cycle.status)
    return PHASES[index + 1] if index + 1 < len(PHASES) else None


def nomination_label(nomination) -> str:
    return _("%(province)s · %(zone)s「%(track)s」") % {
        "province": nomination.province.name,
        "zone": nomination.zone.display_name,
        "track": nomination.track.name,
    }


def _nomination_names(queryset) -> list[str]:
    return [
        nomination_label(n)
        for n in queryset.select_related("province", "zone", "track").order_by("province__code", "pk")[
            :SAMPLE
        ]
    ]


def _pending_assignments(nominations):
    from .models import Assignment

    return Assignment.objects.filter(nomination__in=nominations, status__in=AssignmentStatus.PENDING)


def _review_figures(nominations) -> dict:
    """Counts of a set of nominations under review: assignments pending, reviews submitted."""
    reviewing = nominations.filter(status__in=S.REVIEWING).annotate(
        reviews=Count("assignments", filter=Q(assignments__status=AssignmentStatus.SUBMITTED))
    )
    scored = reviewing.filter(reviews__gte=MIN_REVIEWS)
    short = reviewing.filter(reviews__lt=MIN_REVIEWS)
    pending = _pending_assignments(nominations)
    return {
        "reviewing": reviewing,
        "scored": scored.count(),
        "short": short,
        "short_count": short.count(),
        "invited": pending.filter(status=AssignmentStatus.INVITED).count(),
        "accepted": pending.filter(status=AssignmentStatus.ACCEPTED).count(),
    }


def _open_objections(cycle: Cycle):
    from .models import Objection

    return Objection.objects.filter(
        park_list__cycle=cycle, park_list__status=ListStatus.NOTICE, status=ObjectionStatus.PENDING
    )


def _closing_checks(nominations, figures: dict, *, now) -> tuple[list, list]:
    """The checks and effects of closing review over a set of nominations (the cycle, or one scope)."""
    pending = figures["invited"] + figures["accepted"]
    submitted = nominations.filter(status=S.SUBMITTED)
    returned = nominations.filter(status=S.RETURNED)
    checks = [
        Check(
            "assignments_pending",
            _("评审任务全部完成"),
            OVERRIDE,
            ok=pending == 0,
            detail=_("%(invited)s 项未答复、%(accepted)s 项已接受未提交，将关闭为“未完成”")
            % {"invited": figures["invited"], "accepted": figures["accepted"]},
            items=[
                _("%(reviewer)s → %(nomination)s（%(status)s）")
                % {
                    "reviewer": a.reviewer.name,
                    "nomination": nomination_label(a.nomination),
                    "status": a.get_status_display(),
                }
                for a in _pending_assignments(nominations)
                .select_related("reviewer", "nomination__zone", "nomination__track", "nomination__province")
                .order_by("nomination_id", "pk")[:SAMPLE]
            ],
        ),
        Check(
            "formal_review_undecided",
            _("形式审查已全部办结"),
            REFUSE,
            ok=not submitted.exists(),
            detail=ngettext(
                "%(n)s 份推荐尚待形式审查，请先受理或不予受理",
                "%(n)s 份推荐尚待形式审查，请先受理或不予受理",
                submitted.count(),
            )
            % {"n": submitted.count()},
            items=_nomination_names(submitted),
        ),
        Check(
            "returned_open",
            _("无尚在补正期的退回推荐"),
            OVERRIDE,
            ok=not returned.exists(),
            detail=ngettext(
                "%(n)s 份退回修改的推荐尚未重新推荐，将标记为“逾期未补正”",
                "%(n)s 份退回修改的推荐尚未重新推荐，将标记为“逾期未补正”",
                returned.count(),
            )
            % {"n": returned.count()},
            items=_nomination_names(returned),
        ),
    ]
    effects = [
        ngettext(
            "%(n)s 份推荐有 3 份以上提交的评分，将标记为“已评分”",
            "%(n)s 份推荐有 3 份以上提交的评分，将标记为“已评分”",
            figures["scored"],
        )
        % {"n": figures["scored"]},
        ngettext(
            "%(n)s 份推荐提交的评分不足 3 份，将标记为“评审不足”（不参加排名，省级主管部门可见原因）",
            "%(n)s 份推荐提交的评分不足 3 份，将标记为“评审不足”（不参加排名，省级主管部门可见原因）",
            figures["short_count"],
        )
        % {"n": figures["short_count"]},
        _("此后不能再接受、评分、提交或重新开放这些评审任务；评分只能在榜单发布后经“重新评审”进入更正版本。"),
    ]
    if pending:
        effects.append(
            ngettext(
                "%(n)s 项未完成的评审任务将关闭为“未完成”",
                "%(n)s 项未完成的评审任务将关闭为“未完成”",
                pending,
            )
            % {"n": pending}
        )
    return checks, effects


def province_windows_open(cycle: Cycle, now) -> list[str]:
    """Provinces whose nomination window (with its extension) has not closed yet."""
    from .models import WindowExtension

    names = []
    if cycle.nomination_closes_at >= now:
        names.append(_("所有省份（推荐截止时间 %(closes)s）") % {"closes": when(cycle.nomination_closes_at)})
    for extension in WindowExtension.objects.filter(cycle=cycle, closes_at__gte=now).select_related(
        "province"
    ):
        names.append(
            _("%(province)s（延期至 %(closes)s）")
            % {"province": extension.province.name, "closes": when(extension.closes_at)}
        )
    return names


def cycle_gate(cycle: Cycle, now=None) -> Gate | None:
    """What entering the cycle's next phase checks, changes and leaves pending; None when it is archived."""
    now = now or timezone.now()
    target = next_phase(cycle)
    if target is None:
        return None
    builder = {
        P.NOMINATION: _gate_nomination,
        P.FORMAL_REVIEW: _gate_formal_review,
        P.REVIEW: _gate_review,
        P.REVIEW_CLOSED: _gate_review_closed,
        P.PUBLICATION: _gate_publication,
        P.CLOSED: _gate_closed,
    }[target]
    gate = builder(cycle, now)
    gate.target = target
    return gate


def _criteria_check(cycle: Cycle) -> Check:
    from django.core.exceptions import ValidationError

    from .services.cycles import validate_criteria

    try:
        validate_criteria({c.code: c.weight for c in cycle.criteria.all()})
    except ValidationError as error:
        return Check(
            "criteria", _("评价维度完整、权重合计为100"), REFUSE, ok=False, detail=" ".join(error.messages)
        )
    return Check("criteria", _("评价维度完整、权重合计为100"), REFUSE, ok=True)


def _gate_nomination(cycle: Cycle, now) -> Gate:
    return Gate(
        title=_("开启推荐"),
        checks=[_criteria_check(cycle)],
        effects=[
            _("各省级主管部门可在推荐时间内创建、推荐和撤回推荐（%(opens)s 至 %(closes)s）。")
            % {"opens": when(cycle.nomination_opens_at), "closes": when(cycle.nomination_closes_at)},
            _("推荐窗口只能在“推荐”阶段延期。"),
        ],
        pending=[],
    )


def _gate_formal_review(cycle: Cycle, now) -> Gate:
    open_windows = province_windows_open(cycle, now)
    drafts = Nomination.objects.filter(cycle=cycle, status=S.DRAFT)
    return Gate(
        title=_("推荐截止，进入形式审查"),
        checks=[
            Check(
                "window_open",
                _("所有省份的推荐窗口（含延期）均已截止"),
                REFUSE,
                ok=not open_windows,
                detail=_("以下仍在推荐期内，截止后才能进入形式审查："),
                items=open_windows,
            )
        ],
        effects=[
            ngettext(
                "%(n)s 份从未推荐的草稿将标记为“未推荐”（不计入名额，不再能推荐）",
                "%(n)s 份从未推荐的草稿将标记为“未推荐”（不计入名额，不再能推荐）",
                drafts.count(),
            )
            % {"n": drafts.count()},
            _("不再接受新的推荐，推荐窗口不能再延期；退回修改的推荐仍可在各自的补正期限内重新推荐。"),
        ],
        pending=[
            (_("待形式审查"), Nomination.objects.filter(cycle=cycle, status=S.SUBMITTED).count()),
            (_("退回修改待补正"), Nomination.objects.filter(cycle=cycle, status=S.RETURNED).count()),
        ],
    )


def _reviewer_check(cycle: Cycle) -> Check:
    from .services.review import assignment_plan_preview

    plan = assignment_plan_preview(cycle)
    short = plan.shortfall_rows()
    return Check(
        "reviewers_short",
        _("每个领域都有足够的无回避评审专家"),
        OVERRIDE,
        ok=not short,
        detail=ngettext(
            "%(n)s 份推荐找不到足够的无回避评审专家（每项需 %(k)s 名）",
            "%(n)s 份推荐找不到足够的无回避评审专家（每项需 %(k)s 名）",
            len(short),
        )
        % {"n": len(short), "k": cycle.reviewers_per_nomination},
        items=short[:SAMPLE],
    )


def _gate_review(cycle: Cycle, now) -> Gate:
    submitted = Nomination.objects.filter(cycle=cycle, status=S.SUBMITTED)
    returned = Nomination.objects.filter(cycle=cycle, status=S.RETURNED)
    returned_open = returned.filter(Q(resubmit_by__isnull=True) | Q(resubmit_by__gte=now))
    returned_late = returned.filter(resubmit_by__lt=now)
    undecided = submitted.count() + returned_open.count()
    deadline_ok = cycle.review_closes_at is not None and cycle.review_closes_at > now
    criteria = list(cycle.criteria.order_by("order"))
    return Gate(
        title=_("开启评审"),
        checks=[
            _criteria_check(cycle),
            Check(
                "review_deadline",
                _("已设定晚于现在的评审截止时间"),
                REFUSE,
                ok=deadline_ok,
                detail=_("请先在年度批次中设定评审截止时间（现为 %(deadline)s）。")
                % {"deadline": when(cycle.review_closes_at)},
            ),
            Check(
                "formal_review_open",
                _("形式审查已办结"),
                OVERRIDE,
                ok=undecided == 0,
                detail=_("%(submitted)s 份待形式审查，%(returned)s 份退回修改尚在补正期内")
                % {"submitted": submitted.count(), "returned": returned_open.count()},
                items=_nomination_names(submitted) + _nomination_names(returned_open),
            ),
            _reviewer_check(cycle),
        ],
        effects=[
            _("评价维度将冻结：%(criteria)s。")
            % {
                "criteria": pgettext("list separator", "、").join(
                    f"{c.name} {c.weight.normalize():f}" for c in criteria
                )
            },
            ngettext(
                "%(n)s 份退回修改后逾期未重新推荐的推荐将标记为“逾期未补正”",
                "%(n)s 份退回修改后逾期未重新推荐的推荐将标记为“逾期未补正”",
                returned_late.count(),
            )
            % {"n": returned_late.count()},
            _("评审专家可接受任务、签署承诺并评分，任务默认于 %(deadline)s 到期。")
            % {"deadline": when(cycle.review_closes_at)},
        ],
        pending=[
            (_("已受理待评审"), Nomination.objects.filter(cycle=cycle, status=S.ACCEPTED).count()),
        ],
    )


def _gate_review_closed(cycle: Cycle, now) -> Gate:
    nominations = Nomination.objects.filter(cycle=cycle)
    figures = _review_figures(nominations)
    checks, effects = _closing_checks(nominations, figures, now=now)
    return Gate(
        title=_("评审结束"),
        checks=checks,
        effects=effects,
        pending=[
            (_("未答复的评审任务"), figures["invited"]),
            (_("已接受未提交的评审任务"), figures["accepted"]),
            (_("评分不足 3 份的推荐"), figures["short_count"]),
            (_("公示中榜单的未处理异议"), _open_objections(cycle).count()),
        ],
    )


def _gate_publication(cycle: Cycle, now) -> Gate:
    still_reviewing = Nomination.objects.filter(cycle=cycle, status__in=S.REVIEWING)
    objections = _open_objections(cycle)
    lists = cycle.park_lists.values("status").annotate(n=Count("pk"))
    by_status = {row["status"]: row["n"] for row in lists}
    return Gate(
        title=_("进入发布阶段"),
        checks=[
            Check(
                "scopes_open",
                _("所有榜单范围的评审均已结束"),
                REFUSE,
                ok=not still_reviewing.exists(),
                detail=ngettext("%(n)s 份推荐仍在评审中", "%(n)s 份推荐仍在评审中", still_reviewing.count())
                % {"n": still_reviewing.count()},
                items=_nomination_names(still_reviewing),
            ),
            Check(
                "objections_open",
                _("公示中的榜单没有未处理的异议"),
                REFUSE,
                ok=not objections.exists(),
                detail=ngettext("%(n)s 件异议待处理", "%(n)s 件异议待处理", objections.count())
                % {"n": objections.count()},
                items=[
                    _("%(receipt)s · %(list)s") % {"receipt": o.receipt_number, "list": o.park_list.title}
                    for o in objections.select_related("park_list").order_by("submitted_at")[:SAMPLE]
                ],
            ),
        ],
        effects=[
            _("进入发布阶段本身不公开任何内容：每个榜单仍须单独公示、期满后发布。"),
            _("现有榜单：草稿 %(draft)s 个，公示中 %(notice)s 个，已发布 %(published)s 个。")
            % {
                "draft": by_status.get(ListStatus.DRAFT, 0),
                "notice": by_status.get(ListStatus.NOTICE, 0),
                "published": by_status.get(ListStatus.PUBLISHED, 0),
            },
        ],
        pending=[(_("公示中榜单的未处理异议"), objections.count())],
    )


def _gate_closed(cycle: Cycle, now) -> Gate:
    on_notice = cycle.park_lists.filter(status=ListStatus.NOTICE)
    scored = Nomination.objects.filter(cycle=cycle, status=S.SCORED)
    return Gate(
        title=_("归档"),
        checks=[
            Check(
                "lists_on_notice",
                _("没有公示中的榜单（含更正版本）"),
                REFUSE,
                ok=not on_notice.exists(),
                detail=ngettext("%(n)s 个榜单仍在公示中", "%(n)s 个榜单仍在公示中", on_notice.count())
                % {"n": on_notice.count()},
                items=[str(park_list) for park_list in on_notice.order_by("pk")[:SAMPLE]],
            )
        ],
        effects=[
            ngettext(
                "%(n)s 份已评分但未列入任何已发布榜单的推荐将标记为“未入榜”",
                "%(n)s 份已评分但未列入任何已发布榜单的推荐将标记为“未入榜”",
                scored.count(),
            )
            % {"n": scored.count()},
            _("归档后不能再生成新的榜单；已发布的榜单仍可发布更正版本。"),
        ],
        pending=[],
    )


def scope_close_gate(cycle: Cycle, *, field, track=None, now=None) -> Gate:
    """What closing the review of one track (or a whole field) ahead of the cycle checks and changes."""
    now = now or timezone.now()
    nominations = Nomination.objects.filter(cycle=cycle, track__field=field)
    if track is not None:
        nominations = nominations.filter(track=track)
    checks = [
        Check(
            "phase",
            _("批次处于“评审”阶段"),
            REFUSE,
            ok=cycle.status == P.REVIEW,
            detail=_("本批次处于“%(phase)s”阶段。") % {"phase": cycle.get_status_display()},
        ),
        Check(
            "normalised",
            _("本批次未启用评分标准化"),
            REFUSE,
            ok=not cycle.normalise_scores,
            detail=_("启用评分标准化时，每位专家在全批次的评分都影响所有总分，只能整个批次一起结束评审。"),
        ),
        Check(
            "already_closed",
            _("该范围的评审尚未结束"),
            REFUSE,
            ok=cycle.status != P.REVIEW or not review_closed_for(cycle, track=track, field=field),
            detail=_("该范围的评审已经结束。"),
        ),
    ]
    figures = _review_figures(nominations)
    closing, effects = _closing_checks(nominations, figures, now=now)
    return Gate(
        title=_("结束评审：%(scope)s") % {"scope": track.name if track is not None else field.name},
        checks=checks + closing,
        effects=effects,
        pending=[
            (_("未答复的评审任务"), figures["invited"]),
            (_("已接受未提交的评审任务"), figures["accepted"]),
            (_("评分不足 3 份的推荐"), figures["short_count"]),
        ],
    )
