"""The measures ledger: who may record and see an entry's measures (the nominations' scoping), recording through
the page and the service, attachments checked by content and served only through the scoped view, soft removal."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from audit.models import AuditEvent
from cultivation import services
from cultivation.models import MeasureKind, SupportMeasure
from tests import factories as f
from tests.cultivation.support import docx_bytes, login, measure_post, pdf_bytes, upload
from tracks import models as m

pytestmark = pytest.mark.django_db

# (user, entry) → the answer of the entry page, the form and the download: in scope 200, out of scope 404.
MATRIX = [
    ("gd", "zs", 200),
    ("gd", "gz", 200),
    ("gd", "nj", 404),
    ("js", "zs", 404),
    ("js", "gz", 404),
    ("js", "nj", 200),
    ("zs", "zs", 200),
    ("zs", "gz", 404),
    ("zs", "nj", 404),
    ("staff", "zs", 200),
    ("staff", "gz", 200),
    ("staff", "nj", 200),
    ("reviewer", "zs", 404),
    ("reviewer", "nj", 404),
]


def _measure(world, key, **kwargs):
    kwargs.setdefault("recorded_by", world.users["staff"])
    return f.SupportMeasureFactory(entry=world.entries[key], **kwargs)


def _with_file(measure):
    from django.core.files.base import ContentFile

    measure.attachment.save("x", ContentFile(pdf_bytes()), save=False)
    measure.attachment_name = "政策文件.pdf"
    measure.attachment_type = "application/pdf"
    measure.attachment_size = len(pdf_bytes())
    measure.save()
    return measure


@pytest.mark.parametrize(("who", "target", "status"), MATRIX)
def test_entry_pages_are_scoped_like_nominations(client, world, who, target, status):
    entry = world.entries[target]
    measure = _with_file(_measure(world, target, title="已记录的举措"))
    login(client, world.users[who])

    page = client.get(reverse("cultivation:entry_detail", args=[entry.pk]))
    form = client.get(reverse("cultivation:measure_create", args=[entry.pk]))
    download = client.get(reverse("cultivation:measure_attachment", args=[measure.pk]))
    remove = client.get(reverse("cultivation:measure_remove", args=[measure.pk]))

    assert page.status_code == status
    assert form.status_code == status
    assert download.status_code == status
    assert remove.status_code == status
    if status == 200:
        assert "已记录的举措" in page.content.decode()
        assert download["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(("who", "target", "status"), MATRIX)
def test_recording_is_scoped_and_out_of_scope_is_404(client, world, who, target, status):
    entry = world.entries[target]
    login(client, world.users[who])

    response = client.post(reverse("cultivation:measure_create", args=[entry.pk]), measure_post())

    if status == 200:
        measure = SupportMeasure.objects.get()
        assert response.status_code == 302
        assert (
            response["Location"]
            == reverse("cultivation:entry_detail", args=[entry.pk]) + f"#measure-{measure.pk}"
        )
        assert measure.entry == entry
        assert measure.recorded_by == world.users[who]
    else:
        assert response.status_code == 404
        assert not SupportMeasure.objects.exists()


@pytest.mark.parametrize("path", ["entry_detail", "measure_create"])
def test_anonymous_goes_to_login(client, world, path):
    url = reverse(f"cultivation:{path}", args=[world.entries["zs"].pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_anonymous_cannot_download_or_record(client, world):
    measure = _with_file(_measure(world, "zs"))

    assert client.get(reverse("cultivation:measure_attachment", args=[measure.pk])).status_code == 302
    response = client.post(
        reverse("cultivation:measure_create", args=[world.entries["zs"].pk]), measure_post()
    )
    assert response.status_code == 302
    assert SupportMeasure.objects.count() == 1


def test_missing_ids_answer_like_out_of_scope(client, world):
    login(client, world.users["gd"])
    assert client.get(reverse("cultivation:entry_detail", args=[999999])).status_code == 404
    assert client.get(reverse("cultivation:measure_attachment", args=[999999])).status_code == 404


@pytest.mark.parametrize(
    ("who", "expected"),
    [("gd", ["广州高新区", "中山火炬高新区"]), ("js", ["南京高新区"]), ("zs", ["中山火炬高新区"])],
)
def test_my_entries_lists_only_the_scope(client, world, who, expected):
    _measure(world, "zs")
    _measure(world, "zs", date=datetime.date(2025, 6, 1))
    _measure(world, "nj")
    login(client, world.users[who])

    response = client.get(reverse("cultivation:entry_list"))

    assert response.status_code == 200
    rows = list(response.context["page"].object_list)
    assert [row.zone.display_name for row in rows] == expected
    counts = {row.zone.display_name: row.measure_count for row in rows}
    assert counts.get("中山火炬高新区", 2) == 2
    assert counts.get("南京高新区", 1) == 1


def test_staff_sees_every_entry_and_filters_by_province(client, world):
    login(client, world.users["staff"])

    every = client.get(reverse("cultivation:entry_list"))
    jiangsu = client.get(reverse("cultivation:entry_list"), {"province": "320000"})

    assert every.context["page"].paginator.count == 3
    assert [e.zone.key for e in jiangsu.context["page"].object_list] == ["320000-01"]


def test_a_user_without_a_role_is_refused_the_ledger(client, world):
    login(client, world.users["reviewer"])

    response = client.get(reverse("cultivation:entry_list"))

    assert response.status_code == 403
    assert "没有相应的角色" in response.content.decode()


def test_recording_through_the_page_is_audited(client, world):
    login(client, world.users["zs"])
    entry = world.entries["zs"]

    response = client.post(
        reverse("cultivation:measure_create", args=[entry.pk]),
        {**measure_post(), "attachment": upload()},
        follow=True,
    )

    measure = SupportMeasure.objects.get()
    assert measure.kind == MeasureKind.FINANCE
    assert measure.amount == Decimal("12.50")
    assert measure.date == datetime.date(2025, 4, 15)
    assert measure.issuer == "广东省科学技术厅"
    assert measure.attachment_name == "政策文件.pdf"
    assert measure.attachment_type == "application/pdf"
    assert measure.attachment_size == len(pdf_bytes())
    assert not measure.attachment.name.endswith(".pdf")  # a server-generated name
    event = AuditEvent.objects.get(action="supportmeasure.create")
    assert event.actor == world.users["zs"]
    assert event.object_id == str(measure.pk)
    assert event.after["amount"] == "12.50"
    assert event.after["kind"] == "finance"
    assert "已记录培育举措“人形机器人产业基金”。" in response.content.decode()


def test_the_download_is_an_attachment_with_the_uploaded_name(client, world):
    login(client, world.users["gd"])
    client.post(
        reverse("cultivation:measure_create", args=[world.entries["zs"].pk]),
        {**measure_post(), "attachment": upload()},
    )
    measure = SupportMeasure.objects.get()

    response = client.get(reverse("cultivation:measure_attachment", args=[measure.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E6%94%BF%E7%AD%96%E6%96%87%E4%BB%B6.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_a_measure_without_attachment_has_no_download(client, world):
    measure = _measure(world, "zs")
    login(client, world.users["gd"])
    assert client.get(reverse("cultivation:measure_attachment", args=[measure.pk])).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("说明.pdf", b"just some text, not a pdf", "只能上传 PDF"),
        ("文件.pdf", docx_bytes(), "文件扩展名“.pdf”与文件内容（DOCX）不符"),
        ("空.pdf", b"", "提交的是空文件"),
    ],
)
def test_attachments_are_checked_by_content(client, world, name, content, message):
    login(client, world.users["gd"])

    response = client.post(
        reverse("cultivation:measure_create", args=[world.entries["zs"].pk]),
        {**measure_post(), "attachment": SimpleUploadedFile(name, content)},
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SupportMeasure.objects.exists()


def test_a_docx_attachment_is_accepted(world):
    measure = services.measure_record(
        actor=world.users["gd"],
        entry=world.entries["zs"],
        kind="brand",
        title="人形机器人大会",
        date=datetime.date(2025, 8, 20),
        issuer="中山市人民政府",
        attachment=SimpleUploadedFile("方案.docx", docx_bytes()),
    )
    assert measure.attachment_type.endswith("wordprocessingml.document")


def test_an_attachment_over_20mb_is_refused(world):
    big = SimpleUploadedFile("大文件.pdf", b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024))
    with pytest.raises(ValidationError) as error:
        services.measure_record(
            actor=world.users["gd"],
            entry=world.entries["zs"],
            kind="finance",
            title="基金",
            date=datetime.date(2025, 1, 2),
            issuer="省财政厅",
            attachment=big,
        )
    assert "附件不能超过20MB" in error.value.message_dict["attachment"][0]
    assert not SupportMeasure.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": "-1"}, "amount", "0"),
        ({"title": ""}, "title", "该字段是必填项"),
        ({"kind": "lobbying"}, "kind", "选择一个有效的选项"),
        ({"date": "2999-01-01"}, "date", "实施日期不能晚于今天"),
        ({"date": "1999-12-31"}, "date", "实施日期不能早于2000年"),
        ({"amount": "1.234"}, "amount", "2"),
    ],
)
def test_the_form_refuses_bad_values(client, world, overrides, field, message):
    login(client, world.users["gd"])

    response = client.post(
        reverse("cultivation:measure_create", args=[world.entries["zs"].pk]), measure_post(**overrides)
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert not SupportMeasure.objects.exists()


def test_the_service_refuses_out_of_scope_and_exited_entries(world):
    with pytest.raises(PermissionDenied):
        services.measure_record(
            actor=world.users["js"],
            entry=world.entries["zs"],
            kind="finance",
            title="越权",
            date=datetime.date(2025, 1, 2),
            issuer="江苏省",
        )
    entry = world.entries["zs"]
    m.LibraryEntry.objects.filter(pk=entry.pk).update(
        status=m.LibraryStatus.EXITED, exit_reason="不再符合条件"
    )
    entry.refresh_from_db()
    with pytest.raises(ValidationError, match="已出库"):
        services.measure_record(
            actor=world.users["gd"],
            entry=entry,
            kind="finance",
            title="出库后",
            date=datetime.date(2025, 1, 2),
            issuer="广东省",
        )
    assert not SupportMeasure.objects.exists()


def test_the_page_does_not_offer_recording_on_an_exited_entry(client, world):
    entry = world.entries["zs"]
    m.LibraryEntry.objects.filter(pk=entry.pk).update(
        status=m.LibraryStatus.EXITED, exit_reason="不再符合条件"
    )
    login(client, world.users["gd"])

    page = client.get(reverse("cultivation:entry_detail", args=[entry.pk]))
    form = client.get(reverse("cultivation:measure_create", args=[entry.pk]), follow=True)

    assert reverse("cultivation:measure_create", args=[entry.pk]) not in page.content.decode()
    assert "该条目已出库，不再记录培育举措。" in form.content.decode()
    assert form.redirect_chain[-1][0] == reverse("cultivation:entry_detail", args=[entry.pk])


def test_the_database_refuses_a_negative_amount(world):
    measure = f.SupportMeasureFactory.build(entry=world.entries["zs"], amount=Decimal("-0.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        measure.save()


def test_removal_is_soft_with_a_reason_and_audited(client, world):
    measure = _with_file(_measure(world, "zs", title="错误录入的举措"))
    login(client, world.users["gd"])
    url = reverse("cultivation:measure_remove", args=[measure.pk])

    missing_reason = client.post(url, {"reason": "  "})
    response = client.post(url, {"reason": "重复录入"}, follow=True)

    assert missing_reason.status_code == 200
    assert "reason" in missing_reason.context["form"].errors
    measure.refresh_from_db()
    assert measure.removed_at is not None
    assert measure.removed_by == world.users["gd"]
    assert measure.removal_reason == "重复录入"
    assert SupportMeasure.objects.filter(pk=measure.pk).exists()  # never deleted
    event = AuditEvent.objects.get(action="supportmeasure.remove")
    assert event.reason == "重复录入"
    body = response.content.decode()
    assert 'data-measure id="measure-' not in body  # no longer on the timeline
    assert "已移除的举措（1 项，记录保留备查）" in body
    assert "移除理由：重复录入" in body
    # The file stays readable for the record, in scope only; a second removal is a 404 (active measures only).
    assert client.get(reverse("cultivation:measure_attachment", args=[measure.pk])).status_code == 200
    assert client.post(url, {"reason": "再次"}).status_code == 404


def test_removal_by_another_province_is_404(client, world):
    measure = _measure(world, "zs")
    login(client, world.users["js"])

    response = client.post(reverse("cultivation:measure_remove", args=[measure.pk]), {"reason": "越权"})

    assert response.status_code == 404
    measure.refresh_from_db()
    assert measure.removed_at is None


def test_the_service_refuses_a_second_removal(world):
    measure = _measure(world, "zs")
    services.measure_remove(actor=world.users["staff"], measure=measure, reason="录错")
    with pytest.raises(ValidationError, match="已被移除"):
        services.measure_remove(actor=world.users["staff"], measure=measure, reason="再次")
