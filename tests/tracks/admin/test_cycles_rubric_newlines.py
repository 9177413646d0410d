"""Saving a cycle's page untouched changes nothing: a browser posts a textarea's line breaks as CRLF, the
rubrics are stored with LF, and that is no edit — no rewrite, no audited "change" of each criterion, and no warning
about criterion edits nobody made once the criteria are frozen."""

import datetime
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests import factories
from tracks import models as m
from tracks.forms import MultilineTextField
from tracks.services.cycles import cycle_advance

pytestmark = pytest.mark.django_db

RUBRIC = "优：战略地位突出\n良：符合方向\n一般：关联较弱"


class _Form(HTMLParser):
    """The fields of the page's form with ``form_id`` as a browser submits them (textareas with CRLF)."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.data = form_id, False, []
        self._select = self._textarea = None
        self._selected = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.append((name, a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._selected = name, None
        elif tag == "option" and self._select is not None:
            if "selected" in a or self._selected is None:
                self._selected = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        if tag == "select" and self._select is not None:
            self.data.append((self._select, self._selected or ""))
            self._select = None
        if tag == "textarea" and self._textarea is not None:
            text = self._text[1:] if self._text.startswith("\n") else self._text
            self.data.append((self._textarea, text.replace("\r\n", "\n").replace("\n", "\r\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data


def posted_form(page: str, form_id: str) -> dict:
    parser = _Form(form_id)
    parser.feed(page)
    data: dict = {}
    for name, value in parser.data:
        data.setdefault(name, value)
    return data


@pytest.fixture
def staff(client):
    user = factories.staff(username="ops")
    client.force_login(user)
    return user


def make_cycle(status=m.CycleStatus.NOMINATION):
    now = timezone.now().replace(second=0, microsecond=0)  # the admin's time inputs show minutes
    cycle = factories.CycleFactory(
        year=2033,
        status=status,
        nomination_opens_at=now - datetime.timedelta(days=30),
        nomination_closes_at=now - datetime.timedelta(days=1),
        review_closes_at=now + datetime.timedelta(days=30),
    )
    factories.criteria_for(cycle)
    m.Criterion.objects.filter(cycle=cycle).update(rubric=RUBRIC)
    return cycle


def save_untouched(client, cycle):
    url = reverse("admin:tracks_cycle_change", args=[cycle.pk])
    data = posted_form(client.get(url).content.decode(), "cycle_form")
    assert data["criteria-0-rubric"] == RUBRIC.replace("\n", "\r\n")  # as the browser posts it
    data["_save"] = "保存"
    return client.post(url, data)


def test_saving_the_page_untouched_changes_no_rubric_and_audits_nothing(client, staff):
    cycle = make_cycle()

    response = save_untouched(client, cycle)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert set(m.Criterion.objects.filter(cycle=cycle).values_list("rubric", flat=True)) == {RUBRIC}
    assert not AuditEvent.objects.filter(action__startswith="criterion.").exists()
    assert not AuditEvent.objects.filter(action="cycle.update").exists()


def test_saving_twice_stays_untouched(client, staff):
    cycle = make_cycle()
    save_untouched(client, cycle)
    save_untouched(client, cycle)
    assert not AuditEvent.objects.filter(action__startswith="criterion.").exists()


def test_a_real_rubric_edit_is_saved_with_lf_and_audited_once(client, staff):
    cycle = make_cycle()
    url = reverse("admin:tracks_cycle_change", args=[cycle.pk])
    data = posted_form(client.get(url).content.decode(), "cycle_form")
    data["criteria-0-rubric"] = "优：战略地位突出\r\n良：符合国家方向"
    data["_save"] = "保存"

    assert client.post(url, data).status_code == 302

    edited = m.Criterion.objects.get(pk=data["criteria-0-id"])
    assert edited.rubric == "优：战略地位突出\n良：符合国家方向"
    assert AuditEvent.objects.filter(action="criterion.update").count() == 1


def test_a_frozen_cycle_saved_untouched_warns_about_nothing(client, staff):
    cycle = make_cycle()
    cycle_advance(cycle=cycle, actor=staff, to_status=m.CycleStatus.FORMAL_REVIEW)
    cycle_advance(cycle=cycle, actor=staff, to_status=m.CycleStatus.REVIEW)
    url = reverse("admin:tracks_cycle_change", args=[cycle.pk])
    data = posted_form(client.get(url).content.decode(), "cycle_form")
    data["_save"] = "保存"

    response = client.post(url, data)

    assert response.status_code == 302
    assert [message.level_tag for message in get_messages(response.wsgi_request)] == ["success"]


def test_the_field_compares_line_breaks_as_stored():
    field = MultilineTextField(required=False)
    assert field.clean("a\r\nb\rc") == "a\nb\nc"
    assert not field.has_changed("a\nb", "a\r\nb")
    assert not field.has_changed("a\r\nb", "a\nb\n")
    assert field.has_changed("a\nb", "a\r\nc")
