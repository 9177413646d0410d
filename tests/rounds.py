"""Rounds reached through the services only: each helper starts from the state before and makes the real steps
(a cycle opened, nominations drafted, recommended and accepted, reviewers assigned, scores submitted, review
closed, a list built, put on notice and published), so a test of a transition starts where a person would.

``tests/factories.py`` builds rows in any state for tests that only read them; nothing here does.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from tests import factories as f
from tracks.models import Assignment, AssignmentStatus, CycleStatus, Nomination
from tracks.services import cycles as cycle_services
from tracks.services import lists as list_services
from tracks.services import nominations as nomination_services
from tracks.services import review as review_services
from tracks.services.ranking import ranking_compute
from zones.models import Province

# A nomination's content: every field a submit needs, with the figures the reading factory uses, so a page that
# shows a nomination reads the same whichever way it was made.
CONTENT = {
    "origin": "extension",
    "cultivation_model": "scenario",
    "public_summary": "依托龙头企业与应用场景，形成较完整的产业链条。",
    "narrative": "申报材料正文。",
    "enterprise_count": 120,
    "high_tech_enterprise_count": 60,
    "specialized_enterprise_count": 12,
    "gazelle_count": 5,
    "unicorn_count": 1,
    "revenue": Decimal("356.40"),
    "revenue_growth": Decimal("12.50"),
    "rd_spending": Decimal("21.30"),
    "invention_patents": 840,
    "research_platforms": 15,
    "financing": Decimal("42.00"),
    "application_scenarios": 18,
    "incubators": 6,
    "pilot_platforms": 3,
}

CODES = ("strategic", "leading", "growth", "driving")
# Each criterion's score is the nomination's value plus its offset (the first criterion highest), as a panel gives.
OFFSETS = dict(zip(CODES, (Decimal("1"), Decimal("0"), Decimal("-1"), Decimal("0.5")), strict=True))
REVIEWER_PROVINCES = ("110000", "310000", "330000", "420000", "510000")


class Round:
    """Staff, an official for each province it nominates from, reviewers on one field's panel (affiliated with
    ``reviewer_provinces``) and a cycle open for nominations, its window closing ``window_days`` from now. The
    field has two new tracks unless ``tracks`` names the tracks (of one field) to nominate on."""

    def __init__(
        self,
        *,
        year=2031,
        quota=3,
        k=3,
        window_days=5,
        normalise=False,
        tracks=None,
        reviewer_provinces=REVIEWER_PROVINCES,
        staff=None,
    ):
        self.year = year
        self.staff = staff or f.staff(username=f"ops{year}")
        self.officials = {}
        for code in ("440000", "320000"):
            self.official(code)
        if tracks:
            self.tracks = list(tracks)
            self.field = self.tracks[0].field
        else:
            self.field = f.FieldFactory()
            self.tracks = [f.TrackFactory(field=self.field), f.TrackFactory(field=self.field)]
        self.reviewers = [f.reviewer(code, fields=[self.field]) for code in reviewer_provinces]
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

    def official(self, province_code):
        """The province's official (one per province and round)."""
        if province_code not in self.officials:
            self.officials[province_code] = f.official(
                province_code, username=f"off{province_code}{self.year}"
            )
        return self.officials[province_code]

    def refresh(self):
        self.cycle.refresh_from_db()
        return self.cycle

    def draft(self, zone_key, track=0):
        zone = f.zone(zone_key)
        return nomination_services.nomination_create(
            actor=self.official(zone.province.code),
            cycle=self.cycle,
            zone=zone,
            track=self.tracks[track],
            data=dict(CONTENT),
        )

    def submit(self, nomination):
        return nomination_services.nomination_transition(
            actor=self.official(nomination.province.code), nomination=nomination, action="submit"
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

    def score(self, assignment, value=80, comments=None):
        """The assignment accepted (the pledge signed) and submitted: ``value`` for every criterion, or a value per
        criterion code; ``comments`` per code (a comment is written wherever the cycle asks for one)."""
        assignment = review_services.assignment_accept(
            actor=assignment.reviewer.user, assignment=assignment, pledge=True
        )
        values = value if isinstance(value, dict) else dict.fromkeys(CODES, value)
        comments = comments if comments is not None else dict.fromkeys(CODES, "评语")
        below = Decimal(self.cycle.comment_required_below)  # percent of the maximum (100)
        return review_services.score_submit(
            actor=assignment.reviewer.user,
            assignment=assignment,
            values={
                code: {
                    "value": str(values[code]),
                    "comment": comments.get(code) or ("评语" if Decimal(values[code]) < below else ""),
                }
                for code in CODES
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


def scored_cycle(
    zone_keys, *, year=2031, track=None, reviewers=3, base=Decimal("90"), step=Decimal("2.5"), staff=None
):
    """A cycle whose review has closed: one nomination per zone (in ``zone_keys`` order, on one track), each scored
    by ``reviewers`` experts, the first highest (``base``, then ``step`` lower each); the first expert comments
    on every criterion. Returns (cycle, track, [nominations]); ranks follow the order."""
    provinces = {f.zone(key).province.code for key in zone_keys}
    panel = list(
        Province.objects.exclude(code__in=provinces)
        .order_by("code")
        .values_list("code", flat=True)[:reviewers]
    )
    track = track or f.TrackFactory(name=f"人形机器人{year}")
    round_ = Round(
        year=year,
        quota=max(3, len(zone_keys)),
        k=reviewers,
        tracks=[track],
        reviewer_provinces=panel,
        staff=staff,
    )
    nominations = [round_.accepted(key) for key in zone_keys]
    round_.to_review()
    invited = Assignment.objects.filter(nomination__cycle=round_.cycle, status=AssignmentStatus.INVITED)
    for index, nomination in enumerate(nominations):
        value = base - step * index
        assignments = invited.filter(nomination=nomination).select_related("reviewer__user").order_by("pk")
        for number, assignment in enumerate(assignments):
            round_.score(
                assignment,
                value={code: value + OFFSETS[code] for code in CODES},
                comments={
                    criterion.code: f"{criterion.name}评语{number}" if number == 0 else ""
                    for criterion in round_.cycle.criteria.all()
                },
            )
    round_.advance()  # 评审结束: every nomination scored
    for nomination in nominations:
        nomination.refresh_from_db()
    return round_.refresh(), track, nominations


def list_draft(zone_keys, *, year=2031, top_n=None, min_score=None, actor=None, track=None, title=""):
    """A draft track list built by the list service from the ranking of a ``scored_cycle``. Returns
    (park_list, staff user)."""
    actor = actor or f.staff()
    cycle, track, _nominations = scored_cycle(zone_keys, year=year, track=track, staff=actor)
    snapshot = ranking_compute(cycle=cycle, actor=actor)
    park_list = list_services.list_build(
        actor=actor,
        snapshot=snapshot,
        field=track.field,
        track=track,
        top_n=top_n if top_n is not None or min_score is not None else len(zone_keys),
        min_score=min_score,
        title=title,
    )
    return park_list, actor


def list_on_notice(zone_keys, *, days_ago=8, **kwargs):
    """A draft list (``list_draft``) put on notice ``days_ago`` days ago (the notice lasts 7 days: 8 means it has
    ended, 1 that it is open). Returns (park_list, staff user)."""
    park_list, actor = list_draft(zone_keys, **kwargs)
    park_list = list_services.list_open_notice(
        actor=actor, park_list=park_list, starts_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return park_list, actor


def published_list(zone_keys, **kwargs):
    """A list built, put on notice, and published once its notice ended. Returns (park_list, staff user)."""
    park_list, actor = list_on_notice(zone_keys, **kwargs)
    return list_services.list_publish(actor=actor, park_list=park_list), actor
