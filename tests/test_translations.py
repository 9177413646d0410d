"""English must be complete: no empty or fuzzy entry in the catalogue, no Chinese interface text on English pages,
and no full-width punctuation (：（）、，；「」《》…) beside translated text on the English pages of the demo registry."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import translation

from cultivation.models import TypicalCase
from tracks.demo import seed_demo
from tracks.models import Announcement, LibraryEntry, ListStatus, Nomination, ParkList, Track
from tracks.services.cycles import validate_criteria

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
CATALOGUES = sorted((Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES").glob("*.po"))


def po_entries(path: Path):
    """(flags, msgid, [msgstr…]) for each entry of a .po file; enough of the format for this check."""
    entries, flags, current, field = [], "", {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current:
                entries.append(
                    (
                        flags,
                        current.get("msgid", ""),
                        [v for k, v in current.items() if k.startswith("msgstr")],
                    )
                )
            flags, current, field = "", {}, None
        elif line.startswith("#,"):
            flags += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[field] += line[1:-1]
        else:
            field, _, value = line.partition(" ")
            current[field] = value.strip()[1:-1]
    return [entry for entry in entries if entry[1]]  # the header has an empty msgid


def test_there_is_an_english_catalogue():
    assert any(path.name == "django.po" for path in CATALOGUES)
    for path in CATALOGUES:
        assert path.with_suffix(".mo").exists(), f"{path.with_suffix('.mo')} is not compiled"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.name)
def test_no_english_entry_is_empty_or_fuzzy(path):
    entries = po_entries(path)
    assert entries
    fuzzy = [msgid for flags, msgid, _ in entries if "fuzzy" in flags]
    empty = [msgid for _, msgid, strings in entries if not all(strings)]
    assert not fuzzy, f"fuzzy entries: {fuzzy[:10]}"
    assert not empty, f"untranslated entries: {empty[:10]}"


class VisibleText(HTMLParser):
    """Collects text a reader sees, skipping scripts and elements marked as another language (the switch)."""

    def __init__(self):
        super().__init__()
        self.stack, self.chunks = [], []

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "img", "input", "meta", "link", "hr", "source"}:
            attrs = dict(attrs)
            for name in ("alt", "placeholder", "aria-label", "title", "value"):
                if attrs.get(name) and attrs.get("type") != "hidden":
                    self.chunks.append(attrs[name])
            return
        lang = dict(attrs).get("lang")
        hidden = tag in {"script", "style"} or (lang is not None and not lang.startswith("en"))
        self.stack.append(hidden)
        for name in ("aria-label", "title", "placeholder"):
            value = dict(attrs).get(name)
            if value and not hidden:
                self.chunks.append(value)

    def handle_endtag(self, tag):
        if self.stack and tag not in {"br", "img", "input", "meta", "link", "hr", "source"}:
            self.stack.pop()

    def handle_data(self, data):
        if not any(self.stack):
            self.chunks.append(data)


def chinese_on(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return [chunk.strip() for chunk in parser.chunks if CJK.search(chunk)]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/en/", "/en/accounts/login/", "/en/admin/login/"])
def test_english_pages_have_no_chinese_interface_text(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en"' in html
    assert chinese_on(html) == []


@pytest.mark.django_db
def test_chinese_is_the_default(client):
    html = client.get("/").content.decode()
    assert 'lang="zh-hans"' in html
    assert "新赛道培育库" in html


# -- English pages: no full-width punctuation beside translated text ----------------------------------------------

FULL_WIDTH = re.compile(r"[\u3000-\u303f\uff00-\uffef]")


def data_strings() -> list[str]:
    """Every stored text that itself holds full-width punctuation (names, titles, reasons, comments, audit values),
    longest first, with each of its lines: data stays Chinese on English pages, only the interface around it must
    not be. Choice fields store codes, so labels are not taken for data."""
    found = set()

    def take(value):
        if isinstance(value, str):
            if FULL_WIDTH.search(value):
                found.add(value)
                found.update(line.strip() for line in value.splitlines() if FULL_WIDTH.search(line))
        elif isinstance(value, dict):
            for item in value.values():
                take(item)
        elif isinstance(value, list | tuple):
            for item in value:
                take(item)

    for model in apps.get_models():
        names = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField) and not f.choices
        ]
        if names:
            for row in model._default_manager.values_list(*names):
                take(row)
    take([settings.SITE_SPONSOR, settings.SITE_CONTACT])
    return sorted(found, key=len, reverse=True)


def full_width_on(html: str, data: list[str]) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    found = []
    for chunk in parser.chunks:
        for value in data:
            if value in chunk:
                chunk = chunk.replace(value, " ")
        if FULL_WIDTH.search(chunk):
            found.append(chunk.strip())
    return found


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo registry (both cycles, lists, reviews, cultivation), seeded once for this module's English pages
    and rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        cache.clear()
        seed_demo()
        get_user_model().objects.create_superuser("translation_root", password=None)
        yield data_strings()
        transaction.set_rollback(True)
        cache.clear()


def _nomination(**filters):
    return Nomination.objects.filter(**filters).order_by("pk").first()


def _guangdong(status, year=2026):
    return _nomination(province__code="440000", cycle__year=year, status=status)


def _list(status=ListStatus.PUBLISHED):
    return ParkList.objects.get(status=status)


def _entry():
    return LibraryEntry.objects.filter(zone__province__code="440000").order_by("pk").first()


def en(name, *args, query=""):
    with translation.override("en"):
        return reverse(name, args=args) + query


GD, ZONE, STAFF = "official_440000", "zone_440000_02", "staff"

# name: (who reads it, where: a function of the demo registry giving the English URL)
PAGES = {
    "home": (None, lambda: en("home")),
    "lists": (None, lambda: en("public:list_index")),
    "published list": (None, lambda: en("public:list_detail", _list().pk)),
    "list on notice": (None, lambda: en("public:list_detail", _list(ListStatus.NOTICE).pk)),
    "objection form": (None, lambda: en("public:objection_form", _list(ListStatus.NOTICE).pk)),
    "library": (None, lambda: en("public:library")),
    "tracks": (None, lambda: en("public:track_index")),
    "track with aliases": (
        None,
        lambda: en("public:track_detail", Track.objects.filter(aliases__isnull=False).order_by("pk")[0].pk),
    ),
    "zone": (None, lambda: en("public:zone_detail", _list().entries.order_by("rank")[0].zone.key)),
    "provinces": (None, lambda: en("public:province_index")),
    "province": (None, lambda: en("public:province_detail", "440000")),
    "announcements": (None, lambda: en("public:announcement_list")),
    "announcement": (
        None,
        lambda: en("public:announcement_detail", Announcement.objects.order_by("pk")[0].pk),
    ),
    "search": (None, lambda: en("public:search", query="?q=%E6%9C%BA%E5%99%A8%E4%BA%BA")),
    "privacy": (None, lambda: en("public:privacy")),
    "login": (None, lambda: en("accounts:login")),
    "cases": (None, lambda: en("cultivation:case_list")),
    "case": (None, lambda: en("cultivation:case_detail", TypicalCase.objects.order_by("pk")[0].pk)),
    "cultivation entries": (GD, lambda: en("cultivation:entry_list")),
    "cultivation entry": (GD, lambda: en("cultivation:entry_detail", _entry().pk)),
    "programme report": (STAFF, lambda: en("cultivation:report", 2025)),
    "portal": (GD, lambda: en("portal:dashboard")),
    "notifications": (GD, lambda: en("portal:notifications")),
    "nominations": (GD, lambda: en("portal:nomination_list")),
    "draft": (GD, lambda: en("portal:nomination_detail", _guangdong("draft").pk)),
    "returned": (GD, lambda: en("portal:nomination_detail", _guangdong("returned").pk)),
    "reviewed": (
        GD,
        lambda: en(
            "portal:nomination_detail",
            _nomination(province__code="440000", cycle__year=2025, assignments__isnull=False).pk,
        ),
    ),
    "edit": (GD, lambda: en("portal:nomination_edit", _guangdong("draft").pk)),
    "recommend": (GD, lambda: en("portal:nomination_action", _guangdong("draft").pk, "submit")),
    "printed form": (GD, lambda: en("portal:nomination_print", _guangdong("submitted").pk)),
    "letter": (GD, lambda: en("portal:letter")),
    "portal library": (GD, lambda: en("portal:library_list")),
    "portal library entry": (GD, lambda: en("portal:library_detail", _entry().pk)),
    "monitoring": (GD, lambda: en("portal:monitoring_edit", _entry().pk, 2025)),
    "excel import": (GD, lambda: en("portal:excel_import")),
    "profile": (GD, lambda: en("portal:profile")),
    "results": (GD, lambda: en("public:my_results")),
    "password change": (GD, lambda: en("accounts:password_change")),
    "two-factor setup": (STAFF, lambda: en("accounts:two_factor_setup")),
    "zone portal": (ZONE, lambda: en("portal:dashboard")),
    "zone draft": (ZONE, lambda: en("portal:nomination_detail", _nomination(zone__key="440000-02").pk)),
    "admin": (STAFF, lambda: en("admin:index")),
    "review desk": (STAFF, lambda: en("admin:tracks_review_desk")),
    "review desk 2025": (STAFF, lambda: en("admin:tracks_review_desk", query="?cycle=2025")),
    "ranking": (STAFF, lambda: en("admin:tracks_review_ranking", 2025)),
    "reviewers of a nomination": (
        STAFF,
        lambda: en("admin:tracks_review_nomination", _nomination(cycle__year=2025, status="listed").pk),
    ),
    "formal review": (
        STAFF,
        lambda: en("admin:tracks_nomination_review", _nomination(status="submitted").pk, "accept"),
    ),
    "list build": (STAFF, lambda: en("admin:tracks_parklist_build")),
    "list correction": (STAFF, lambda: en("admin:tracks_parklist_correct", _list().pk)),
    "list verification": (STAFF, lambda: en("admin:tracks_parklist_verify", _list().pk)),
    "cycle from previous": (STAFF, lambda: en("admin:tracks_cycle_from_previous")),
    "reviewer's assignments": ("reviewer01", lambda: en("admin:tracks_assignment_changelist")),
}
# Every model of the admin: its list and its first object, as a superuser sees them.
for _model in sorted(admin.site._registry, key=lambda model: model._meta.label):
    _name = f"admin:{_model._meta.app_label}_{_model._meta.model_name}"
    PAGES[f"{_model._meta.label} list"] = ("translation_root", lambda name=_name: en(f"{name}_changelist"))
    PAGES[f"{_model._meta.label} item"] = (
        "translation_root",
        lambda name=_name, model=_model: (
            en(f"{name}_change", obj.pk) if (obj := model._default_manager.order_by("pk").first()) else None
        ),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(PAGES))
def test_english_pages_have_no_full_width_punctuation(demo, client, page):
    """Full-width punctuation (：（）、，。；「」《》…) on an English page is interface text left untranslated beside
    translated text ("Status：Draft"); stored data, which may hold such punctuation, is left out."""
    username, where = PAGES[page]
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    url = where()
    if url is None:
        pytest.skip("the demo registry has none")
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert 'lang="en"' in html
    assert full_width_on(html, demo) == []


def test_english_messages_join_with_english_punctuation():
    """Lists and labels that code joins into a message use translated separators."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as refusal:
            validate_criteria({"strategic": 100})
        assert str(ParkList(title="人形机器人", version=2)) == "人形机器人 (v2)"
    assert refusal.value.messages == [
        "The criteria must include Strategic, Leading, Growth and Driving; missing: Leading, Growth, Driving."
    ]
    with translation.override("zh-hans"):
        assert str(ParkList(title="人形机器人", version=2)) == "人形机器人（v2）"
