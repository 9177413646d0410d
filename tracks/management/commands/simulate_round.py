"""``manage.py simulate_round --year Y [--seed N] [--provinces K]``: a whole annual round, through the services only.

For staff training and benchmark data: a fresh cycle goes from 筹备 to 归档 with nominations by provincial officials
(one over the quota refused, one withdrawn, drafts left unsubmitted), formal review (accepted, returned and
resubmitted, returned and never resubmitted, rejected), review with automatic assignment, reviewers who accept with
the pledge and score, decline, or never answer, review closed with a reason, ranking, a list per track, public
notice with an objection, publication and the archive. After each phase it prints what happened and checks the
invariants of tracks.invariants; it exits non-zero if any fails. It creates its own accounts (``sim_…``) and refuses
under production settings and on a database that holds real data.
"""

import contextlib
import datetime
import random
import re
from collections import Counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts import roles
from accounts.services import account_create
from tracks import invariants
from tracks.demo import DEMO_PASSWORD, nomination_content, score_values
from tracks.models import (
    Assignment,
    AssignmentStatus,
    Cycle,
    Field,
    Nomination,
    NominationStatus,
    ReviewerProfile,
    Track,
    TrackStatus,
)
from tracks.services import lists as list_services
from tracks.services.cycles import cycle_advance, cycle_create, cycle_reschedule
from tracks.services.nominations import (
    QuotaExceeded,
    nomination_create,
    nomination_transition,
    nomination_update,
)
from tracks.services.ranking import ranking_compute
from tracks.services.review import (
    assignment_accept,
    assignment_auto,
    assignment_decline,
    score_submit,
)
from zones.models import Province, Zone

#: Accounts a registry may hold and still count as demo or simulation data.
DEMO_ACCOUNT = re.compile(r"^(staff|official_\d{6}|zone_\d{6}_\d{2}|reviewer\d{2}|sim_[a-z0-9_]+)$")


class Command(BaseCommand):
    help = "模拟一个完整的年度批次（推荐、形式审查、评审、评审结束、榜单公示与发布、归档），每个阶段后检查不变式。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="新批次的年度（不能已存在）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子：同一种子得到同样的过程")
        parser.add_argument("--provinces", type=int, default=4, help="参与推荐的省份数（2–20）")

    def handle(self, *args, **options):
        if not settings.ALLOW_DEMO_DATA:
            raise CommandError("生产环境不允许运行模拟批次。")
        real = [
            u
            for u in get_user_model().objects.values_list("username", flat=True)
            if not DEMO_ACCOUNT.match(u)
        ]
        if real:
            raise CommandError(
                f"数据库中有 {len(real)} 个非演示账户（如 {real[0]}），可能是真实数据：模拟批次只在演示或空数据库上运行。"
            )
        if not 2 <= options["provinces"] <= 20:
            raise CommandError("--provinces 应在 2 到 20 之间。")
        if Cycle.objects.filter(year=options["year"]).exists():
            raise CommandError(f"{options['year']}年度批次已存在。")
        self.rng = random.Random(options["seed"])
        self.year = options["year"]
        self.failures = []
        self.observer = invariants.Observer()
        # A round that breaks half-way (an exception) leaves nothing behind; one whose invariants fail is kept,
        # so that it can be looked at, and the command exits non-zero.
        with transaction.atomic():
            self._accounts(options["provinces"])
            self._phases()
        if self.failures:
            for problem in self.failures:
                self.stderr.write(f"  ✗ {problem}")
            raise CommandError(f"不变式检查未通过：{len(self.failures)} 处。")
        self.stdout.write(self.style.SUCCESS("模拟完成，所有不变式均成立。"))

    # ---------------------------------------------------------------------------------------------------------

    def _check(self, phase: str):
        problems = invariants.check_all() + self.observer.observe()
        cycle = Cycle.objects.get(pk=self.cycle.pk)
        counts = Counter(
            dict(
                Nomination.objects.filter(cycle=cycle)
                .values_list("status")
                .annotate(n=Count("pk"))
                .values_list("status", "n")
            )
        )
        summary = "，".join(f"{NominationStatus(s).label} {n}" for s, n in sorted(counts.items()))
        mark = "✓" if not problems else "✗"
        self.stdout.write(f"{mark} {phase}（批次阶段：{cycle.get_status_display()}）：{summary or '无推荐'}")
        self.failures += [f"{phase}: {problem}" for problem in problems]

    def _user(self, username, role, **kwargs):
        User = get_user_model()
        existing = User.objects.filter(username=username).first()
        if existing is not None:
            return existing
        return account_create(username=username, password=DEMO_PASSWORD, role=role, **kwargs)

    def _accounts(self, how_many: int):
        provinces = list(
            Province.objects.annotate(n=Count("zones")).filter(n__gte=2).order_by("code")[: how_many + 4]
        )
        if len(provinces) < how_many + 2:
            raise CommandError("参考数据中的省份不足，请先运行 manage.py migrate。")
        self.provinces = provinces[:how_many]
        self.staff = self._user("sim_staff", roles.STAFF, display_name="模拟业务管理员")
        self.officials = {
            p.pk: self._user(f"sim_official_{p.code}", roles.OFFICIAL, province=p) for p in self.provinces
        }
        self.tracks = self._catalogue()
        reviewer_provinces = provinces[how_many:]
        self.reviewers = []
        for index in range(8):
            user = self._user(f"sim_reviewer_{index + 1:02d}", roles.REVIEWER)
            profile = getattr(user, "reviewer_profile", None) or ReviewerProfile.objects.create(
                user=user,
                name=f"模拟专家{index + 1:02d}",
                organisation="模拟评审单位",
                province=reviewer_provinces[index % len(reviewer_provinces)],
            )
            profile.fields.add(self.tracks[0].field)
            self.reviewers.append(profile)

    def _catalogue(self) -> list:
        tracks = list(
            Track.objects.filter(status=TrackStatus.ACTIVE)
            .select_related("field")
            .order_by("field__order", "pk")
        )
        if tracks:
            field = tracks[0].field
            return [t for t in tracks if t.field_id == field.pk][:3]
        field = Field.objects.create(code="sim", name="模拟领域", name_en="Simulated field", order=99)
        return [Track.objects.create(field=field, name=f"模拟赛道{i}") for i in range(1, 4)]

    # ---------------------------------------------------------------------------------------------------------

    def _phases(self):
        now = timezone.now()
        staff = self.staff
        self.cycle = cycle_create(
            actor=staff,
            year=self.year,
            nomination_opens_at=now - datetime.timedelta(days=1),
            nomination_closes_at=now + datetime.timedelta(days=10),
            default_quota=3,
            reviewers_per_nomination=3,
            notice_days=7,
        )
        self._check("筹备")
        cycle_advance(cycle=self.cycle, actor=staff)
        self._check("推荐开启")
        accepted = self._nominate()
        self._check("推荐与形式审查")
        cycle_reschedule(
            cycle=self.cycle,
            actor=staff,
            nomination_closes_at=timezone.now() - datetime.timedelta(seconds=1),
            review_closes_at=timezone.now() + datetime.timedelta(days=14),
            reason="模拟：推荐截止",
        )
        cycle_advance(cycle=self.cycle, actor=staff)
        self._check("形式审查")
        cycle_advance(cycle=self.cycle, actor=staff, reason="模拟：一份退回的推荐仍在补正期，评审照常开始。")
        self._check("评审开启")
        self._review(accepted)
        self._check("专家评审")
        cycle_advance(cycle=self.cycle, actor=staff, reason="模拟：一名专家未答复，任务关闭为未完成。")
        self._check("评审结束")
        self._lists()
        self._check("榜单公示与发布")
        cycle_advance(cycle=self.cycle, actor=staff)
        self._check("发布阶段")
        cycle_advance(cycle=self.cycle, actor=staff)
        self._check("归档")

    def _nominate(self) -> list:
        staff, cycle, rng = self.staff, self.cycle, self.rng
        accepted = []
        for p_index, province in enumerate(self.provinces):
            official = self.officials[province.pk]
            zones = list(Zone.objects.filter(province=province, is_active=True).order_by("key")[:2])
            drafts = [
                nomination_create(
                    actor=official, cycle=cycle, zone=zone, track=track, data=nomination_content(rng)
                )
                for zone in zones
                for track in self.tracks[:2]
            ]
            submitted = []
            for draft in drafts:
                # The fourth draft of a province whose quota is three is refused and stays a draft.
                with contextlib.suppress(QuotaExceeded):
                    submitted.append(nomination_transition(actor=official, nomination=draft, action="submit"))
            if len(submitted) != 3:
                self.failures.append(f"{province.name}: {len(submitted)} 项推荐成功，名额为 3")
            if p_index == 0:
                nomination_transition(
                    actor=official, nomination=submitted.pop(), action="withdraw", reason="调整推荐方向"
                )
            for index, nomination in enumerate(submitted):
                if index == 0 and p_index == 1:
                    nomination_transition(
                        actor=staff, nomination=nomination, action="reject", reason="不属于新赛道范畴"
                    )
                elif index == 0 and p_index == 2:
                    nomination_transition(
                        actor=staff, nomination=nomination, action="return", reason="补充营业收入证明"
                    )
                elif index == 1 and p_index == 1:
                    nomination = nomination_transition(
                        actor=staff, nomination=nomination, action="return", reason="补充应用场景清单"
                    )
                    nomination = nomination_update(
                        actor=official,
                        nomination=nomination,
                        data={"narrative": nomination.narrative + "\n附件已补充"},
                    )
                    nomination = nomination_transition(actor=official, nomination=nomination, action="submit")
                    accepted.append(
                        nomination_transition(actor=staff, nomination=nomination, action="accept")
                    )
                else:
                    accepted.append(
                        nomination_transition(actor=staff, nomination=nomination, action="accept")
                    )
        return accepted

    def _review(self, accepted):
        assignment_auto(cycle=self.cycle, actor=self.staff)
        criteria = list(self.cycle.criteria.order_by("order"))
        quality = {n.pk: self.rng.uniform(60, 92) for n in accepted}
        # The reviewer of the first invitation never answers (closed as 未完成 when review closes: that nomination
        # ends 评审不足); the next reviewer declines one invitation (the panel refills it).
        first = (
            Assignment.objects.filter(nomination__cycle=self.cycle, status=AssignmentStatus.INVITED)
            .order_by("nomination_id", "pk")
            .first()
        )
        silent = first.reviewer
        declined = False
        for assignment in (
            Assignment.objects.filter(nomination__cycle=self.cycle, status=AssignmentStatus.INVITED)
            .select_related("reviewer__user")
            .order_by("nomination_id", "pk")
        ):
            reviewer = assignment.reviewer.user
            if assignment.reviewer_id == silent.pk:
                continue  # never answers: closes as 未完成 when review closes
            if not declined:
                declined = True
                assignment_decline(actor=reviewer, assignment=assignment, reason="时间冲突")
                continue
            assignment = assignment_accept(actor=reviewer, assignment=assignment, pledge=True)
            values = score_values(criteria=criteria, level=quality[assignment.nomination_id], rng=self.rng)
            score_submit(
                actor=reviewer,
                assignment=assignment,
                values={
                    c.code: {"value": str(v), "comment": "材料翔实。"}
                    for c, v in zip(criteria, values, strict=True)
                },
                version=assignment.version,
            )
        # Replacements the refill made after the decline: their reviewers answer too.
        for assignment in (
            Assignment.objects.filter(nomination__cycle=self.cycle, status=AssignmentStatus.INVITED)
            .exclude(reviewer=silent)
            .select_related("reviewer__user")
        ):
            assignment = assignment_accept(actor=assignment.reviewer.user, assignment=assignment, pledge=True)
            values = score_values(criteria=criteria, level=quality[assignment.nomination_id], rng=self.rng)
            score_submit(
                actor=assignment.reviewer.user,
                assignment=assignment,
                values={
                    c.code: {"value": str(v), "comment": "材料翔实。"}
                    for c, v in zip(criteria, values, strict=True)
                },
                version=assignment.version,
            )

    def _lists(self):
        staff = self.staff
        snapshot = ranking_compute(cycle=self.cycle, actor=staff)
        ranked = {row["track"] for row in snapshot.results["nominations"] if row.get("rank_in_track")}
        started = timezone.now() - datetime.timedelta(days=self.cycle.notice_days, hours=1)
        objected = False
        for track in self.tracks:
            if track.pk not in ranked:
                continue
            park_list = list_services.list_build(
                actor=staff, snapshot=snapshot, field=track.field, track=track, top_n=2
            )
            # Notice dated back so that it is over now; the objection arrived during it.
            park_list = list_services.list_open_notice(actor=staff, park_list=park_list, starts_at=started)
            if not objected:
                objected = True
                objection = list_services.objection_file(
                    park_list=park_list,
                    entry=park_list.entries.order_by("rank").first(),
                    name="模拟异议人",
                    organisation="模拟单位",
                    contact="010-00000000",
                    statement="请核实该园区的企业数量口径。",
                    now=started + datetime.timedelta(days=1),
                )
                list_services.objection_resolve(
                    actor=staff,
                    objection=objection,
                    decision="dismissed",
                    resolution="经核实，企业数量口径符合申报要求。",
                )
            published = list_services.list_publish(actor=staff, park_list=park_list)
            self.stdout.write(
                f"  已发布：{published.title}（{published.entries.count()} 个入榜，SHA-256 {published.sha256[:12]}…）"
            )
        self.stdout.write(
            f"  排名快照 #{snapshot.pk}：{len(snapshot.results['nominations'])} 项，含 {len(ranked)} 条赛道"
        )
