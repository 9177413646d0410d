"""What the review service's tests share: a cycle in review (``Desk``; the ``desk`` fixture is in conftest.py), a
full score sheet, the conflict rule written independently of the service, and a list taken to a given state."""

import datetime

from django.utils import timezone

from tests import factories
from tracks.models import (
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    CycleStatus,
    ListStatus,
    NominationStatus,
)
from tracks.services import review
from tracks.services.ranking import ranking_compute
from zones.models import Zone

CODES = ("strategic", "leading", "growth", "driving")
FULL = {code: {"value": "80", "comment": ""} for code in CODES}


# ---------------------------------------------------------------------------------------------------------------
# A cycle in review
# ---------------------------------------------------------------------------------------------------------------


class Desk:
    """A cycle open for review (criteria frozen; in another phase when ``status`` says so), one field panel and one
    track; add nominations and reviewers."""

    def __init__(
        self,
        *,
        k=3,
        spec=factories.DEFAULT_CRITERIA,
        closes_in=datetime.timedelta(days=10),
        status=CycleStatus.REVIEW,
        **cycle,
    ):
        now = timezone.now()
        self.staff = factories.staff()
        self.cycle = factories.CycleFactory(
            status=status,
            criteria_frozen_at=now,
            reviewers_per_nomination=k,
            review_opens_at=now + min(closes_in, datetime.timedelta(0)) - datetime.timedelta(days=5),
            review_closes_at=now + closes_in,
            **cycle,
        )
        self.criteria = {c.code: c for c in factories.criteria_for(self.cycle, spec)}
        self.field = factories.FieldFactory()
        self.track = factories.TrackFactory(field=self.field)

    def nomination(self, zone_key="440000-03", status=NominationStatus.ACCEPTED, track=None):
        zone = Zone.objects.get(key=zone_key)
        return factories.NominationFactory(
            cycle=self.cycle, track=track or self.track, zone=zone, province=zone.province, status=status
        )

    def reviewer(self, province_code="110000", zone_key=None, **kwargs):
        return factories.reviewer(province_code, fields=[self.field], zone_key=zone_key, **kwargs)

    def invite(self, nomination, reviewer, **kwargs):
        return Assignment.objects.create(
            nomination=nomination, reviewer=reviewer, status=AssignmentStatus.INVITED, **kwargs
        )

    def accepted(self, nomination, reviewer):
        assignment = self.invite(nomination, reviewer)
        return review.assignment_accept(actor=reviewer.user, assignment=assignment, pledge=True)

    def submitted(self, nomination, reviewer, values=None):
        assignment = self.accepted(nomination, reviewer)
        return review.score_submit(
            actor=reviewer.user, assignment=assignment, values=values or FULL, version=assignment.version
        )


def is_conflicted(reviewer, nomination) -> bool:
    """The conflict rule of domain.md, written independently of the service."""
    zone_province = reviewer.zone.province_id if reviewer.zone_id else None
    if reviewer.zone_id == nomination.zone_id and reviewer.zone_id is not None:
        return True
    if nomination.province_id in (reviewer.province_id, zone_province):
        return True
    return (
        ConflictDeclaration.objects.filter(reviewer=reviewer).filter(zone_id=nomination.zone_id).exists()
        or ConflictDeclaration.objects.filter(reviewer=reviewer, province_id=nomination.province_id).exists()
        or (ConflictDeclaration.objects.filter(reviewer=reviewer, nomination_id=nomination.pk).exists())
    )


def list_in_state(desk, nominations, status):
    """Close the track's review, rank, and take its list through the list services to ``status`` (a superseded
    version is corrected by a version without the last nomination, published at once). Returns the list."""
    from tracks.services import lists

    review.review_close_scope(actor=desk.staff, cycle=desk.cycle, field=desk.field, track=desk.track)
    snapshot = ranking_compute(cycle=desk.cycle, actor=desk.staff)
    park_list = lists.list_build(
        actor=desk.staff,
        snapshot=snapshot,
        field=desk.field,
        track=desk.track,
        top_n=len(nominations),
        title="人形机器人重点园区榜单",
    )
    if status == ListStatus.DRAFT:
        return park_list
    park_list = lists.list_open_notice(
        actor=desk.staff, park_list=park_list, starts_at=timezone.now() - datetime.timedelta(days=8)
    )
    if status == ListStatus.NOTICE:
        return park_list
    park_list = lists.list_publish(actor=desk.staff, park_list=park_list)
    if status == ListStatus.SUPERSEDED:
        lists.list_correct(
            actor=desk.staff, park_list=park_list, note="撤出一项", exclude_nominations=[nominations[-1].pk]
        )
        park_list.refresh_from_db()
    assert park_list.status == status
    return park_list
