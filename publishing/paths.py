"""Where each published artefact lives: the directory under ``PUBLISHED_ROOT`` mirrors the URLs it answers, so
nginx can serve it with ``try_files`` and the app's file path needs nothing but the URL (no database, no cache).

    lists/<id>/index.html            /lists/<id>/                  the page (Chinese, unprefixed)
    en/lists/<id>/index.html         /en/lists/<id>/               the page in English
    lists/<id>/download.<fmt>        /lists/<id>/download.<fmt>    CSV, XLSX, JSON per language (en/ likewise)
    lists/<id>/canonical.json        /lists/<id>/canonical.json    the hashed text, byte for byte (also under /en/)
    api/v1/lists/<id>/index.json     /api/v1/lists/<id>/           the API detail (no language)
    lists/published/index.html       /lists/published/             the static index of published lists (en/ too)

Only the canonical JSON never changes (its URL is versioned by the list's id, one id per version): it is served
with a one-year ``immutable`` max-age. The others are renderings a later event may rewrite (a correction on notice,
its withdrawal, the version superseded), with ``PUBLIC_MAX_AGE``.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

PUBLIC_MAX_AGE = 300
IMMUTABLE_MAX_AGE = 365 * 24 * 60 * 60
DOWNLOAD_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}
HTML = "text/html; charset=utf-8"
JSON = "application/json"
ID = r"(?P<pk>[1-9][0-9]{0,18})"


def root() -> Path:
    return Path(settings.PUBLISHED_ROOT)


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _prefix(language: str) -> str:
    """The URL (and directory) prefix of a language: none for the default one (i18n_patterns, unprefixed)."""
    return "" if language == settings.LANGUAGE_CODE else f"{language}/"


def page_path(pk: int, language: str) -> str:
    return f"{_prefix(language)}lists/{pk}/index.html"


def download_path(pk: int, language: str, fmt: str) -> str:
    return f"{_prefix(language)}lists/{pk}/download.{fmt}"


def canonical_path(pk: int) -> str:
    return f"lists/{pk}/canonical.json"


def api_path(pk: int) -> str:
    return f"api/v1/lists/{pk}/index.json"


def index_path(language: str) -> str:
    return f"{_prefix(language)}lists/published/index.html"


def url_of(relative: str) -> str:
    """The URL a file answers (what the compiler renders the page for: its language switch and print line)."""
    if relative.endswith("index.html") or relative.endswith("index.json"):
        return "/" + relative.rsplit("/", 1)[0] + "/"
    return "/" + relative


def version_paths(pk: int) -> list[str]:
    """Every file of one version of a list, in a stable order (the manifest's)."""
    paths = []
    for language in languages():
        paths.append(page_path(pk, language))
        paths += [download_path(pk, language, fmt) for fmt in DOWNLOAD_TYPES]
    return [*paths, api_path(pk), canonical_path(pk)]


def index_paths() -> list[str]:
    return [index_path(language) for language in languages()]


@dataclass(frozen=True)
class Target:
    """What a request path answers from a file: the file, its type and headers."""

    relative: str
    content_type: str
    kind: str  # page | download | canonical | api | index
    language: str | None
    pk: int | None = None

    @property
    def immutable(self) -> bool:
        return self.kind == "canonical"

    @property
    def max_age(self) -> int:
        return IMMUTABLE_MAX_AGE if self.immutable else PUBLIC_MAX_AGE


_LANGUAGE = r"(?:(?P<language>[a-z]{2}(?:-[a-z]+)?)/)?"
_PATTERNS = [
    (re.compile(rf"^/{_LANGUAGE}lists/{ID}/$"), "page"),
    (re.compile(rf"^/{_LANGUAGE}lists/{ID}/download\.(?P<fmt>csv|xlsx|json)$"), "download"),
    (re.compile(rf"^/{_LANGUAGE}lists/{ID}/canonical\.json$"), "canonical"),
    (re.compile(rf"^/api/v1/lists/{ID}/$"), "api"),
    (re.compile(rf"^/{_LANGUAGE}lists/published/$"), "index"),
]


def target_for(path: str) -> Target | None:
    """The file a request path is answered from, or None (pure string work: no database, no file system)."""
    if "/lists/" not in path:
        return None
    for pattern, kind in _PATTERNS:
        match = pattern.match(path)
        if match is None:
            continue
        groups = match.groupdict()
        language = groups.get("language")
        if language is None:
            language = settings.LANGUAGE_CODE
        elif language == settings.LANGUAGE_CODE or language not in languages():
            return None  # the default language is unprefixed; an unknown prefix is no page of ours
        pk = int(groups["pk"]) if groups.get("pk") else None
        if pk is not None and pk > 2**63 - 1:
            return None
        if kind == "page":
            return Target(page_path(pk, language), HTML, kind, language, pk)
        if kind == "download":
            fmt = groups["fmt"]
            return Target(download_path(pk, language, fmt), DOWNLOAD_TYPES[fmt], kind, language, pk)
        if kind == "canonical":
            return Target(canonical_path(pk), JSON, kind, None, pk)
        if kind == "api":
            return Target(api_path(pk), JSON, kind, None, pk)
        return Target(index_path(language), HTML, kind, language)
    return None
