"""Staff's formal review in the admin (single and bulk, with an intermediate page for the reason), the nomination's
history there, and a province's window extension — every change through the services."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests import factories as f
from tests.tracks.portal_support import (
    GD,
    GZ,
    JS,
    NJ,
    ZS,
    login,
    nomination,
)
from tracks import models as m
from tracks.services.nominations import nomination_window

pytestmark = pytest.mark.django_db
S = m.NominationStatus
CHANGELIST = "admin:tracks_nomination_changelist"


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_review_buttons_follow_the_state(client, world):
    submitted = nomination(world, status=S.SUBMITTED)
    draft = nomination(world, zone_key=GZ)
    login(client, world.staff)
    page = client.get(reverse("admin:tracks_nomination_change", args=[submitted.pk]))
    assert [item["action"] for item in page.context["review_actions"]] == ["accept", "return", "reject"]
    assert 'data-review="accept"' in page.content.decode()
    assert (
        client.get(reverse("admin:tracks_nomination_change", args=[draft.pk])).context["review_actions"] == []
    )


def test_reject_needs_a_reason_then_tells_the_province(client, world):
    submitted = nomination(world, status=S.SUBMITTED)
    login(client, world.staff)
    url = reverse("admin:tracks_nomination_review", args=[submitted.pk, "reject"])
    page = client.post(url, {"apply": "yes", "reason": ""})
    assert page.status_code == 200 and page.context["form"].errors["reason"]
    response = client.post(url, {"apply": "yes", "reason": "不属于新赛道范畴"}, follow=True)
    assert "已对 1 项推荐执行“不予受理”。" in messages_of(response)
    submitted.refresh_from_db()
    assert submitted.status == S.REJECTED and submitted.status_reason == "不属于新赛道范畴"
    assert m.Notification.objects.filter(
        user=world.gd, message__contains="不予受理：不属于新赛道范畴"
    ).exists()
    assert AuditEvent.objects.get(action="nomination.reject").reason == "不属于新赛道范畴"


def test_bulk_return_over_a_filtered_list_reports_each_refusal(client, world):
    first = nomination(world, status=S.SUBMITTED)
    second = nomination(world, zone_key=GZ, status=S.SUBMITTED)
    draft = nomination(world, zone_key="440000-04")
    other = nomination(world, zone_key=NJ, status=S.SUBMITTED)
    login(client, world.staff)
    changelist = reverse(CHANGELIST) + "?province__id__exact=" + str(f.province(GD).pk)
    listed = client.get(changelist)
    assert {n.pk for n in listed.context["cl"].result_list} == {first.pk, second.pk, draft.pk}

    selected = [first.pk, second.pk, draft.pk]
    page = client.post(changelist, {"action": "review_return", "_selected_action": selected, "index": "0"})
    assert page.status_code == 200
    assert (page.context["eligible_count"], page.context["ineligible_count"]) == (2, 1)
    missing_reason = client.post(
        changelist, {"action": "review_return", "_selected_action": selected, "apply": "yes"}
    )
    assert missing_reason.status_code == 200
    assert m.Nomination.objects.filter(status=S.RETURNED).count() == 0

    response = client.post(
        changelist,
        {"action": "review_return", "_selected_action": selected, "apply": "yes", "reason": "补充佐证材料"},
        follow=True,
    )
    notes = messages_of(response)
    assert "已对 2 项推荐执行“退回修改”。" in notes
    assert any(note.startswith(f"{draft}：推荐当前状态为“草稿”") for note in notes)
    assert set(m.Nomination.objects.filter(status=S.RETURNED).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    other.refresh_from_db()
    assert other.status == S.SUBMITTED


def test_bulk_accept_creates_library_entries(client, world):
    items = [nomination(world, zone_key=key, status=S.SUBMITTED) for key in (ZS, GZ)]
    login(client, world.staff)
    changelist = reverse(CHANGELIST)
    client.post(
        changelist, {"action": "review_accept", "_selected_action": [n.pk for n in items], "apply": "yes"}
    )
    assert m.LibraryEntry.objects.count() == 2
    assert set(m.Nomination.objects.values_list("status", flat=True)) == {S.ACCEPTED}


def test_review_actions_are_for_programme_staff_only(client, world):
    submitted = nomination(world, status=S.SUBMITTED)
    root = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    login(client, root)
    action_form = client.get(reverse(CHANGELIST)).context["action_form"]
    actions = dict(action_form.fields["action"].choices) if action_form is not None else {}
    assert not any(name.startswith("review_") for name in actions)
    assert (
        client.get(reverse("admin:tracks_nomination_review", args=[submitted.pk, "accept"])).status_code
        == 403
    )
    reviewer = f.ReviewerProfileFactory().user
    login(client, reviewer)
    assert client.get(
        reverse("admin:tracks_nomination_review", args=[submitted.pk, "accept"])
    ).status_code in (
        302,
        403,
    )
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


def test_admin_page_shows_the_history_with_labels(client, world):
    submitted = nomination(world, status=S.SUBMITTED)
    login(client, world.staff)
    client.post(
        reverse("admin:tracks_nomination_review", args=[submitted.pk, "return"]),
        {"apply": "yes", "reason": "补充"},
    )
    page = client.get(reverse("admin:tracks_nomination_change", args=[submitted.pk]))
    rows = page.context["audit_history"]
    assert [(row["action_label"], row["reason"]) for row in rows] == [("退回修改", "补充")]


# -- window extension ---------------------------------------------------------------------------------------------


def test_window_extension_through_the_admin(client, world):
    login(client, world.staff)
    response = client.post(
        reverse("admin:tracks_cycle_changelist"),
        {"action": "grant_extension", "_selected_action": [world.cycle.pk], "index": "0"},
    )
    add_url = reverse("admin:tracks_windowextension_add")
    assert response["Location"] == f"{add_url}?cycle={world.cycle.pk}"
    form = client.get(response["Location"]).context["adminform"].form
    assert form.initial["cycle"] == world.cycle.pk

    too_early = timezone.localtime(world.cycle.nomination_closes_at - datetime.timedelta(days=1))
    refused = client.post(
        add_url,
        {
            "cycle": world.cycle.pk,
            "province": f.province(GD).pk,
            "closes_at_0": too_early.strftime("%Y-%m-%d"),
            "closes_at_1": too_early.strftime("%H:%M:%S"),
            "reason": "汛期",
        },
    )
    assert refused.status_code == 200 and "closes_at" in refused.context["adminform"].form.errors

    later = timezone.localtime(world.cycle.nomination_closes_at + datetime.timedelta(days=10)).replace(
        microsecond=0
    )
    done = client.post(
        add_url,
        {
            "cycle": world.cycle.pk,
            "province": f.province(GD).pk,
            "closes_at_0": later.strftime("%Y-%m-%d"),
            "closes_at_1": later.strftime("%H:%M:%S"),
            "reason": "汛期影响材料报送",
        },
    )
    assert done.status_code == 302
    extension = m.WindowExtension.objects.get()
    assert (extension.granted_by, extension.reason, extension.closes_at) == (
        world.staff,
        "汛期影响材料报送",
        later,
    )
    assert nomination_window(world.cycle, f.province(GD))[1] == later
    assert nomination_window(world.cycle, f.province(JS))[1] == world.cycle.nomination_closes_at
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="windowextension")] == [
        "windowextension.create"
    ]
    assert m.Notification.objects.filter(user=world.gd, message__contains="延期至").exists()
    assert not m.Notification.objects.filter(user=world.js).exists()
    change = client.get(reverse("admin:tracks_windowextension_change", args=[extension.pk]))
    assert change.context["has_delete_permission"] is False


def test_the_cycle_inline_shows_extensions_read_only(client, world):
    m.WindowExtension.objects.create(
        cycle=world.cycle,
        province=f.province(GD),
        closes_at=world.cycle.nomination_closes_at + datetime.timedelta(days=3),
        reason="汛期",
    )
    login(client, world.staff)
    page = client.get(reverse("admin:tracks_cycle_change", args=[world.cycle.pk]))
    assert page.status_code == 200
    formset = next(f for f in page.context["inline_admin_formsets"] if f.opts.model is m.WindowExtension)
    assert formset.has_add_permission is False and formset.has_change_permission is False


def test_staff_download_attachments_from_the_admin(client, world):
    from tests.tracks.portal_support import pdf_bytes, upload
    from tracks.services.attachments import attachment_add

    submitted = nomination(world)
    attachment = attachment_add(
        actor=world.gd, nomination=submitted, uploaded=upload("证明.pdf", pdf_bytes())
    )
    url = reverse("admin:tracks_nomination_attachment", args=[submitted.pk, attachment.pk])
    login(client, world.staff)
    page = client.get(reverse("admin:tracks_nomination_change", args=[submitted.pk]))
    assert url in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    # Anyone else: the login page (not staff) or nothing (a reviewer sees no nomination here).
    login(client, world.gd)
    assert client.get(url).status_code == 302
