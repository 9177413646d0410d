"""The admin of tracks, zones and accounts: every page loads, criteria keep their rule, published lists stay put."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import Profile
from audit.models import AuditEvent
from tests import factories
from tracks import models as m
from tracks.admin.nominations import NominationAdmin

pytestmark = pytest.mark.django_db

APPS = ("zones", "tracks", "accounts", "auth")
REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in APPS
)


@pytest.fixture
def superuser_client(client):
    user = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def staff_client(client):
    user = factories.staff(username="ops")
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def world():
    """One row of every model, so list and change pages render real values."""
    now = timezone.now()
    cycle = factories.CycleFactory(year=2031, status=m.CycleStatus.REVIEW, criteria_frozen_at=now)
    criteria = factories.criteria_for(cycle)
    nomination = factories.NominationFactory(cycle=cycle, status=m.NominationStatus.SCORED, submitted_at=now)
    track = nomination.track
    m.TrackAlias.objects.create(track=track, name="别名赛道")
    entry = m.LibraryEntry.objects.create(zone=nomination.zone, track=track, entered_cycle=cycle)
    m.Nomination.objects.filter(pk=nomination.pk).update(library_entry=entry)
    m.MonitoringReport.objects.create(entry=entry, year=2031, enterprise_count=10, revenue=Decimal("12.30"))
    m.NominationAttachment.objects.create(
        nomination=nomination,
        file="attachments/x/abc",
        original_name="材料.pdf",
        content_type="application/pdf",
        size=1024,
        sha256="0" * 64,
    )
    m.ProvinceQuota.objects.create(cycle=cycle, province=factories.province("440000"), quota=8)
    m.WindowExtension.objects.create(
        cycle=cycle,
        province=factories.province("440000"),
        closes_at=now + datetime.timedelta(days=30),
        reason="汛期",
    )
    reviewer = factories.ReviewerProfileFactory()
    reviewer.fields.add(track.field)
    m.ConflictDeclaration.objects.create(reviewer=reviewer, zone=factories.zone("110000-01"), reason="曾任职")
    assignment = m.Assignment.objects.create(
        reviewer=reviewer,
        nomination=nomination,
        status=m.AssignmentStatus.SUBMITTED,
        pledge_signed_at=now,
        submitted_at=now,
    )
    for criterion in criteria:
        m.Score.objects.create(assignment=assignment, criterion=criterion, value=Decimal("80"), comment="好")
    ranking = m.RankingSnapshot.objects.create(
        cycle=cycle, inputs={}, inputs_sha256="1" * 64, results={"nominations": []}
    )
    published = m.ParkList.objects.create(
        cycle=cycle,
        scope=m.ListScope.TRACK,
        field=track.field,
        track=track,
        title="重点园区榜单",
        ranking=ranking,
    )
    list_entry = m.ListEntry.objects.create(
        park_list=published,
        rank=1,
        nomination=nomination,
        zone=nomination.zone,
        province=nomination.province,
        track=track,
        total=Decimal("80.00"),
        score_strategic=Decimal("80"),
        score_leading=Decimal("80"),
        score_growth=Decimal("80"),
        score_driving=Decimal("80"),
    )
    m.ParkList.objects.filter(pk=published.pk).update(
        status=m.ListStatus.PUBLISHED, published_at=now, sha256="a" * 64, sm3="b" * 64
    )
    published.refresh_from_db()
    draft = m.ParkList.objects.create(
        cycle=cycle, scope=m.ListScope.FIELD, field=track.field, title="领域榜单（草稿）", ranking=ranking
    )
    m.Objection.objects.create(
        park_list=published,
        entry=list_entry,
        receipt_number="YY2031-0001",
        name="张三",
        organisation="某单位",
        contact="13800000000",
        statement="数据有误",
    )
    m.Announcement.objects.create(title="关于开展2031年度推荐的通知", body="正文", cycle=cycle)
    return {
        "cycle": cycle,
        "nomination": nomination,
        "published": published,
        "draft": draft,
        "assignment": assignment,
    }


# -- every page loads ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_changelist_loads_for_a_superuser(superuser_client, world, app_label, model_name):
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    response = superuser_client.get(url)
    assert response.status_code == 200
    # The search box works on every database (integer and related fields among the search fields).
    assert superuser_client.get(url, {"q": "2031 高新"}).status_code == 200


@pytest.mark.parametrize(("app_label", "model_name"), [r for r in REGISTERED if r[0] in ("zones", "tracks")])
def test_changelist_loads_for_programme_staff(staff_client, world, app_label, model_name):
    response = staff_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_change_and_add_pages_load(superuser_client, world, app_label, model_name):
    model_admin = next(
        ma for model, ma in admin.site._registry.items() if model._meta.model_name == model_name
    )
    obj = model_admin.model._default_manager.order_by("pk").first()
    if obj is not None:
        response = superuser_client.get(reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk]))
        assert response.status_code == 200
    response = superuser_client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    assert response.status_code in (200, 403)


def test_every_model_of_the_three_apps_is_registered():
    from django.apps import apps

    for app_label in ("zones", "tracks", "accounts"):
        for model in apps.get_app_config(app_label).get_models():
            assert admin.site.is_registered(model), model


@pytest.mark.parametrize("extra", [1, 12])
def test_nomination_changelist_queries_do_not_grow(staff_client, django_assert_max_num_queries, extra):
    cycle = factories.CycleFactory(year=2031)
    zones = list(factories.Zone.objects.filter(province__code="440000").order_by("key")[:extra])
    for zone in zones:
        factories.NominationFactory(cycle=cycle, zone=zone)
    with django_assert_max_num_queries(14):
        response = staff_client.get(reverse("admin:tracks_nomination_changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == len(zones)


# -- criteria under the cycle -------------------------------------------------------------------------------------


def split(moment):
    local = timezone.localtime(moment)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")


def cycle_post_data(cycle, criteria_rows, **changes) -> dict:
    """The cycle's change form as the browser posts it; criteria_rows: (id or None, code, name, weight, max)."""
    data = {
        "year": str(cycle.year),
        "title": cycle.title,
        "default_quota": str(cycle.default_quota),
        "resubmit_days": str(cycle.resubmit_days),
        "notice_days": str(cycle.notice_days),
        "reviewers_per_nomination": str(cycle.reviewers_per_nomination),
        "comment_required_below": str(cycle.comment_required_below),
        "review_opens_at_0": "",
        "review_opens_at_1": "",
        "review_closes_at_0": "",
        "review_closes_at_1": "",
        "audit_reason": "",
    }
    for name in ("nomination_opens_at", "nomination_closes_at"):
        data[f"{name}_0"], data[f"{name}_1"] = split(getattr(cycle, name))
    initial = sum(1 for row in criteria_rows if row[0] is not None)
    data.update(
        {
            "criteria-TOTAL_FORMS": str(len(criteria_rows)),
            "criteria-INITIAL_FORMS": str(initial),
            "criteria-MIN_NUM_FORMS": "0",
            "criteria-MAX_NUM_FORMS": "4",
        }
    )
    for i, (pk, code, name, weight, max_score) in enumerate(criteria_rows):
        data.update(
            {
                f"criteria-{i}-id": "" if pk is None else str(pk),
                f"criteria-{i}-order": str(i),
                f"criteria-{i}-code": code,
                f"criteria-{i}-name": name,
                f"criteria-{i}-weight": str(weight),
                f"criteria-{i}-max_score": str(max_score),
                f"criteria-{i}-rubric": "",
            }
        )
    for prefix in ("quotas", "extensions"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(changes)
    return data


def rows_with(cycle, **weights):
    return [
        (c.pk, c.code, c.name, weights.get(c.code, c.weight), c.max_score)
        for c in m.Criterion.objects.filter(cycle=cycle).order_by("order")
    ]


@pytest.fixture
def open_cycle():
    cycle = factories.CycleFactory(year=2031, status=m.CycleStatus.PLANNING)
    factories.criteria_for(cycle)
    return cycle


def test_criteria_inline_refuses_a_sum_of_99(staff_client, open_cycle):
    url = reverse("admin:tracks_cycle_change", args=[open_cycle.pk])

    response = staff_client.post(
        url, cycle_post_data(open_cycle, rows_with(open_cycle, driving=Decimal("19")))
    )

    assert response.status_code == 200
    formset = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "criteria"
    ).formset
    assert formset.non_form_errors() == ["四个评价维度的权重之和必须为100，当前为 99。"]
    assert "四个评价维度的权重之和必须为100，当前为 99。" in response.content.decode()
    assert m.Criterion.objects.get(cycle=open_cycle, code="driving").weight == Decimal("20.00")
    assert not AuditEvent.objects.exclude(action__startswith="login").exists()


def test_criteria_inline_accepts_100_and_audits_each_row(staff_client, open_cycle):
    url = reverse("admin:tracks_cycle_change", args=[open_cycle.pk])
    data = cycle_post_data(
        open_cycle,
        rows_with(open_cycle, strategic=Decimal("35"), driving=Decimal("15")),
        audit_reason="调整权重",
    )

    response = staff_client.post(url, data)

    assert response.status_code == 302
    weights = dict(m.Criterion.objects.filter(cycle=open_cycle).values_list("code", "weight"))
    assert weights == {
        "strategic": Decimal("35.00"),
        "leading": Decimal("25.00"),
        "growth": Decimal("25.00"),
        "driving": Decimal("15.00"),
    }
    events = AuditEvent.objects.filter(action="criterion.update").order_by("id")
    assert [(e.before, e.after, e.reason) for e in events] == [
        ({"weight": "30.00"}, {"weight": "35.00"}, "调整权重"),
        ({"weight": "20.00"}, {"weight": "15.00"}, "调整权重"),
    ]
    page = staff_client.get(url).content.decode()
    assert "变更记录" in page
    assert "30.00 → 35.00" in page


def test_criteria_inline_refuses_an_incomplete_set(staff_client):
    cycle = factories.CycleFactory(year=2032, status=m.CycleStatus.PLANNING)
    rows = [
        (None, code, name, weight, max_score)
        for code, name, weight, max_score in factories.DEFAULT_CRITERIA[:3]
    ]

    response = staff_client.post(
        reverse("admin:tracks_cycle_change", args=[cycle.pk]), cycle_post_data(cycle, rows)
    )

    assert response.status_code == 200
    assert "缺少：带动性" in response.content.decode()
    assert not m.Criterion.objects.filter(cycle=cycle).exists()


def test_criteria_inline_is_read_only_once_frozen(staff_client, open_cycle):
    m.Cycle.objects.filter(pk=open_cycle.pk).update(criteria_frozen_at=timezone.now())
    open_cycle.refresh_from_db()
    url = reverse("admin:tracks_cycle_change", args=[open_cycle.pk])

    page = staff_client.get(url)
    formset = next(f for f in page.context["inline_admin_formsets"] if f.formset.prefix == "criteria")
    assert not formset.has_change_permission
    assert 'name="criteria-0-weight"' not in page.content.decode()

    # A forged post of changed weights saves the cycle but cannot touch the frozen criteria.
    data = cycle_post_data(
        open_cycle, rows_with(open_cycle, strategic=Decimal("50"), driving=Decimal("0")), title="改名"
    )
    response = staff_client.post(url, data)

    assert response.status_code == 302
    open_cycle.refresh_from_db()
    assert open_cycle.title == "改名"
    assert m.Criterion.objects.get(cycle=open_cycle, code="strategic").weight == Decimal("30.00")
    assert not AuditEvent.objects.filter(action__startswith="criterion.").exists()


def test_standalone_criterion_change_keeps_the_rule(staff_client, open_cycle):
    criterion = m.Criterion.objects.get(cycle=open_cycle, code="strategic")
    url = reverse("admin:tracks_criterion_change", args=[criterion.pk])
    data = {"name": "战略性", "weight": "31", "max_score": "100", "rubric": "", "order": "0"}

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["weight"] == [
        "四个评价维度的权重之和必须为100，当前为 101。"
    ]

    response = staff_client.post(url, {**data, "weight": "30", "rubric": "优：……"})
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="criterion.update").after == {"rubric": "优：……"}


def test_standalone_criterion_is_read_only_once_frozen(staff_client, open_cycle):
    m.Cycle.objects.filter(pk=open_cycle.pk).update(criteria_frozen_at=timezone.now())
    criterion = m.Criterion.objects.get(cycle=open_cycle, code="strategic")
    url = reverse("admin:tracks_criterion_change", args=[criterion.pk])

    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, {"name": "战略", "weight": "30", "max_score": "100", "order": "0"})
    assert response.status_code == 403


# -- cycles: stages and a new year from the previous one ----------------------------------------------------------


def test_advance_action_opens_the_confirmation_page_which_moves_the_phase_through_the_service(
    staff_client, open_cycle
):
    # The action no longer moves anything: it takes the one selected cycle to its confirmation page.
    response = staff_client.post(
        reverse("admin:tracks_cycle_changelist"),
        {"action": "advance_cycles", "_selected_action": [str(open_cycle.pk)]},
    )
    url = reverse("admin:tracks_cycle_advance", args=[open_cycle.pk])
    assert response.status_code == 302 and response["Location"] == url
    open_cycle.refresh_from_db()
    assert open_cycle.status == m.CycleStatus.PLANNING
    assert not AuditEvent.objects.filter(action="cycle.advance").exists()

    page = staff_client.get(url)
    assert page.status_code == 200
    assert page.context["gate"].target == m.CycleStatus.NOMINATION
    assert [(c.code, c.ok) for c in page.context["gate"].checks] == [("criteria", True)]
    assert "评价维度完整、权重合计为100" in page.content.decode()
    open_cycle.refresh_from_db()
    assert open_cycle.status == m.CycleStatus.PLANNING  # looking changes nothing

    response = staff_client.post(url, {"apply": "yes", "reason": ""})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:tracks_cycle_change", args=[open_cycle.pk])
    open_cycle.refresh_from_db()
    assert open_cycle.status == m.CycleStatus.NOMINATION
    event = AuditEvent.objects.get(action="cycle.advance")
    assert (event.before, event.after["status"], event.after["overridden"]) == (
        {"status": "planning"},
        "nomination",
        [],
    )
    assert event.after["checks"] == {"criteria": "ok"}


def test_advance_action_takes_one_cycle_at_a_time(staff_client, open_cycle):
    other = factories.CycleFactory(year=2032, status=m.CycleStatus.PLANNING)
    response = staff_client.post(
        reverse("admin:tracks_cycle_changelist"),
        {"action": "advance_cycles", "_selected_action": [str(open_cycle.pk), str(other.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    assert "请只选择一个年度批次。" in [str(message) for message in response.context["messages"]]
    assert set(m.Cycle.objects.filter(pk__in=[open_cycle.pk, other.pk]).values_list("status", flat=True)) == {
        m.CycleStatus.PLANNING
    }


def test_cycle_status_is_not_editable_in_the_form(staff_client, open_cycle):
    url = reverse("admin:tracks_cycle_change", args=[open_cycle.pk])
    response = staff_client.post(url, cycle_post_data(open_cycle, rows_with(open_cycle), status="closed"))
    assert response.status_code == 302
    open_cycle.refresh_from_db()
    assert open_cycle.status == m.CycleStatus.PLANNING


def test_new_cycle_from_previous_year_page(staff_client, open_cycle):
    m.ProvinceQuota.objects.create(cycle=open_cycle, province=factories.province("440000"), quota=9)
    url = reverse("admin:tracks_cycle_from_previous")
    changelist = staff_client.get(reverse("admin:tracks_cycle_changelist")).content.decode()
    assert url in changelist
    assert "以上一年度为模板新建批次" in changelist

    page = staff_client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["year"] == 2032

    response = staff_client.post(
        url,
        {
            "year": "2032",
            "nomination_opens_at_0": "2032-03-01",
            "nomination_opens_at_1": "09:00:00",
            "nomination_closes_at_0": "2032-04-30",
            "nomination_closes_at_1": "17:00:00",
        },
    )

    cycle = m.Cycle.objects.get(year=2032)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:tracks_cycle_change", args=[cycle.pk])
    assert m.Criterion.objects.filter(cycle=cycle).count() == 4
    assert m.ProvinceQuota.objects.get(cycle=cycle).quota == 9

    again = staff_client.post(
        url,
        {
            "year": "2032",
            "nomination_opens_at_0": "2032-03-01",
            "nomination_opens_at_1": "09:00:00",
            "nomination_closes_at_0": "2032-04-30",
            "nomination_closes_at_1": "17:00:00",
        },
    )
    assert again.status_code == 200
    assert again.context["form"].errors["year"] == ["2032年度批次已存在。"]


# -- read-only things ---------------------------------------------------------------------------------------------


def test_published_list_refuses_edits(staff_client, superuser_client, world):
    published = world["published"]
    url = reverse("admin:tracks_parklist_change", args=[published.pk])

    page = staff_client.get(url)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert 'name="_save"' not in page.content.decode()
    assert 'name="title"' not in page.content.decode()

    for user_client in (staff_client, superuser_client):
        assert user_client.post(url, {"title": "篡改"}).status_code == 403
        delete = reverse("admin:tracks_parklist_delete", args=[published.pk])
        assert user_client.post(delete, {"post": "yes"}).status_code == 403
    published.refresh_from_db()
    assert published.title == "重点园区榜单"
    assert m.ListEntry.objects.filter(park_list=published).count() == 1


def test_draft_list_title_may_be_edited_and_is_audited(staff_client, world):
    draft = world["draft"]
    url = reverse("admin:tracks_parklist_change", args=[draft.pk])
    data = {
        "title": "人工智能领域重点园区榜单",
        "cutoff_top_n": "10",
        "cutoff_min_score": "",
        "entries-TOTAL_FORMS": "0",
        "entries-INITIAL_FORMS": "0",
        "entries-MIN_NUM_FORMS": "0",
        "entries-MAX_NUM_FORMS": "0",
    }

    response = staff_client.post(url, data)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "人工智能领域重点园区榜单"
    assert draft.status == m.ListStatus.DRAFT
    assert AuditEvent.objects.get(action="parklist.update").after == {
        "title": "人工智能领域重点园区榜单",
        "cutoff_top_n": 10,
    }


def test_list_entries_are_read_only(superuser_client, world):
    entry = m.ListEntry.objects.get()
    url = reverse("admin:tracks_listentry_change", args=[entry.pk])
    assert superuser_client.get(url).status_code == 200
    assert superuser_client.post(url, {"rank": "2"}).status_code == 403


def test_nomination_status_is_never_edited_in_the_admin(staff_client, world):
    nomination = world["nomination"]
    url = reverse("admin:tracks_nomination_change", args=[nomination.pk])

    assert "status" in NominationAdmin.readonly_fields
    page = staff_client.get(url)
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    assert staff_client.post(url, {"status": "listed"}).status_code == 403
    nomination.refresh_from_db()
    assert nomination.status == m.NominationStatus.SCORED


def test_official_is_kept_out_of_the_admin(client, world):
    client.force_login(factories.official())
    response = client.get(reverse("admin:tracks_nomination_changelist"))
    assert response.status_code == 302


def test_reviewer_sees_only_their_own_assignments(client, world):
    own = world["assignment"]
    other = factories.ReviewerProfileFactory()
    factories.criteria_for(own.nomination.cycle)
    other_assignment = m.Assignment.objects.create(
        reviewer=other, nomination=factories.NominationFactory(cycle=own.nomination.cycle)
    )
    client.force_login(own.reviewer.user)

    response = client.get(reverse("admin:tracks_assignment_changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [own]
    other_url = reverse("admin:tracks_assignment_change", args=[other_assignment.pk])
    assert client.get(other_url).status_code == 302  # not found in scope: back to the index with a message
    scores = client.get(reverse("admin:tracks_score_changelist")).context["cl"].result_list
    assert {score.assignment_id for score in scores} == {own.pk}


# -- accounts -----------------------------------------------------------------------------------------------------


def user_post_data(user, **changes) -> dict:
    date_joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "date_joined_0": date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "0",
        "profile-MIN_NUM_FORMS": "0",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": "",
        "profile-0-display_name": "",
        "profile-0-phone": "",
        "profile-0-province": "",
        "profile-0-zone": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def sysadmin_client(client):
    user = factories.UserFactory(username="sysadmin")
    factories._with_group(user, roles.SYSTEM_ADMIN)
    client.force_login(user)
    return client


def test_system_administrator_binds_a_user_to_a_province(sysadmin_client):
    user = factories.UserFactory(username="gd-official")
    official_group = Group.objects.get(name=roles.OFFICIAL)
    guangdong = factories.province("440000")
    url = reverse("admin:auth_user_change", args=[user.pk])
    page = sysadmin_client.get(url)
    assert page.status_code == 200
    assert 'name="profile-0-province"' in page.content.decode()

    response = sysadmin_client.post(
        url,
        user_post_data(
            user,
            groups=[str(official_group.pk)],
            **{"profile-0-display_name": "李四", "profile-0-province": str(guangdong.pk)},
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    profile = Profile.objects.get(user=user)
    assert profile.province == guangdong
    assert profile.zone is None
    assert roles.official_province(get_user_model().objects.get(pk=user.pk)) == guangdong
    assert AuditEvent.objects.get(action="profile.create").after["province_id"] == guangdong.pk
    groups_event = AuditEvent.objects.get(action="user.update", object_id=str(user.pk))
    assert groups_event.before == {"groups": []}
    assert groups_event.after == {"groups": [official_group.pk]}
    assert "password" not in str(AuditEvent.objects.values_list("after", flat=True))


def test_a_profile_binds_a_province_or_a_zone_not_both(sysadmin_client):
    user = factories.UserFactory(username="both")
    url = reverse("admin:auth_user_change", args=[user.pk])

    response = sysadmin_client.post(
        url,
        user_post_data(
            user,
            **{
                "profile-0-province": str(factories.province("440000").pk),
                "profile-0-zone": str(factories.zone("440000-03").pk),
            },
        ),
    )

    assert response.status_code == 200
    assert "一个账户只能归属一个省份或一个高新区。" in response.content.decode()
    assert not Profile.objects.filter(user=user).exists()


def test_user_changelist_shows_roles_and_bindings(sysadmin_client):
    factories.official(username="gd")
    factories.zone_preparer(username="sz")
    page = sysadmin_client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "省级主管部门" in page
    assert "广东省" in page


def test_password_change_is_audited_without_the_hash(sysadmin_client):
    user = factories.UserFactory(username="someone")
    url = reverse("admin:auth_user_password_change", args=[user.pk])

    response = sysadmin_client.post(
        url, {"usable_password": "true", "password1": "Xy7#longpassword", "password2": "Xy7#longpassword"}
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.password_change")
    assert event.object_id == str(user.pk)
    assert event.after == {"has_usable_password": True}
    assert "pbkdf2" not in str(event.after) and "md5" not in str(event.after)
