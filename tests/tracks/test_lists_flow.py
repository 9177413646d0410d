"""A list's whole life through the surfaces people use: staff build it in the admin from a ranking (preview first),
put it on notice; a citizen files an objection on the public site; staff resolve it and publish; later an upheld
objection leads to a correction version, and every version stays readable."""

import datetime

import pytest
from django.contrib.admin import helpers
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests import factories as f
from tests import rounds
from tracks.models import ListStatus, Objection, ObjectionStatus, ParkList
from tracks.public.captcha import SESSION_KEY
from tracks.services.lists import list_verify
from tracks.services.ranking import ranking_compute

pytestmark = pytest.mark.django_db

KEYS = ["440000-03", "320000-01", "110000-01", "420000-01", "510000-01"]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def action(client, url, name, objects, **extra):
    return client.post(
        url,
        {"action": name, helpers.ACTION_CHECKBOX_NAME: [str(o.pk) for o in objects], "index": "0", **extra},
    )


def test_notice_objection_publish_correction(client):
    staff_user = f.staff(username="ops")
    cycle, track, _nominations = rounds.scored_cycle(KEYS)
    snapshot = ranking_compute(cycle=cycle, actor=staff_user)
    admin_client = client.__class__()
    admin_client.force_login(staff_user)

    # 1. Build from the ranking in the admin: preview, then the draft.
    build = reverse("admin:tracks_parklist_build")
    form = {"snapshot": snapshot.pk, "field": track.field_id, "track": track.pk, "top_n": "3", "title": ""}
    preview = admin_client.post(build, {**form, "preview": "1"})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "预览：3 个入榜" in html and "中山火炬高技术产业开发区" in html
    assert not ParkList.objects.exists()
    built = admin_client.post(build, {**form, "build": "1"})
    park_list = ParkList.objects.get()
    assert built.status_code == 302 and built["Location"] == reverse(
        "admin:tracks_parklist_change", args=[park_list.pk]
    )
    assert client.get(f"/lists/{park_list.pk}/").status_code == 404  # a draft is not public

    # 2. Public notice, from the changelist action: its confirmation page says what becomes public first.
    changelist = reverse("admin:tracks_parklist_changelist")
    notice_url = reverse("admin:tracks_parklist_notice", args=[park_list.pk])
    chosen = action(admin_client, changelist, "open_notice", [park_list])
    assert chosen.status_code == 302 and chosen["Location"] == notice_url
    park_list.refresh_from_db()
    assert park_list.status == ListStatus.DRAFT
    confirm = admin_client.get(notice_url)
    assert confirm.status_code == 200 and confirm.context["gate"].passes
    assert "3 个入榜高新区" in confirm.content.decode()
    opened = admin_client.post(notice_url, {"apply": "yes"})
    assert opened.status_code == 302
    park_list.refresh_from_db()
    assert park_list.status == ListStatus.NOTICE
    assert "本榜单正在公示" in client.get(f"/lists/{park_list.pk}/").content.decode()

    # 3. A citizen objects to the second place.
    client.get(f"/lists/{park_list.pk}/objection/")
    answer = client.session[SESSION_KEY][f"objection-{park_list.pk}"]["answer"]
    second = park_list.entries.get(rank=2)
    filed = client.post(
        f"/lists/{park_list.pk}/objection/",
        {
            "entry": second.pk,
            "name": "赵强",
            "organisation": "某产业协会",
            "contact": "13912345678",
            "statement": "第2名园区的营业收入含非本赛道业务，不符合申报口径，请核实。",
            "captcha": answer,
            "pledge": "on",
        },
    )
    assert filed.status_code == 302
    objection = Objection.objects.get()

    # 4. Publishing waits for the end of the notice and for the objection.
    ParkList.objects.filter(pk=park_list.pk).update(
        notice_starts_at=timezone.now() - datetime.timedelta(days=8),
        notice_ends_at=timezone.now() - datetime.timedelta(days=1),
    )
    publish_url = reverse("admin:tracks_parklist_publish", args=[park_list.pk])
    chosen = action(admin_client, changelist, "publish", [park_list])
    assert chosen.status_code == 302 and chosen["Location"] == publish_url
    refused = admin_client.post(publish_url, {"apply": "yes"})
    assert refused.status_code == 200
    assert "仍有未处理的异议，处理完毕后才能发布。" in refused.content.decode()
    assert [c.code for c in refused.context["gate"].refused] == ["objections_pending"]
    park_list.refresh_from_db()
    assert park_list.status == ListStatus.NOTICE

    objections = reverse("admin:tracks_objection_changelist")
    page = action(admin_client, objections, "resolve_upheld", [objection])
    assert page.status_code == 200 and "处理意见" in page.content.decode()  # asks for the reasons first
    action(
        admin_client,
        objections,
        "resolve_upheld",
        [objection],
        apply="1",
        reason="经核实，营业收入口径不符。",
    )
    objection.refresh_from_db()
    assert (objection.status, objection.resolution) == (ObjectionStatus.UPHELD, "经核实，营业收入口径不符。")

    published = admin_client.post(publish_url, {"apply": "yes"})
    assert published.status_code == 302
    park_list.refresh_from_db()
    assert park_list.status == ListStatus.PUBLISHED and list_verify(park_list).ok
    assert park_list.sha256 in client.get(f"/lists/{park_list.pk}/").content.decode()

    # 5. The upheld objection leads to a correction: the second place leaves, the fourth moves in.
    correct = reverse("admin:tracks_parklist_correct", args=[park_list.pk])
    data = {
        "note": "根据异议处理结果，取消原第2名入榜资格，依次递补。",
        "exclude": [str(second.nomination_id)],
    }
    preview = admin_client.post(correct, {**data, "preview": "1"})
    assert "更正后：3 个入榜" in preview.content.decode()
    done = admin_client.post(correct, {**data, "apply": "1"})
    new = ParkList.objects.get(supersedes=park_list)
    assert done["Location"] == reverse("admin:tracks_parklist_change", args=[new.pk])
    # The fourth was never on notice: the correction goes on notice first, the published version stays current.
    park_list.refresh_from_db()
    assert (park_list.status, new.status) == (ListStatus.PUBLISHED, ListStatus.NOTICE)
    assert list(new.entries.order_by("rank").values_list("zone__key", flat=True)) == [
        "440000-03",
        "110000-01",
        "420000-01",
    ]
    assert "本版本的更正正在公示" in client.get(f"/lists/{park_list.pk}/").content.decode()
    assert "本版本已被更正" not in client.get(f"/lists/{park_list.pk}/").content.decode()

    # Its notice ends with no objection: published from its confirmation page, it supersedes the old version.
    ParkList.objects.filter(pk=new.pk).update(
        notice_starts_at=timezone.now() - datetime.timedelta(days=8),
        notice_ends_at=timezone.now() - datetime.timedelta(days=1),
    )
    published = admin_client.post(reverse("admin:tracks_parklist_publish", args=[new.pk]), {"apply": "yes"})
    assert published.status_code == 302
    park_list.refresh_from_db()
    new.refresh_from_db()
    assert (park_list.status, new.status) == (ListStatus.SUPERSEDED, ListStatus.PUBLISHED)
    assert list_verify(new).ok

    new_page = client.get(f"/lists/{new.pk}/").content.decode()
    assert "根据异议处理结果，取消原第2名入榜资格，依次递补。" in new_page
    assert "不再列入（原第2名）" in new_page
    old_page = client.get(f"/lists/{park_list.pk}/").content.decode()
    assert "本版本已被更正" in old_page and park_list.sha256 in old_page

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "list.build",
        "list.notice",
        "objection.file",
        "objection.resolve",
        "list.publish",
        "list.correct",
        "list.supersede",
    } <= actions


def test_only_programme_staff_manage_lists_in_the_admin(client):
    park_list, _actor = rounds.list_on_notice(KEYS[:2], days_ago=1)
    reviewer = f.ReviewerProfileFactory().user
    client.force_login(reviewer)
    assert client.get(reverse("admin:tracks_parklist_build")).status_code in (302, 403)
    assert client.get(reverse("admin:tracks_parklist_correct", args=[park_list.pk])).status_code in (302, 403)


def test_verify_page_in_the_admin(client):
    park_list, actor = rounds.published_list(KEYS[:3])
    client.force_login(actor)
    html = client.get(reverse("admin:tracks_parklist_verify", args=[park_list.pk])).content.decode()
    assert "校验通过。" in html
    change = client.get(reverse("admin:tracks_parklist_change", args=[park_list.pk])).content.decode()
    assert reverse("admin:tracks_parklist_correct", args=[park_list.pk]) in change
    assert f"/lists/{park_list.pk}/" in change


def test_staff_download_objection_evidence_and_the_public_cannot(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tracks.services.lists import objection_file

    park_list, actor = rounds.list_on_notice(KEYS[:2], days_ago=1)
    objection = objection_file(
        park_list=park_list,
        name="甲",
        organisation="乙",
        contact="13800000000",
        statement="异议内容足够长，写明事实和理由，超过二十个字。",
        evidence=SimpleUploadedFile("e.pdf", b"%PDF-1.4 test"),
    )
    url = reverse("admin:tracks_objection_evidence", args=[objection.pk])
    assert client.get(url).status_code == 302  # to the admin login
    client.force_login(actor)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert f'filename="{objection.receipt_number}.pdf"' in response["Content-Disposition"]
