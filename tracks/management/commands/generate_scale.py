"""`manage.py generate_scale`: fill a database with benchmark-scale registry data, deterministically for a seed.

    manage.py generate_scale --cycles 10 --nominations-per-cycle 2000 --tracks 200 --reviewers 300 \\
        --reviewers-per-nomination 5 --seed 1

makes ten closed cycles of about 2,000 scored nominations each (100k assignments, 400k scores) over the 177 zones of
the reference data, and publishes key new-track park lists in every cycle. The bulk rows (nominations, library
entries, assignments, scores, reviewer accounts) go in with ``bulk_create``; the rankings and the published lists
are made by the real services (``ranking_compute``, ``list_build``, ``list_open_notice`` with a back-dated notice,
``list_publish``), so every generated list verifies with ``list_verify_hashes`` like one made by staff.

Determinism: every random choice comes from ``random.Random`` streams derived from ``--seed`` (one for the
catalogue and the reviewers, one per cycle index), and every database read the choices depend on is ordered by a
natural key; the same seed on the same reference data gives the same rows (ids aside).

Benchmark data only: refused where ``settings.ALLOW_DEMO_DATA`` is off (production) unless ``--force``, and refused
when one of the target years already exists.
"""

import datetime
import random
import time
from collections import Counter, defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts import roles
from audit.services import audit_record
from tracks.demo import nomination_content, scores_for
from tracks.models import (
    Assignment,
    AssignmentStatus,
    Criterion,
    Cycle,
    CycleStatus,
    Field,
    LibraryEntry,
    ListStatus,
    Nomination,
    NominationStatus,
    ReviewerProfile,
    Score,
    Track,
    TrackStatus,
)
from tracks.models.status_door import late_states_allowed
from tracks.services import lists as list_services
from tracks.services.ranking import ranking_compute
from zones.models import Province, Zone

SHANGHAI = ZoneInfo("Asia/Shanghai")
STAFF_USERNAME = "scale_staff"

# (code, name, English name, base track names). The first seven match the demo's fields, so both data sets can live
# in one database and share them.
FIELDS = [
    (
        "ai",
        "人工智能",
        "Artificial intelligence",
        [
            "人形机器人",
            "具身智能",
            "智能网联汽车",
            "AI大模型应用",
            "智能传感器",
            "机器视觉",
            "智能语音",
            "类脑计算",
        ],
    ),
    (
        "bio",
        "生物制造",
        "Bio-manufacturing",
        [
            "合成生物",
            "细胞与基因治疗",
            "生物基材料",
            "高端医疗器械",
            "生物育种",
            "mRNA药物",
            "酶工程",
            "生物医用材料",
        ],
    ),
    (
        "energy",
        "新能源",
        "New energy",
        ["新型储能", "氢能", "钠离子电池", "光伏钙钛矿", "固态电池", "海上风电", "虚拟电厂", "核能小堆"],
    ),
    (
        "materials",
        "新材料",
        "Advanced materials",
        [
            "智能织物",
            "氢冶金",
            "碳纤维复合材料",
            "第三代半导体",
            "石墨烯",
            "高温合金",
            "液态金属",
            "超导材料",
        ],
    ),
    (
        "equipment",
        "高端装备",
        "High-end equipment",
        ["低空经济", "商业航天", "工业母机", "海洋装备", "智能农机", "轨道交通装备", "精密仪器", "增材制造"],
    ),
    (
        "digital",
        "数字经济",
        "Digital economy",
        ["算力网络", "工业互联网", "数据要素", "集成电路设计", "开源软件", "区块链", "数字孪生", "网络安全"],
    ),
    (
        "future",
        "未来产业",
        "Future industries",
        ["量子信息", "脑机接口", "6G通信", "元宇宙", "深海空天", "可控核聚变", "光子芯片", "生成式AI"],
    ),
    (
        "health",
        "大健康",
        "Health",
        [
            "智慧医疗",
            "康复辅具",
            "中医药现代化",
            "精准医学",
            "养老科技",
            "医疗机器人",
            "数字疗法",
            "营养健康",
        ],
    ),
    (
        "green",
        "绿色低碳",
        "Green and low-carbon",
        [
            "碳捕集利用",
            "节能环保装备",
            "资源循环利用",
            "绿色建材",
            "零碳园区",
            "生态修复",
            "污染治理",
            "绿色甲醇",
        ],
    ),
    (
        "agri",
        "现代农业",
        "Modern agriculture",
        [
            "智慧农业",
            "设施农业",
            "种业创新",
            "农产品精深加工",
            "植物工厂",
            "食品合成",
            "林草经济",
            "海洋牧场",
        ],
    ),
]
QUALIFIERS = [
    "核心部件",
    "场景应用",
    "关键材料",
    "整机装备",
    "软件平台",
    "检测服务",
    "产业链配套",
    "示范推广",
]
CRITERIA = [
    ("strategic", "战略性", Decimal("30")),
    ("leading", "领先性", Decimal("25")),
    ("growth", "成长性", Decimal("25")),
    ("driving", "带动性", Decimal("20")),
]
ORGANISATIONS = [
    "中国科学院",
    "清华大学",
    "北京大学",
    "浙江大学",
    "上海交通大学",
    "华中科技大学",
    "中国工程院战略咨询中心",
    "中国信息通信研究院",
    "国家发展改革委宏观经济研究院",
    "中国电子信息产业发展研究院",
]
TITLES = ["研究员", "教授", "正高级工程师", "高级经济师"]


def at(year: int, month: int, day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


class Command(BaseCommand):
    help = (
        "生成基准测试规模的数据（多个已结束的年度批次、推荐、评审评分和已发布榜单），同一随机种子结果相同。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--cycles", type=int, default=10, help="年度批次数（默认10）")
        parser.add_argument("--first-year", type=int, default=2015, help="第一个批次的年度（默认2015）")
        parser.add_argument(
            "--nominations-per-cycle", type=int, default=2000, help="每个批次的推荐数（默认2000）"
        )
        parser.add_argument("--tracks", type=int, default=200, help="赛道数（默认200）")
        parser.add_argument("--reviewers", type=int, default=300, help="评审专家数（默认300）")
        parser.add_argument(
            "--reviewers-per-nomination", type=int, default=5, help="每项推荐的评审专家数（默认5）"
        )
        parser.add_argument("--track-lists", type=int, default=10, help="每个批次发布的赛道榜单数（默认10）")
        parser.add_argument("--field-lists", type=int, default=2, help="每个批次发布的领域榜单数（默认2）")
        parser.add_argument("--list-size", type=int, default=10, help="每个榜单的入榜名额（默认前10名）")
        parser.add_argument("--batch-size", type=int, default=2000, help="bulk_create 每批行数（默认2000）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（默认1）")
        parser.add_argument(
            "--force", action="store_true", help="在不允许演示数据的环境（生产配置）中仍然生成"
        )

    def handle(self, *args, **opts):
        if not settings.ALLOW_DEMO_DATA and not opts["force"]:
            raise CommandError(
                "生产环境不允许生成基准测试数据（ALLOW_DEMO_DATA 为 False）；确需生成请加 --force。"
            )
        self.opts = opts
        self.batch = max(1, opts["batch_size"])
        self._check_arguments()
        started = time.perf_counter()
        self.timings = {}
        with transaction.atomic():
            self._stage("catalogue", self._catalogue)
            self._stage("reviewers", self._reviewers)
            self.staff = self._staff()
            published = 0
            for index, year in enumerate(self.years):
                published += self._cycle(index, year)
            audit_record(
                actor=None,
                action="scale.generate",
                after={
                    "years": self.years,
                    "seed": opts["seed"],
                    "nominations_per_cycle": opts["nominations_per_cycle"],
                    "tracks": len(self.tracks),
                    "reviewers": len(self.reviewers),
                    "published_lists": published,
                },
            )
        # Fresh planner statistics: without them PostgreSQL plans the first queries over the bulk rows blind
        # (autovacuum's ANALYZE comes minutes later), and SQLite has none until ANALYZE runs.
        self._stage("analyze", self._analyze)
        elapsed = time.perf_counter() - started
        n = len(self.years) * opts["nominations_per_cycle"]
        k = opts["reviewers_per_nomination"]
        self.stdout.write(
            self.style.SUCCESS(
                f"生成完成：{len(self.years)} 个批次（{self.years[0]}–{self.years[-1]}），推荐 {n} 项，"
                f"评审任务 {n * k} 项，评分 {n * k * len(CRITERIA)} 条，已发布榜单 {published} 个，用时 {elapsed:.1f} 秒。"
            )
        )
        for name, seconds in self.timings.items():
            self.stdout.write(f"  {name:<24} {seconds:8.2f} s")

    # -----------------------------------------------------------------------------------------------------------

    def _analyze(self):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def _stage(self, name, func, *args, **kwargs):
        t0 = time.perf_counter()
        result = func(*args, **kwargs)
        self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - t0
        return result

    def _check_arguments(self):
        o = self.opts
        for name in ("cycles", "nominations_per_cycle", "tracks", "reviewers", "reviewers_per_nomination"):
            if o[name] < 1:
                raise CommandError(f"--{name.replace('_', '-')} 必须是正整数。")
        self.years = [o["first_year"] + i for i in range(o["cycles"])]
        if self.years[0] < 1900 or self.years[-1] > 2100:
            raise CommandError("年度应在1900到2100之间。")
        existing = sorted(Cycle.objects.filter(year__in=self.years).values_list("year", flat=True))
        if existing:
            raise CommandError(
                f"年度批次 {', '.join(map(str, existing))} 已存在，未生成任何数据。"
                f"请用 --first-year 选择其他年度，或换一个空数据库。"
            )
        self.zones = list(
            Zone.objects.filter(is_active=True).order_by("key").values("id", "key", "province_id")
        )
        if not self.zones:
            raise CommandError("没有国家高新区参考数据，请先运行 manage.py migrate。")
        if o["nominations_per_cycle"] > len(self.zones) * o["tracks"]:
            raise CommandError(
                f"每个批次最多 {len(self.zones) * o['tracks']} 项推荐（{len(self.zones)} 个高新区 × {o['tracks']} 条赛道）。"
            )
        self.provinces = list(Province.objects.order_by("code").values_list("id", flat=True))
        if o["reviewers"] < 2 * o["reviewers_per_nomination"]:
            raise CommandError("评审专家太少：至少应为每项推荐所需专家数的2倍，才能回避同省专家。")

    def _catalogue(self):
        """Fields and tracks: reuse existing ones by code and name, create the rest (a few hundred rows)."""
        wanted_fields = FIELDS[: max(1, min(len(FIELDS), self.opts["tracks"] // 4))]
        self.fields = []
        for order, (code, name, name_en, _bases) in enumerate(wanted_fields, start=1):
            field = Field.objects.filter(code=code).first() or Field.objects.filter(name=name).first()
            if field is None:
                field = Field.objects.create(code=code, name=name, name_en=name_en, order=order)
            self.fields.append(field)
        existing = {t.name: t for t in Track.objects.all()}
        self.tracks = []
        per_field = defaultdict(int)
        for i in range(self.opts["tracks"]):
            slot = i % len(self.fields)
            bases = wanted_fields[slot][3]
            k = per_field[slot]
            per_field[slot] += 1
            base = bases[k % len(bases)]
            name = (
                base if k < len(bases) else f"{base}（{QUALIFIERS[(k // len(bases) - 1) % len(QUALIFIERS)]}）"
            )
            if k >= len(bases) * (len(QUALIFIERS) + 1):
                name = f"{base}（{k}）"
            track = existing.get(name)
            if track is None:
                track = Track.objects.create(field=self.fields[slot], name=name, status=TrackStatus.ACTIVE)
                existing[name] = track
            self.tracks.append(track)

    def _reviewers(self):
        """Reviewer accounts and profiles, bulk-created; an earlier run's accounts for the same seed are reused."""
        rng = random.Random(f"{self.opts['seed']}:reviewers")
        User = get_user_model()
        names = [f"scale{self.opts['seed']}_reviewer{i:04d}" for i in range(1, self.opts["reviewers"] + 1)]
        # Draw every reviewer's attributes first, so reusing some accounts does not shift the stream.
        plans = []
        for username in names:
            plans.append(
                {
                    "username": username,
                    "province_id": rng.choice(self.provinces),
                    "organisation": rng.choice(ORGANISATIONS),
                    "title": rng.choice(TITLES),
                    "fields": rng.sample(self.fields, min(3, len(self.fields))),
                }
            )
        users = {u.username: u for u in User.objects.filter(username__in=names)}
        missing = [p for p in plans if p["username"] not in users]
        if missing:
            unusable = make_password(None)  # benchmark accounts cannot log in
            created = User.objects.bulk_create(
                [User(username=p["username"], password=unusable, is_staff=True) for p in missing],
                batch_size=self.batch,
            )
            if any(u.pk is None for u in created):
                created = list(User.objects.filter(username__in=[p["username"] for p in missing]))
            users.update({u.username: u for u in created})
            group = Group.objects.get(name=roles.REVIEWER)
            Membership = User.groups.through
            Membership.objects.bulk_create(
                [Membership(user_id=users[p["username"]].pk, group_id=group.pk) for p in missing],
                batch_size=self.batch,
            )
        profiles = {
            p.user_id: p for p in ReviewerProfile.objects.filter(user__in=[u.pk for u in users.values()])
        }
        new_profiles = [
            ReviewerProfile(
                user_id=users[p["username"]].pk,
                name=f"专家{p['username'][-4:]}",
                title=p["title"],
                organisation=p["organisation"],
                province_id=p["province_id"],
            )
            for p in plans
            if users[p["username"]].pk not in profiles
        ]
        if new_profiles:
            ReviewerProfile.objects.bulk_create(new_profiles, batch_size=self.batch)
            created_profiles = ReviewerProfile.objects.filter(user__in=[p.user_id for p in new_profiles])
            by_user = {p.user_id: p for p in created_profiles}
            Panel = ReviewerProfile.fields.through
            Panel.objects.bulk_create(
                [
                    Panel(reviewerprofile_id=by_user[users[p["username"]].pk].pk, field_id=field.pk)
                    for p in plans
                    if users[p["username"]].pk in by_user
                    for field in p["fields"]
                ],
                batch_size=self.batch,
            )
            profiles.update(by_user)
        panel_of = defaultdict(set)
        for reviewer_id, field_id in ReviewerProfile.fields.through.objects.filter(
            reviewerprofile_id__in=[p.pk for p in profiles.values()]
        ).values_list("reviewerprofile_id", "field_id"):
            panel_of[reviewer_id].add(field_id)
        self.reviewers = []
        for p in plans:
            profile = profiles[users[p["username"]].pk]
            self.reviewers.append(
                {
                    "id": profile.pk,
                    "province_id": profile.province_id,
                    "fields": panel_of[profile.pk],
                    "leniency": rng.gauss(0, 4),
                }
            )
        k = self.opts["reviewers_per_nomination"]
        for province_id in {z["province_id"] for z in self.zones}:
            if sum(1 for r in self.reviewers if r["province_id"] != province_id) < k:
                raise CommandError("评审专家太少：回避同省专家后不足每项推荐所需的专家数。")

    def _staff(self):
        User = get_user_model()
        staff = User.objects.filter(username=STAFF_USERNAME).first()
        if staff is None:
            staff = User.objects.create(username=STAFF_USERNAME, password=make_password(None), is_staff=True)
        if not roles.is_programme_staff(staff):
            staff.groups.add(Group.objects.get(name=roles.STAFF))
            staff = User.objects.get(pk=staff.pk)  # drop the cached role names
        return staff

    # -----------------------------------------------------------------------------------------------------------

    def _cycle(self, index: int, year: int) -> int:
        o = self.opts
        rng = random.Random(f"{o['seed']}:cycle:{index}")
        # Rows made directly in late states, as at the end of a real round (status_door.LATE_STATE_MODULES).
        with late_states_allowed():
            cycle = self._cycle_row(year, o)
        criteria = Criterion.objects.bulk_create(
            [
                Criterion(
                    cycle=cycle, code=code, name=name, weight=weight, max_score=Decimal("100"), order=order
                )
                for order, (code, name, weight) in enumerate(CRITERIA)
            ]
        )
        with late_states_allowed():
            nominations = self._stage("nominations", self._nominations, cycle, rng)
        self._stage("assignments+scores", self._scores, cycle, nominations, criteria, rng)
        snapshot = self._stage("ranking_compute", ranking_compute, cycle=cycle, actor=self.staff)
        published = self._stage("lists", self._lists, cycle, snapshot)
        with late_states_allowed():
            Nomination.objects.filter(cycle=cycle, status=NominationStatus.SCORED).update(
                status=NominationStatus.NOT_LISTED, status_changed_at=at(year, 8, 11, 10)
            )
            Cycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.CLOSED)
        self.stdout.write(f"  {year}: 推荐 {len(nominations)} 项，已发布榜单 {published} 个")
        return published

    def _cycle_row(self, year, o) -> Cycle:
        return Cycle.objects.create(
            year=year,
            title=f"{year}年度国家高新区新赛道培育",
            status=CycleStatus.REVIEW_CLOSED,
            nomination_opens_at=at(year, 3, 1),
            nomination_closes_at=at(year, 4, 30, 18),
            review_opens_at=at(year, 6, 1),
            review_closes_at=at(year, 7, 15),
            criteria_frozen_at=at(year, 6, 1),
            # Never after now: lists are built from rankings computed after review closed.
            review_closed_at=min(at(year, 7, 20), timezone.now()),
            default_quota=max(6, o["nominations_per_cycle"] // len(self.provinces) + 1),
            notice_days=7,
            reviewers_per_nomination=o["reviewers_per_nomination"],
        )

    def _nominations(self, cycle, rng) -> list[dict]:
        o = self.opts
        n_zones, n_tracks = len(self.zones), len(self.tracks)
        picks = sorted(rng.sample(range(n_zones * n_tracks), o["nominations_per_cycle"]))
        pairs = [(self.zones[p // n_tracks], self.tracks[p % n_tracks]) for p in picks]
        # Library entries: one per (zone, track), created by the first cycle that nominates the pair.
        wanted = {(z["id"], t.pk) for z, t in pairs}
        entries = {
            (e["zone_id"], e["track_id"]): e["id"]
            for e in LibraryEntry.objects.filter(
                zone_id__in={z for z, _ in wanted}, track_id__in={t for _, t in wanted}
            ).values("id", "zone_id", "track_id")
        }
        new_pairs = sorted(wanted - entries.keys())
        if new_pairs:
            created = LibraryEntry.objects.bulk_create(
                [LibraryEntry(zone_id=z, track_id=t, entered_cycle=cycle) for z, t in new_pairs],
                batch_size=self.batch,
            )
            if any(e.pk is None for e in created):
                created = LibraryEntry.objects.filter(entered_cycle=cycle)
            entries.update({(e.zone_id, e.track_id): e.pk for e in created})
        year = cycle.year
        rows = []
        for zone, track in pairs:
            submitted = at(year, 4, rng.randint(1, 29), rng.randint(9, 17))
            rows.append(
                Nomination(
                    cycle=cycle,
                    province_id=zone["province_id"],
                    zone_id=zone["id"],
                    track=track,
                    status=NominationStatus.SCORED,
                    library_entry_id=entries[(zone["id"], track.pk)],
                    submitted_at=submitted,
                    status_changed_at=at(year, 7, 20),
                    **nomination_content(rng),
                )
            )
        created = Nomination.objects.bulk_create(rows, batch_size=self.batch)
        if any(n.pk is None for n in created):  # a backend without RETURNING: read the ids back in order
            ids = {
                (z, t): pk
                for pk, z, t in Nomination.objects.filter(cycle=cycle).values_list(
                    "id", "zone_id", "track_id"
                )
            }
            for row in created:
                row.pk = row.id = ids[(row.zone_id, row.track_id)]
        return [
            {
                "id": n.pk,
                "province_id": n.province_id,
                "field_id": n.track.field_id,
                "quality": rng.uniform(50, 95),
            }
            for n in created
        ]

    def _scores(self, cycle, nominations, criteria, rng):
        """Conflict-free reviewers from the nomination's field panel (never of its province), four scores each."""
        k = self.opts["reviewers_per_nomination"]
        panels = defaultdict(list)
        for reviewer in self.reviewers:
            for field_id in reviewer["fields"]:
                panels[field_id].append(reviewer)
        year = cycle.year
        plan = []  # (nomination, reviewer, submitted_at)
        for nomination in nominations:
            eligible = [
                r for r in panels[nomination["field_id"]] if r["province_id"] != nomination["province_id"]
            ]
            if len(eligible) < k:  # a thin panel: any conflict-free reviewer
                eligible = [r for r in self.reviewers if r["province_id"] != nomination["province_id"]]
            for reviewer in rng.sample(eligible, k):
                plan.append((nomination, reviewer, at(year, 7, rng.randint(1, 10), rng.randint(9, 20))))
        assignments = Assignment.objects.bulk_create(
            [
                Assignment(
                    reviewer_id=reviewer["id"],
                    nomination_id=nomination["id"],
                    status=AssignmentStatus.SUBMITTED,
                    responded_at=submitted - datetime.timedelta(days=5),
                    pledge_signed_at=submitted - datetime.timedelta(days=5),
                    submitted_at=submitted,
                )
                for nomination, reviewer, submitted in plan
            ],
            batch_size=self.batch,
        )
        if any(a.pk is None for a in assignments):
            ids = {
                (n, r): pk
                for pk, n, r in Assignment.objects.filter(nomination__cycle=cycle).values_list(
                    "id", "nomination_id", "reviewer_id"
                )
            }
            for a in assignments:
                a.pk = a.id = ids[(a.nomination_id, a.reviewer_id)]
        scores = []
        for assignment, (nomination, reviewer, _submitted) in zip(assignments, plan, strict=True):
            level = nomination["quality"] + reviewer["leniency"]
            scores.extend(scores_for(assignment_id=assignment.pk, criteria=criteria, level=level, rng=rng))
            if len(scores) >= self.batch * 5:
                Score.objects.bulk_create(scores, batch_size=self.batch)
                scores = []
        if scores:
            Score.objects.bulk_create(scores, batch_size=self.batch)

    def _lists(self, cycle, snapshot) -> int:
        """Publish the biggest track and field lists through the real services, notice back-dated into the year."""
        o = self.opts
        rows = [r for r in snapshot.results["nominations"] if not r["flagged"]]
        per_track = Counter(r["track"] for r in rows)
        per_field = Counter(r["field"] for r in rows)
        track_of = {t.pk: t for t in self.tracks}
        field_of = {f.pk: f for f in self.fields}
        chosen_tracks = sorted(
            (t for t in per_track if t in track_of), key=lambda t: (-per_track[t], track_of[t].name)
        )[: o["track_lists"]]
        chosen_fields = sorted(
            (f for f in per_field if f in field_of), key=lambda f: (-per_field[f], field_of[f].code)
        )[: o["field_lists"]]
        targets = [(track_of[t].field, track_of[t]) for t in chosen_tracks]
        targets += [(field_of[f], None) for f in chosen_fields]
        year = cycle.year
        published = 0
        for field, track in targets:
            park_list = list_services.list_build(
                actor=self.staff, snapshot=snapshot, field=field, track=track, top_n=o["list_size"]
            )
            list_services.list_open_notice(actor=self.staff, park_list=park_list, starts_at=at(year, 8, 1))
            park_list = list_services.list_publish(
                actor=self.staff, park_list=park_list, now=at(year, 8, 11, 10)
            )
            if park_list.status != ListStatus.PUBLISHED:
                raise CommandError(f"榜单 {park_list.pk} 未能发布。")
            published += 1
        return published
