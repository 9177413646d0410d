"""The demo data set: realistic, deterministic, made through the services wherever one exists."""

import datetime
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.services import account_create
from zones.models import Province, Zone

from .models import (
    Assignment,
    CultivationModel,
    Cycle,
    CycleStatus,
    Field,
    Nomination,
    NominationStatus,
    Origin,
    ReviewerProfile,
    Score,
    Track,
    TrackAlias,
)
from .services import lists as list_services
from .services import ranking
from .services.cycles import cycle_advance, cycle_create
from .services.nominations import nomination_create, nomination_transition, nomination_update
from .services.review import assignment_accept, assignment_auto, score_submit

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEMO_PASSWORD = "Demo-Passw0rd!"  # noqa: S105 - printed for the demo; seeding is refused in production

FIELDS = [
    (
        "ai",
        "人工智能",
        "Artificial intelligence",
        ["人形机器人", "具身智能", "智能网联汽车", "AI大模型应用", "智能传感器"],
    ),
    ("bio", "生物制造", "Bio-manufacturing", ["合成生物", "细胞与基因治疗", "生物基材料", "高端医疗器械"]),
    ("energy", "新能源", "New energy", ["新型储能", "氢能", "钠离子电池", "光伏钙钛矿"]),
    ("materials", "新材料", "Advanced materials", ["智能织物", "氢冶金", "碳纤维复合材料", "第三代半导体"]),
    ("equipment", "高端装备", "High-end equipment", ["低空经济", "商业航天", "工业母机", "海洋装备"]),
    ("digital", "数字经济", "Digital economy", ["算力网络", "工业互联网", "数据要素", "集成电路设计"]),
    ("future", "未来产业", "Future industries", ["量子信息", "脑机接口", "6G通信", "元宇宙"]),
]
ALIASES = {
    "人形机器人": ["仿人机器人", "具身智能机器人"],
    "新型储能": ["储能", "电化学储能"],
    "合成生物": ["合成生物学"],
    "量子信息": ["量子科技"],
    "氢冶金": ["氢能冶金"],
    "低空经济": ["低空飞行器"],
}
CRITERIA = [
    (
        "strategic",
        "战略性",
        Decimal("30"),
        "优（90–100）：契合国家战略，填补关键空白\n良（75–89）：契合区域战略\n中（60–74）：一般性布局\n差（0–59）：战略关联弱",
    ),
    (
        "leading",
        "领先性",
        Decimal("25"),
        "优（90–100）：技术国际领先\n良（75–89）：国内领先\n中（60–74）：国内先进\n差（0–59）：跟随",
    ),
    (
        "growth",
        "成长性",
        Decimal("25"),
        "优（90–100）：营收和企业数高速增长\n良（75–89）：稳定增长\n中（60–74）：增长放缓\n差（0–59）：负增长",
    ),
    (
        "driving",
        "带动性",
        Decimal("20"),
        "优（90–100）：辐射带动全国\n良（75–89）：带动区域\n中（60–74）：带动园区\n差（0–59）：带动有限",
    ),
]
PROVINCES_2025 = [
    "110000",
    "310000",
    "320000",
    "330000",
    "340000",
    "370000",
    "420000",
    "430000",
    "440000",
    "500000",
    "510000",
    "610000",
    "350000",
    "410000",
    "210000",
    "120000",
]
PROVINCES_2026 = ["440000", "320000", "330000", "510000", "420000", "370000", "340000", "610000"]
SUMMARIES = [
    "依托龙头企业和重点实验室，形成从研发到中试再到规模化生产的完整链条。",
    "以应用场景开放为牵引，集聚一批高成长企业，产业规模连续三年快速增长。",
    "由传统优势产业升级衍生，骨干企业牵头组建创新联合体，关键技术实现突破。",
    "前瞻布局未来产业，科学家与企业家联合创业，孵化转化体系较为完善。",
]
ORGANISATIONS = [
    "中国科学院",
    "清华大学",
    "国家发展改革委宏观经济研究院",
    "中国工程院战略咨询中心",
    "上海交通大学",
    "浙江大学",
    "华中科技大学",
    "中国信息通信研究院",
    "国家制造强国建设战略咨询委员会",
]
REVIEWER_PROVINCES = [
    "110000",
    "310000",
    "320000",
    "330000",
    "420000",
    "440000",
    "510000",
    "610000",
    "120000",
    "230000",
]


def at(year, month, day, hour=9):
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


class DemoAccounts:
    def __init__(self):
        self.printed: list[tuple[str, str]] = []
        # Hashing is deliberately slow; the demo's accounts share one password, so hash it once.
        password_validation.validate_password(DEMO_PASSWORD)
        self.password_hash = make_password(DEMO_PASSWORD)

    def make(self, username, role, label=None, **kwargs):
        user = account_create(
            username=username, password="", password_hash=self.password_hash, role=role, **kwargs
        )
        if label:
            self.printed.append((username, label))
        return user


def seed_demo() -> list[tuple[str, str]]:
    """Fill an empty registry with the demo set; returns (username, description) of the demo accounts."""
    rng = random.Random(2025)
    accounts = DemoAccounts()
    with transaction.atomic():
        tracks = _catalogue()
        staff = accounts.make("staff", roles.STAFF, "业务管理员（火炬中心）", display_name="王敏")
        officials = {
            code: accounts.make(
                f"official_{code}",
                roles.OFFICIAL,
                f"省级主管部门 · {Province.objects.get(code=code).name}",
                province=Province.objects.get(code=code),
            )
            for code in sorted(set(PROVINCES_2025) | set(PROVINCES_2026))
        }
        zone_user = accounts.make(
            "zone_440000_02",
            roles.ZONE_PREPARER,
            "高新区管委会 · 深圳市高新技术产业园区",
            zone=Zone.objects.get(key="440000-02"),
        )
        _reviewers(accounts, rng)
        # The 2025 round runs through the real services and gates with its window open now, then is dated back.
        now = timezone.now()
        cycle_2025 = _cycle(2025, now - datetime.timedelta(days=1), now + datetime.timedelta(days=1), staff)
        _nominations_2025(cycle_2025, tracks, officials, staff, rng)
        _publish_2025(cycle_2025, staff)
        _date_back_2025(cycle_2025)
        _cultivation_2025(cycle_2025, officials, staff, rng)
        closes_2026 = max(at(2026, 12, 31, 18), timezone.now() + datetime.timedelta(days=30))
        cycle_2026 = _cycle(2026, at(2026, 10, 15), closes_2026, staff)
        _nominations_2026(cycle_2026, tracks, officials, zone_user, staff, rng)
        # From here on 2026 requires two materials: the drafts and the returned ones show what they still lack.
        Cycle.objects.filter(pk=cycle_2026.pk).update(required_materials="推荐表盖章扫描件\n园区发展情况说明")
    return accounts.printed


def _catalogue() -> list[Track]:
    tracks = []
    for order, (code, name, name_en, track_names) in enumerate(FIELDS, start=1):
        field = Field.objects.create(code=code, name=name, name_en=name_en, order=order)
        for track_name in track_names:
            track = Track.objects.create(field=field, name=track_name)
            for alias in ALIASES.get(track_name, []):
                TrackAlias.objects.create(track=track, name=alias)
            tracks.append(track)
    return tracks


def _reviewers(accounts: DemoAccounts, rng: random.Random) -> list[ReviewerProfile]:
    fields = list(Field.objects.all())
    profiles = []
    for index in range(1, 31):
        code = REVIEWER_PROVINCES[index % len(REVIEWER_PROVINCES)]
        label = f"评审专家 · {Province.objects.get(code=code).name}" if index <= 3 else None
        user = accounts.make(f"reviewer{index:02d}", roles.REVIEWER, label)
        profile = ReviewerProfile.objects.create(
            user=user,
            name=f"专家{index:02d}",
            title=rng.choice(["研究员", "教授", "正高级工程师"]),
            organisation=ORGANISATIONS[index % len(ORGANISATIONS)],
            province=Province.objects.get(code=code),
        )
        profile.fields.set(fields)
        profiles.append(profile)
    return profiles


def _cycle(year, opens, closes, staff) -> Cycle:
    """A cycle with the four criteria, opened for nominations through its gate (筹备 → 推荐)."""
    cycle = cycle_create(
        actor=staff,
        year=year,
        title=f"{year}年度国家高新区新赛道培育",
        nomination_opens_at=opens,
        nomination_closes_at=closes,
        criteria=[(code, weight, rubric) for code, _name, weight, rubric in CRITERIA],
        default_quota=6,
        notice_days=7,
        reviewers_per_nomination=5,
    )
    return cycle_advance(cycle=cycle, actor=staff, to_status=CycleStatus.NOMINATION)


def indicators(rng: random.Random) -> dict:
    """A plausible year of a zone's indicators for one track (the demo's and generate_scale's nominations)."""
    enterprises = rng.randint(40, 600)
    return {
        "enterprise_count": enterprises,
        "high_tech_enterprise_count": enterprises * rng.randint(30, 70) // 100,
        "specialized_enterprise_count": enterprises * rng.randint(5, 20) // 100,
        "gazelle_count": rng.randint(0, 30),
        "unicorn_count": rng.randint(0, 3),
        "revenue": Decimal(rng.randint(2000, 90000)) / 100,
        "revenue_growth": Decimal(rng.randint(-800, 4500)) / 100,
        "rd_spending": Decimal(rng.randint(100, 6000)) / 100,
        "invention_patents": rng.randint(20, 3000),
        "research_platforms": rng.randint(1, 60),
        "financing": Decimal(rng.randint(0, 8000)) / 100,
        "application_scenarios": rng.randint(0, 80),
        "incubators": rng.randint(1, 25),
        "pilot_platforms": rng.randint(0, 12),
    }


def nomination_content(rng: random.Random) -> dict:
    """A nomination's content: origin, model, summary, narrative and indicators, drawn in this order from rng."""
    return {
        "origin": rng.choice(Origin.values),
        "cultivation_model": rng.choice(CultivationModel.values),
        "public_summary": rng.choice(SUMMARIES),
        "narrative": "一、基本情况\n二、发展基础与优势\n三、培育路径与模式\n四、下一步举措",
        **indicators(rng),
    }


def _pairs(provinces, tracks, per_province, rng):
    """(zone, track) pairs, distinct, a few per province."""
    for code in provinces:
        zones = list(Zone.objects.filter(province__code=code).order_by("key"))
        seen = set()
        for _ in range(per_province):
            pair = (rng.choice(zones), rng.choice(tracks))
            if pair not in seen:
                seen.add(pair)
                yield pair


def _nominations_2025(cycle, tracks, officials, staff, rng):
    # Concentrate on six tracks so the published track list has a real field of competitors.
    focus = [
        t
        for t in tracks
        if t.name in {"人形机器人", "新型储能", "合成生物", "量子信息", "氢冶金", "智能织物"}
    ]
    accepted = []
    for zone, track in _pairs(PROVINCES_2025, focus + tracks[:6], 5, rng):
        official = officials[zone.province.code]
        nomination = nomination_create(
            actor=official, cycle=cycle, zone=zone, track=track, data=nomination_content(rng)
        )
        roll = rng.random()
        if roll < 0.05:
            nomination_transition(
                actor=official, nomination=nomination, action="withdraw", reason="调整推荐方向"
            )
            continue
        nomination_transition(actor=official, nomination=nomination, action="submit")
        if roll < 0.12:
            nomination_transition(
                actor=staff, nomination=nomination, action="reject", reason="不属于新赛道范畴"
            )
            continue
        if roll < 0.22:
            nomination_transition(
                actor=staff, nomination=nomination, action="return", reason="补充近三年营业收入证明"
            )
            nomination_update(
                actor=official,
                nomination=nomination,
                data={"narrative": nomination.narrative + "\n附：营业收入证明"},
            )
            nomination_transition(actor=official, nomination=nomination, action="submit")
        nomination = nomination_transition(actor=staff, nomination=nomination, action="accept")
        accepted.append(nomination)
    # The window closes (moved to a moment ago: the round runs now and is dated back afterwards); every decision
    # of the formal review is made, so the cycle passes 形式审查 and 评审 without any override.
    moment = timezone.now() - datetime.timedelta(seconds=1)
    Cycle.objects.filter(pk=cycle.pk).update(
        nomination_closes_at=moment, review_closes_at=timezone.now() + datetime.timedelta(days=30)
    )
    cycle.refresh_from_db()
    cycle_advance(cycle=cycle, actor=staff, to_status=CycleStatus.FORMAL_REVIEW)
    _review_round(cycle, accepted, staff, rng)


def _date_back_2025(cycle):
    """The 2025 round happened in 2025: move the demo's workflow stamps back into its windows."""
    Nomination.objects.filter(cycle=cycle).update(
        submitted_at=at(2025, 4, 20), status_changed_at=at(2025, 7, 20)
    )
    Cycle.objects.filter(pk=cycle.pk).update(
        nomination_opens_at=at(2025, 3, 1),
        nomination_closes_at=at(2025, 4, 30, 18),
        review_opens_at=at(2025, 6, 1),
        review_closes_at=at(2025, 7, 15),
        criteria_frozen_at=at(2025, 6, 1),
        review_closed_at=at(2025, 7, 20),
    )


def _review_round(cycle, accepted, staff, rng):
    """The review as the programme runs it: the cycle enters review (criteria freeze), the automatic assignment
    puts five conflict-free reviewers of the field panel on each nomination, each reviewer accepts with the
    pledge and submits scores through the review service, and staff close the review (评审结束). Afterwards the
    stamps are dated back into July 2025."""
    cycle_advance(cycle=cycle, actor=staff, to_status=CycleStatus.REVIEW)
    assignment_auto(cycle=cycle, actor=staff)
    criteria = list(cycle.criteria.order_by("order"))
    quality = {nomination.pk: rng.uniform(55, 92) for nomination in accepted}
    assignments = Assignment.objects.filter(nomination__cycle=cycle).select_related("reviewer__user")
    for offset, assignment in enumerate(assignments.order_by("nomination_id", "pk")):
        level = quality[assignment.nomination_id]
        comment = "材料翔实，特色鲜明。" if level > 70 else "建议进一步补充产业链协同数据。"
        reviewer = assignment.reviewer.user
        assignment = assignment_accept(actor=reviewer, assignment=assignment, pledge=True)
        values = score_values(criteria=criteria, level=level + rng.uniform(-6, 6), rng=rng)
        score_submit(
            actor=reviewer,
            assignment=assignment,
            values={
                c.code: {"value": str(v), "comment": comment} for c, v in zip(criteria, values, strict=True)
            },
            version=assignment.version,
        )
        submitted = at(2025, 7, 1 + offset % 5, 10 + rng.randint(0, 7))
        Assignment.objects.filter(pk=assignment.pk).update(
            responded_at=submitted - datetime.timedelta(days=5),
            pledge_signed_at=submitted - datetime.timedelta(days=5),
            submitted_at=submitted,
        )
    cycle_advance(cycle=cycle, actor=staff, to_status=CycleStatus.REVIEW_CLOSED)


def score_values(*, criteria, level: float, rng: random.Random) -> list[Decimal]:
    """One reviewer's values for the criteria, in their order: the reviewer's level for the nomination plus noise
    of ±8 drawn from rng, kept within 0–100, to one decimal."""
    return [Decimal(f"{min(100.0, max(0.0, level + rng.uniform(-8, 8))):.1f}") for _criterion in criteria]


def scores_for(
    *, assignment_id: int, criteria, level: float, rng: random.Random, comment: str = ""
) -> list[Score]:
    """``score_values`` as unsaved score rows of an assignment, for generate_scale's bulk inserts."""
    return [
        Score(
            assignment_id=assignment_id,
            criterion_id=criterion.pk,
            max_score=criterion.max_score,
            value=value,
            comment=comment,
        )
        for criterion, value in zip(
            criteria, score_values(criteria=criteria, level=level, rng=rng), strict=True
        )
    ]


def _publish_2025(cycle, staff):
    snapshot = ranking.ranking_compute(cycle=cycle, actor=staff)
    humanoid = Track.objects.get(name="人形机器人")
    park_list = list_services.list_build(
        actor=staff, snapshot=snapshot, field=humanoid.field, track=humanoid, top_n=10
    )
    notice_start = at(2025, 8, 1)
    list_services.list_open_notice(actor=staff, park_list=park_list, starts_at=notice_start)
    published = list_services.list_publish(actor=staff, park_list=park_list, now=at(2025, 8, 11, 10))
    _announce_2025(published, staff, notice_start)
    # A second list still on public notice, with one objection waiting for staff (see 异议 in the admin).
    storage = Track.objects.get(name="新型储能")
    notice = list_services.list_build(
        actor=staff, snapshot=snapshot, field=storage.field, track=storage, top_n=5
    )
    notice = list_services.list_open_notice(
        actor=staff, park_list=notice, starts_at=timezone.now() - datetime.timedelta(days=2)
    )
    # Review is over and one list published: the cycle moves to 发布, then an objection arrives for the list on notice.
    cycle_advance(cycle=cycle, actor=staff, to_status=CycleStatus.PUBLICATION)
    list_services.objection_file(
        park_list=notice,
        entry=notice.entries.order_by("rank").last(),
        name="张伟",
        organisation="某储能产业联盟",
        contact="010-66668888",
        statement="该园区申报的新型储能企业数量包含了传统电池制造企业，与赛道口径不符，请予核实。",
    )


def _announce_2025(published, staff, notice_start):
    """The programme's notices around the 2025 list: the call, its public notice and its publication."""
    from .models import Announcement, AnnouncementKind

    title = published.title
    for kind, heading, body, moment in [
        (
            AnnouncementKind.CALL,
            "关于开展2025年度国家高新区新赛道推荐工作的通知",
            "各省、自治区、直辖市及新疆生产建设兵团科技主管部门：\n\n"
            "为落实国家高新区新赛道培育行动，现组织开展2025年度新赛道推荐工作。请于2025年4月30日前，"
            "通过本平台推荐本地区国家高新区符合条件的新赛道，每省推荐名额6项。",
            at(2025, 3, 1),
        ),
        (
            AnnouncementKind.NOTICE,
            f"{title}公示",
            f"经省级推荐、形式审查和专家评审，现将{title}予以公示，公示期为7天。"
            "对公示名单有异议的，请在公示期内通过本平台实名提出，并提供必要的证明材料。",
            notice_start,
        ),
        (
            AnnouncementKind.NOTICE,
            f"关于发布{title}的公告",
            f"{title}经公示无异议，现正式发布。榜单附 SHA-256 与 SM3 校验值，发布后不再修改，"
            "如有更正将以新版本发布。",
            published.published_at,
        ),
    ]:
        Announcement.objects.create(
            kind=kind, title=heading, body=body, is_published=True, published_at=moment, author=staff
        )


def _nominations_2026(cycle, tracks, officials, zone_user, staff, rng):
    for index, (zone, track) in enumerate(_pairs(PROVINCES_2026, tracks, 5, rng)):
        official = officials[zone.province.code]
        nomination = nomination_create(
            actor=official, cycle=cycle, zone=zone, track=track, data=nomination_content(rng)
        )
        step = index % 5
        if step >= 1:
            nomination_transition(actor=official, nomination=nomination, action="submit")
        if step == 2:
            nomination_transition(
                actor=staff, nomination=nomination, action="return", reason="请补充应用场景清单"
            )
        if step == 3:
            nomination_transition(actor=staff, nomination=nomination, action="accept")
    # A draft the Shenzhen zone prepared and its province has not yet recommended.
    nomination_create(
        actor=zone_user,
        cycle=cycle,
        zone=zone_user.profile.zone,
        track=Track.objects.get(name="低空经济"),
        data=nomination_content(rng),
    )


MEASURES = [
    ("technology", "共建省级人形机器人创新中心", "省科学技术厅", Decimal("1.50")),
    ("finance", "设立新赛道产业引导基金", "高新区管委会", Decimal("10.00")),
    ("scenario", "开放首批标杆应用场景清单", "市工业和信息化局", None),
    ("incubation", "建设专业孵化器与中试平台", "高新区管委会", Decimal("0.80")),
    ("brand", "举办新赛道创新创业大赛", "省科学技术厅", None),
]


# A typical case's title and summary by its cultivation model (培育模式).
CASE_TEXTS = {
    CultivationModel.SCENARIO: (
        "以应用场景牵引{track}加速成长",
        "开放应用场景、联合龙头企业与科研院所，形成从技术到产品再到规模应用的培育链条。",
    ),
    CultivationModel.SCIENTIST_ENTREPRENEUR: (
        "科学家与企业家联合创业培育{track}",
        "科研团队与企业家共同创办企业，依托实验室成果完成中试和量产，形成从技术到产品再到规模应用的培育链条。",
    ),
    CultivationModel.CORPORATE_VENTURE: (
        "大企业内部创业孵化{track}",
        "龙头企业内部孵化新业务并独立运营，带动上下游配套，形成从技术到产品再到规模应用的培育链条。",
    ),
    CultivationModel.OTHER: (
        "多方协同培育{track}",
        "政府、企业和科研院所多方协同，形成从技术到产品再到规模应用的培育链条。",
    ),
}


def _cultivation_2025(cycle, officials, staff, rng):
    """Monitoring, support measures and a published typical case for the zones on the 2025 list."""
    from cultivation.models import TypicalCase
    from cultivation.services import case_publish, measure_record

    from .services.monitoring import monitoring_report_file

    listed = Nomination.objects.filter(cycle=cycle, status=NominationStatus.LISTED).select_related(
        "library_entry", "province", "zone"
    )
    for index, nomination in enumerate(listed.order_by("pk")):
        official = officials[nomination.province.code]
        entry = nomination.library_entry
        base = indicators(rng)
        # Monitoring starts with the year the entry joined the library (2025), never before it.
        for year, factor in ((2025, Decimal("0.85")), (2026, Decimal("1"))):
            data = {**base, "revenue": (base["revenue"] * factor).quantize(Decimal("0.01"))}
            monitoring_report_file(actor=official, entry=entry, year=year, data=data)
        for offset in range(2):
            kind, title, issuer, amount = MEASURES[(index + offset) % len(MEASURES)]
            measure_record(
                actor=official,
                entry=entry,
                kind=kind,
                title=title,
                date=datetime.date(2025, 3 + 4 * offset, 10 + index),
                issuer=issuer,
                amount=amount,
                description="围绕新赛道培育的针对性举措，已按计划推进。",
            )
        if index < 2:
            # The case's title and summary tell the model it is tagged with.
            model = nomination.cultivation_model or CultivationModel.SCENARIO
            title, summary = CASE_TEXTS[model]
            case = TypicalCase.objects.create(
                entry=entry,
                title=f"{nomination.zone.display_name}：{title.format(track=nomination.track.name)}",
                summary=summary,
                body="一、做法\n二、成效\n三、经验",
                cultivation_model=model,
                created_by=staff,
            )
            case_publish(actor=staff, case=case)
