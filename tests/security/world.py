"""The fixture world of the security tests: one small registry with every kind of object an endpoint can name.

Two provinces, 广东 (440000, "A") and 江苏 (320000, "B"); two zones of 广东 (深圳 440000-02, 中山 440000-03) and one
of 江苏 (南京 320000-01). Ten accounts, one per role of the access matrix (``ROLES``). Cycles:

* this year's cycle open for nominations (its criteria still editable): a draft of each zone (中山's prepared by
  its committee), each with an attachment, and 广州's (440000-01) nomination submitted, waiting for the formal
  review;
* 2025 in review (criteria frozen): 中山's and 南京's nominations in review; the reviewer has accepted 中山's (pledge
  signed, a draft score); the reviewer with a conflict declared one with 中山 and withdrew from its assignment;
  staff closed the review of 量子信息 (a track with no nomination) ahead of the cycle;
* 2023 reviewed and published: a 人形机器人 list of the three zones (so three library entries, 重点); after
  publication staff reopened one score of 中山's nomination, which its reviewer submitted again (a done reopening);
* 2024 on public notice (open), with a pending objection carrying evidence;
* 2022 ranked with a draft list.

Besides: a proposed track, announcements (published and not), notices to each portal user, monitoring reports,
support measures with attachments, typical cases (published and draft), API tokens, lockout rows and 2FA devices.
Everything is made through the factories and the services where a service exists.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.files.base import ContentFile
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from accounts import roles
from accounts.models import Profile
from tests import factories as f
from tests import rounds
from tracks import models as m

GD, JS = "440000", "320000"
GZ, SZ, ZS, NJ = "440000-01", "440000-02", "440000-03", "320000-01"

#: the roles of the access matrix, in the column order of tests/security/expectations.py
ROLES = (
    "anon",
    "preparer",
    "official_a",
    "official_b",
    "reviewer",
    "reviewer_conflict",
    "staff",
    "sysadmin",
    "secadmin",
    "auditadmin",
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def zone_pk(key: str) -> int:
    return f.zone(key).pk


def _attach(nomination, user, name="申报材料.pdf"):
    attachment = m.NominationAttachment(
        nomination=nomination,
        original_name=name,
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_by=user,
    )
    attachment.file.save("upload", ContentFile(PDF), save=False)
    attachment.save()
    return attachment


def build_world() -> SimpleNamespace:
    from cultivation.services import measure_record
    from tracks.services.lists import objection_file
    from tracks.services.review import nomination_review_reopen, review_close_scope, score_submit

    now = timezone.now()
    w = SimpleNamespace(year=timezone.localtime(now).year)

    # -- accounts ---------------------------------------------------------------------------------------------
    reviewer = f.reviewer(
        "110000",
        user=f._with_group(f.UserFactory(username="sec_reviewer"), roles.REVIEWER),
        name="评审专家甲",
    )
    reviewer_conflict = f.reviewer(
        "310000",
        user=f._with_group(f.UserFactory(username="sec_reviewer_conflict"), roles.REVIEWER),
        name="评审专家乙",
    )
    w.users = {
        "anon": None,
        "preparer": f.zone_preparer(ZS, username="sec_preparer"),
        "official_a": f.official(GD, username="sec_official_gd"),
        "official_b": f.official(JS, username="sec_official_js"),
        "reviewer": reviewer.user,
        "reviewer_conflict": reviewer_conflict.user,
        "staff": f.staff(username="sec_staff"),
        "sysadmin": f.system_admin(username="sec_sysadmin"),
        "secadmin": f.security_admin(username="sec_secadmin"),
        "auditadmin": f.audit_admin(username="sec_auditadmin"),
    }
    users = w.users
    staff = users["staff"]
    w.reviewer_profile, w.conflict_profile = reviewer, reviewer_conflict
    # an administrator with a profile: the system administrator sees it, read-only (三员分立)
    w.admin_profile = Profile.objects.create(user=users["auditadmin"], display_name="审计员")
    w.tokens = {
        role: Token.objects.create(user=users[role]) for role in ("preparer", "official_a", "official_b")
    }

    # -- catalogue --------------------------------------------------------------------------------------------
    w.field = f.FieldFactory(code="ai", name="人工智能")
    w.humanoid = f.TrackFactory(name="人形机器人", field=w.field)
    w.alias = m.TrackAlias.objects.create(track=w.humanoid, name="仿人机器人")
    w.storage = f.TrackFactory(name="新型储能", field=w.field)
    w.quantum = f.TrackFactory(name="量子信息", field=w.field)
    w.synbio = f.TrackFactory(name="合成生物", field=w.field)
    w.proposed = f.TrackFactory(
        name="智能织物", field=w.field, status=m.TrackStatus.PROPOSED, proposed_by=users["official_a"]
    )

    # -- lists: published (2023), on notice (2024), draft (2022) ----------------------------------------------
    # The published list's nominations were accepted through the services, which entered each (zone, track) pair
    # in the library.
    w.published, _actor = rounds.published_list([ZS, SZ, NJ], year=2023, track=w.humanoid, actor=staff)
    w.entries = {key: m.LibraryEntry.objects.get(zone=f.zone(key), track=w.humanoid) for key in (ZS, SZ, NJ)}
    w.notice, _actor = rounds.list_on_notice([ZS, NJ], year=2024, track=w.storage, days_ago=1, actor=staff)
    w.draft_list, _actor = rounds.list_draft(
        [SZ, NJ], year=2022, track=w.quantum, actor=staff, title="草稿榜单"
    )
    w.objection = objection_file(
        park_list=w.notice,
        entry=w.notice.entries.order_by("rank").first(),
        name="张三",
        organisation="某单位",
        contact="13800000000",
        statement="数据有误。",
        evidence=ContentFile(PDF, name="证明材料.pdf"),
    )
    w.ranking = m.RankingSnapshot.objects.filter(cycle__year=2023).first()
    w.reopened = m.Nomination.objects.get(cycle__year=2023, zone__key=ZS)
    reopened = w.reopened.assignments.order_by("pk").first()
    nomination_review_reopen(actor=staff, nomination=w.reopened, assignments=[reopened], reason="异议复核")
    reopened.refresh_from_db()
    score_submit(actor=reopened.reviewer.user, assignment=reopened, values=None, version=reopened.version)
    for entry in w.entries.values():
        entry.refresh_from_db()
    for entry in w.entries.values():
        f.MonitoringReportFactory(entry=entry, year=w.year - 1)

    # -- 2025 in review ---------------------------------------------------------------------------------------
    review = f.CycleFactory(
        year=2025,
        status=m.CycleStatus.REVIEW,
        nomination_opens_at=now - datetime.timedelta(days=120),
        nomination_closes_at=now - datetime.timedelta(days=90),
        review_opens_at=now - datetime.timedelta(days=10),
        review_closes_at=now + datetime.timedelta(days=20),
    )
    f.criteria_for(review)
    m.Cycle.objects.filter(pk=review.pk).update(criteria_frozen_at=now - datetime.timedelta(days=11))
    review.refresh_from_db()
    w.review_cycle = review
    w.in_review = {
        key: f.NominationFactory(
            cycle=review,
            zone=f.zone(key),
            province=f.zone(key).province,
            track=w.synbio,
            status=m.NominationStatus.IN_REVIEW,
        )
        for key in (ZS, NJ)
    }
    w.review_attachment = _attach(w.in_review[ZS], users["official_a"])
    w.assignment = m.Assignment.objects.create(
        reviewer=reviewer,
        nomination=w.in_review[ZS],
        status=m.AssignmentStatus.ACCEPTED,
        pledge_signed_at=now - datetime.timedelta(days=5),
    )
    criterion = m.Criterion.objects.filter(cycle=review).order_by("order").first()
    w.score = m.Score.objects.create(
        assignment=w.assignment,
        criterion=criterion,
        value=Decimal("80"),
        max_score=criterion.max_score,
        comment="",
    )
    w.other_score = m.Score.objects.filter(assignment__nomination__cycle__year=2023).order_by("pk").first()
    w.conflict = m.ConflictDeclaration.objects.create(
        reviewer=reviewer_conflict, zone=f.zone(ZS), reason="曾在该高新区任职"
    )
    w.conflict_assignment = m.Assignment.objects.create(
        reviewer=reviewer_conflict, nomination=w.in_review[ZS], status=m.AssignmentStatus.CONFLICT
    )
    w.closure = review_close_scope(actor=staff, cycle=review, field=w.field, track=w.quantum)

    # -- 2026 open for nominations ----------------------------------------------------------------------------
    w.open_cycle = f.CycleFactory(
        year=w.year,
        status=m.CycleStatus.NOMINATION,
        nomination_opens_at=now - datetime.timedelta(days=10),
        nomination_closes_at=now + datetime.timedelta(days=20),
        default_quota=5,
    )
    # its criteria are still editable (every other cycle's froze when its review opened)
    w.open_criterion = f.criteria_for(w.open_cycle)[0]
    w.quota = m.ProvinceQuota.objects.create(cycle=w.open_cycle, province=f.province(GD), quota=6)
    w.extension = m.WindowExtension.objects.create(
        cycle=w.open_cycle,
        province=f.province(JS),
        closes_at=now + datetime.timedelta(days=30),
        reason="延期",
        granted_by=staff,
    )
    makers = {ZS: users["preparer"], SZ: users["official_a"], NJ: users["official_b"]}
    w.drafts = {
        key: f.draft_nomination(
            cycle=w.open_cycle,
            zone=f.zone(key),
            province=f.zone(key).province,
            track=w.humanoid,
            created_by=makers[key],
        )
        for key in (ZS, SZ, NJ)
    }
    w.submitted = f.NominationFactory(
        cycle=w.open_cycle,
        zone=f.zone(GZ),
        province=f.province(GD),
        track=w.humanoid,
        status=m.NominationStatus.SUBMITTED,
        submitted_at=now - datetime.timedelta(days=1),
        created_by=users["official_a"],
    )
    w.attachments = {key: _attach(nomination, makers[key]) for key, nomination in w.drafts.items()}

    # -- public and personal notices --------------------------------------------------------------------------
    w.announcement = m.Announcement.objects.create(
        title="关于开展新赛道推荐工作的通知",
        body="正文",
        kind=m.AnnouncementKind.CALL,
        is_published=True,
        published_at=now - datetime.timedelta(days=3),
        author=staff,
    )
    w.announcement_draft = m.Announcement.objects.create(title="未发布的公告", body="草稿", author=staff)
    w.notifications = {
        role: m.Notification.objects.create(user=users[role], message=f"通知：{role}", link="/portal/")
        for role in ("preparer", "official_a", "official_b", "reviewer")
    }

    # -- 精准性培育 ---------------------------------------------------------------------------------------------
    w.measures = {}
    for key, role in ((ZS, "preparer"), (SZ, "official_a"), (NJ, "official_b")):
        upload = ContentFile(PDF, name="政策文件.pdf")
        upload.content_type = "application/pdf"
        w.measures[key] = measure_record(
            actor=users[role],
            entry=w.entries[key],
            kind="finance",
            title=f"产业基金 {key}",
            date=datetime.date(w.year - 1, 4, 15),
            issuer="省科学技术厅",
            amount=Decimal("5.00"),
            description="设立产业基金。",
            attachment=upload,
        )
    w.case = f.published_case(entry=w.entries[ZS], title="中山人形机器人典型案例")
    w.case_draft = f.TypicalCaseFactory(entry=w.entries[NJ], title="南京草稿案例")

    # -- security administration rows ------------------------------------------------------------------------
    w.access_attempt = AccessAttempt.objects.create(
        username="intruder",
        ip_address="203.0.113.9",
        user_agent="curl",
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/accounts/login/",
        failures_since_start=5,
    )
    w.access_log = AccessLog.objects.create(
        username=users["official_a"].username,
        ip_address="198.51.100.7",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/accounts/login/",
    )
    w.access_failure = AccessFailureLog.objects.create(
        username="intruder",
        ip_address="203.0.113.9",
        user_agent="curl",
        http_accept="*/*",
        path_info="/accounts/login/",
        locked_out=True,
    )
    w.totp = TOTPDevice.objects.create(user=users["staff"], name="default", confirmed=True)
    w.static = StaticDevice.objects.create(user=users["staff"], name="backup", confirmed=True)
    StaticToken.objects.create(device=w.static, token="abcd1234")
    # the e-mail outbox: the notices above queued rows; a bulk mail waiting for staff, a rule's log
    from mail.models import MailBatch, MailRule, RuleFiring

    w.mail_batch = MailBatch.objects.create(title="群发通知", event="adhoc", created_by=staff)
    w.mail_rule = MailRule.objects.get_or_create(code="review_due_soon")[0]
    w.rule_firing = RuleFiring.objects.create(
        rule="review_due_soon",
        object_key=f"assignment:{w.assignment.pk}",
        due_on=timezone.localdate(),
        user=users["reviewer"],
    )
    return w
