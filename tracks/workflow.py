"""The nomination state machine: which transitions exist, from which states, and who may make each.

domain.md: draft → submitted → accepted | returned | rejected; returned → submitted;
draft | submitted | returned → withdrawn (by the province, before acceptance);
accepted → in_review → scored → listed | not_listed.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import roles

from .models import NominationStatus as S

OFFICIAL = "official"
STAFF = "staff"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    actor: str
    label: object
    needs_reason: bool = False
    #: made by another service as part of a larger change (a track merge), never offered as a button or action
    internal: bool = False


TRANSITIONS = {
    t.action: t
    for t in [
        Transition("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, OFFICIAL, pgettext_lazy("action", "推荐")),
        Transition("withdraw", (S.DRAFT, S.SUBMITTED, S.RETURNED), S.WITHDRAWN, OFFICIAL, _("撤回")),
        Transition("accept", (S.SUBMITTED,), S.ACCEPTED, STAFF, _("受理")),
        Transition("return", (S.SUBMITTED,), S.RETURNED, STAFF, _("退回修改"), needs_reason=True),
        Transition("reject", (S.SUBMITTED,), S.REJECTED, STAFF, _("不予受理"), needs_reason=True),
        Transition("start_review", (S.ACCEPTED,), S.IN_REVIEW, STAFF, _("进入评审")),
        Transition("mark_scored", (S.IN_REVIEW,), S.SCORED, STAFF, _("评审完成")),
        Transition("mark_listed", (S.SCORED,), S.LISTED, STAFF, _("入榜")),
        Transition("mark_not_listed", (S.SCORED,), S.NOT_LISTED, STAFF, _("未入榜")),
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
            ),
            S.WITHDRAWN,
            STAFF,
            _("赛道合并后撤回重复推荐"),
            needs_reason=True,
            internal=True,
        ),
    ]
}

# States in which the content of a nomination may still be edited.
EDITABLE_STATES = (S.DRAFT, S.RETURNED)


def may_act(user, transition: Transition, nomination) -> bool:
    """Whether this user may make this transition on this nomination (state aside)."""
    if transition.actor == STAFF:
        return roles.is_programme_staff(user)
    province = roles.official_province(user)
    return province is not None and province.pk == nomination.province_id


def may_edit(user, nomination) -> bool:
    """A zone preparer edits its own zone's drafts; an official any draft or returned nomination of the province."""
    if nomination.status not in EDITABLE_STATES:
        return False
    province = roles.official_province(user)
    if province is not None:
        return province.pk == nomination.province_id
    zone = roles.preparer_zone(user)
    return zone is not None and zone.pk == nomination.zone_id and nomination.status == S.DRAFT


def may_create_for_zone(user, zone) -> bool:
    province = roles.official_province(user)
    if province is not None:
        return province.pk == zone.province_id
    own_zone = roles.preparer_zone(user)
    return own_zone is not None and own_zone.pk == zone.pk


def available_actions(user, nomination) -> list[Transition]:
    return [
        t
        for t in TRANSITIONS.values()
        if not t.internal and nomination.status in t.sources and may_act(user, t, nomination)
    ]


def may_manage_attachments(user, nomination) -> bool:
    """Attachments are added and removed by whoever may edit the nomination's content."""
    return may_edit(user, nomination)
