"""English must be complete: no empty or fuzzy entry in the catalogue, no Chinese interface text on English pages."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

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
