"""A round reached through the services only: each helper starts from the state before and makes the real steps,
so a test of a transition starts where a person would (no factory builds a late state here)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from tests import factories as f
from tracks.models import Assignment, AssignmentStatus, CycleStatus, Nomination
from tracks.services import cycles as cycle_services
from tracks.services import nominations as nomination_services
from tracks.services import review as review_services

CONTENT = {
    "origin": "extension",
    "cultivation_model": "scenario",
    "public_summary": "依托龙头企业形成产业链。",
    "narrative": "申报材料正文。",
    "enterprise_count": 10,
    "high_tech_enterprise_count": 5,
    "specialized_enterprise_count": 1,
    "gazelle_count": 1,
    "unicorn_count": 0,
    "revenue": Decimal("10.00"),
    "revenue_growth": Decimal("-1.25"),
    "rd_spending": Decimal("1.00"),
    "invention_patents": 3,
    "research_platforms": 1,
    "financing": Decimal("1.00"),
    "application_scenarios": 1,
    "incubators": 1,
    "pilot_platforms": 0,
}


class Round:
    """Staff, two provinces' officials, five reviewers on one field with two tracks, and a cycle open for
    nominations (its window closing ``window_days`` from now)."""

    def __init__(self, *, year=2031, quota=3, k=3, window_days=5, normalise=False):
        self.staff = f.staff(username=f"ops{year}")
        self.officials = {
            code: f.official(code, username=f"off{code}{year}") for code in ("440000", "320000")
        }
        field = f.FieldFactory()
        self.tracks = [f.TrackFactory(field=field), f.TrackFactory(field=field)]
        self.field = field
        self.reviewers = [
            f.reviewer(code, fields=[field]) for code in ("110000", "310000", "330000", "420000", "510000")
        ]
        now = timezone.now()
        self.cycle = cycle_services.cycle_create(
            actor=self.staff,
            year=year,
            nomination_opens_at=now - datetime.timedelta(days=1),
            nomination_closes_at=now + datetime.timedelta(days=window_days),
            default_quota=quota,
            reviewers_per_nomination=k,
            notice_days=7,
            normalise_scores=normalise,
        )
        cycle_services.cycle_advance(cycle=self.cycle, actor=self.staff, to_status=CycleStatus.NOMINATION)

    def refresh(self):
        self.cycle.refresh_from_db()
        return self.cycle

    def draft(self, zone_key, track=0):
        zone = f.zone(zone_key)
        return nomination_services.nomination_create(
            actor=self.officials[zone.province.code],
            cycle=self.cycle,
            zone=zone,
            track=self.tracks[track],
            data=dict(CONTENT),
        )

    def submit(self, nomination):
        return nomination_services.nomination_transition(
            actor=self.officials[nomination.province.code], nomination=nomination, action="submit"
        )

    def decide(self, nomination, action, reason="形式审查意见"):
        return nomination_services.nomination_transition(
            actor=self.staff, nomination=nomination, action=action, reason=reason
        )

    def accepted(self, zone_key, track=0):
        return self.decide(self.submit(self.draft(zone_key, track)), "accept")

    def close_window(self):
        cycle_services.cycle_reschedule(
            cycle=self.cycle,
            actor=self.staff,
            nomination_closes_at=timezone.now() - datetime.timedelta(seconds=1),
            review_closes_at=timezone.now() + datetime.timedelta(days=14),
        )

    def advance(self, reason=""):
        return cycle_services.cycle_advance(cycle=self.cycle, actor=self.staff, reason=reason)

    def to_review(self):
        """Close the window and pass 形式审查 and 评审 (no reason needed when formal review is done)."""
        self.close_window()
        self.advance()
        self.advance()
        review_services.assignment_auto(cycle=self.cycle, actor=self.staff)
        return self.refresh()

    def score(self, assignment, value=80):
        assignment = review_services.assignment_accept(
            actor=assignment.reviewer.user, assignment=assignment, pledge=True
        )
        return review_services.score_submit(
            actor=assignment.reviewer.user,
            assignment=assignment,
            values={
                code: {"value": str(value), "comment": "评语"}
                for code in ("strategic", "leading", "growth", "driving")
            },
            version=assignment.version,
        )

    def score_all(self, nominations=None, *, value=80, step=5):
        """Every invited assignment (of ``nominations``) accepted and scored; earlier nominations score higher."""
        queryset = Assignment.objects.filter(nomination__cycle=self.cycle, status=AssignmentStatus.INVITED)
        if nominations is not None:
            queryset = queryset.filter(nomination__in=nominations)
        order = {
            pk: i
            for i, pk in enumerate(
                Nomination.objects.filter(cycle=self.cycle).order_by("pk").values_list("pk", flat=True)
            )
        }
        for assignment in queryset.select_related("reviewer__user").order_by("pk"):
            self.score(assignment, value=value - step * order[assignment.nomination_id])
