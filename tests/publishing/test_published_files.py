"""Published lists are files: compiled after publication and after every change of a version's public
state, written atomically with manifests, served without the database, rebuilt when missing, verified."""

import datetime
import hashlib
import io
import json
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audit.models import AppendOnlyError
from publishing import compiler, files, paths
from publishing.models import ArtefactManifest
from tests import factories as f
from tests import rounds
from tracks.models import ListStatus, ParkList
from tracks.services.lists import list_correct, list_notice_cancel, list_notice_change, list_publish
from zones.models import Zone

pytestmark = pytest.mark.django_db

KEYS = ["440000-03", "320000-01", "110000-01", "420000-01"]


def root() -> Path:
    return paths.root()


def published(django_capture_on_commit_callbacks, keys=KEYS, **kwargs):
    """A list published through the services, its after-commit compile run as in production."""
    park_list, actor = rounds.list_on_notice(keys, **kwargs)
    with django_capture_on_commit_callbacks(execute=True):
        park_list = list_publish(actor=actor, park_list=park_list)
    return park_list, actor


def latest_manifest(park_list) -> ArtefactManifest:
    return ArtefactManifest.objects.filter(park_list=park_list).order_by("-pk").first()


def page_file(park_list, language="zh-hans") -> str:
    return (root() / paths.page_path(park_list.pk, language)).read_text("utf-8")


# ---------------------------------------------------------------------------------------------------------------
# Compiled at publication


def test_publication_compiles_every_file_with_a_manifest(django_capture_on_commit_callbacks):
    park_list, _actor = published(django_capture_on_commit_callbacks)

    manifest = latest_manifest(park_list)
    assert manifest is not None and manifest.reason == "change"
    assert [item["path"] for item in manifest.files] == paths.version_paths(park_list.pk)
    assert len(manifest.files) == 10  # page + 3 downloads in 2 languages, the API detail, the canonical JSON
    for item in manifest.files:
        data = (root() / item["path"]).read_bytes()
        assert item["size"] == len(data) and item["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest.state["status"] == ListStatus.PUBLISHED and manifest.issuer
    # The canonical JSON is the stored text, byte for byte: it hashes to the list's SHA-256.
    canonical = (root() / paths.canonical_path(park_list.pk)).read_bytes()
    assert canonical == park_list.canonical_json.encode("utf-8")
    assert hashlib.sha256(canonical).hexdigest() == park_list.sha256
    # The static index lists it, in both languages.
    for language in ("zh-hans", "en"):
        index = (root() / paths.index_path(language)).read_text("utf-8")
        assert f'href="{"/en" if language == "en" else ""}/lists/{park_list.pk}/"' in index
    # The files carry the list's own time, as Last-Modified says.
    page = root() / paths.page_path(park_list.pk, "zh-hans")
    assert int(page.stat().st_mtime) == int(park_list.published_at.timestamp())
    # Nothing half-written is left behind.
    assert not list(root().rglob("*.tmp"))


def test_compiling_again_writes_nothing_and_the_bytes_repeat(django_capture_on_commit_callbacks):
    park_list, _actor = published(django_capture_on_commit_callbacks)
    before = {path: (root() / path).read_bytes() for path in paths.version_paths(park_list.pk)}
    manifests = ArtefactManifest.objects.count()

    summary = compiler.compile_lists([park_list.pk], reason="command")

    assert summary.versions == 1 and summary.written == 0 and summary.unchanged == 10
    assert ArtefactManifest.objects.count() == manifests
    assert {path: (root() / path).read_bytes() for path in before} == before  # the XLSX included


def test_the_api_file_is_the_api_views_answer_and_the_page_the_pages(
    client, django_capture_on_commit_callbacks
):
    park_list, _actor = published(django_capture_on_commit_callbacks)
    api_file = (root() / paths.api_path(park_list.pk)).read_bytes()
    files.remove(root(), paths.api_path(park_list.pk))
    files.remove(root(), paths.page_path(park_list.pk, "en"))
    cache.clear()

    # The views compile a missing file and answer from it: the same bytes as compiled at publication.
    assert client.get(f"/api/v1/lists/{park_list.pk}/").content == api_file
    assert (
        json.loads(api_file)["status"] == "published" and json.loads(api_file)["sha256"] == park_list.sha256
    )
    assert "/en/lists/" in client.get(f"/en/lists/{park_list.pk}/").content.decode()


def test_lists_on_notice_and_drafts_are_never_compiled(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice, _actor = rounds.list_on_notice(KEYS[:2], days_ago=1)
    assert client.get(f"/lists/{notice.pk}/").status_code == 200  # rendered by the view
    assert not (root() / "lists" / str(notice.pk)).exists()
    assert not ArtefactManifest.objects.filter(park_list=notice).exists()
    assert client.get(f"/lists/{notice.pk}/canonical.json").status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# A correction: on notice, withdrawn, published


def test_a_correction_on_notice_withdrawn_and_published_rewrites_the_old_versions_page(
    client, django_capture_on_commit_callbacks
):
    old, actor = published(django_capture_on_commit_callbacks, top_n=3)
    assert "本版本的更正正在公示" not in page_file(old)
    first_manifests = ArtefactManifest.objects.filter(park_list=old).count()

    # A correction that brings in another zone goes on notice: the old version's page says so at once.
    with django_capture_on_commit_callbacks(execute=True):
        correction = list_correct(
            actor=actor,
            park_list=old,
            note="异议成立，取消第1名入榜资格。",
            exclude_nominations=[old.entries.get(rank=1).nomination_id],
        )
    assert correction.status == ListStatus.NOTICE
    html = page_file(old)
    assert (
        "本版本的更正正在公示" in html and f'<a href="/lists/{correction.pk}/">查看公示中的第2版</a>' in html
    )
    assert f'href="/en/lists/{correction.pk}/"' in page_file(old, "en")
    assert json.loads((root() / paths.api_path(old.pk)).read_bytes())["correction_on_notice"] == correction.pk
    assert not (root() / paths.page_path(correction.pk, "zh-hans")).exists()  # on notice: dynamic
    assert latest_manifest(old).state["correction_on_notice"][0] == correction.pk
    assert ArtefactManifest.objects.filter(park_list=old).count() == first_manifests + 1

    # Its notice is extended: the banner's end date changes.
    later = correction.notice_ends_at + datetime.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        list_notice_change(actor=actor, park_list=correction, ends_at=later, reason="延长公示")
    assert latest_manifest(old).state["correction_on_notice"][1] == later.isoformat()

    # Withdrawn: the banner goes.
    with django_capture_on_commit_callbacks(execute=True):
        list_notice_cancel(actor=actor, park_list=correction, reason="撤销更正")
    assert "本版本的更正正在公示" not in page_file(old)
    assert json.loads((root() / paths.api_path(old.pk)).read_bytes())["correction_on_notice"] is None

    # Corrected again and published: the old version is superseded, the new one compiled.
    with django_capture_on_commit_callbacks(execute=True):
        again = list_correct(
            actor=actor,
            park_list=old,
            note="异议成立，取消第1名入榜资格。",
            exclude_nominations=[old.entries.get(rank=1).nomination_id],
        )
    with django_capture_on_commit_callbacks(execute=True):
        again = list_publish(
            actor=actor, park_list=again, now=again.notice_ends_at + datetime.timedelta(minutes=1)
        )
    old.refresh_from_db()
    html = page_file(old)
    assert "本版本已被更正" in html and f'<a href="/lists/{again.pk}/">查看现行的第3版</a>' in html
    assert latest_manifest(old).state["status"] == ListStatus.SUPERSEDED
    assert "更正说明（更正第1版）" in page_file(again)
    index = (root() / paths.index_path("zh-hans")).read_text("utf-8")
    assert f"/lists/{old.pk}/" in index and f"/lists/{again.pk}/" in index
    # The file path answers what the files say.
    response = client.get(f"/lists/{old.pk}/")
    assert response.status_code == 200 and "本版本已被更正" in response.content.decode()


def test_a_removal_only_correction_is_published_at_once_and_compiled(
    client, django_capture_on_commit_callbacks
):
    old, actor = published(django_capture_on_commit_callbacks, keys=KEYS[:3], top_n=3)
    with django_capture_on_commit_callbacks(execute=True):
        new = list_correct(
            actor=actor,
            park_list=old,
            note="取消一个入榜资格，不补入。",
            exclude_nominations=[old.entries.get(rank=3).nomination_id],
        )
    assert new.status == ListStatus.PUBLISHED  # nothing added or rescored: published at once (list_correct)
    assert "本版本已被更正" in page_file(old)
    assert latest_manifest(new).state["status"] == ListStatus.PUBLISHED
    assert (root() / paths.canonical_path(new.pk)).read_bytes() == new.canonical_json.encode("utf-8")


def test_inside_the_transaction_the_files_go_at_once(client, django_capture_on_commit_callbacks):
    """Until the commit's compile, nothing stale is served: the family's files are removed with the change, and
    a reader in between gets the app, which compiles what the database says."""
    old, actor = published(django_capture_on_commit_callbacks, top_n=3)
    list_correct(  # no commit here (the test's transaction): only the removal at once happened
        actor=actor, park_list=old, note="更正", exclude_nominations=[old.entries.get(rank=1).nomination_id]
    )
    assert not (root() / paths.page_path(old.pk, "zh-hans")).exists()
    assert (root() / paths.canonical_path(old.pk)).exists()  # never changes, never removed
    assert "本版本的更正正在公示" in client.get(f"/lists/{old.pk}/").content.decode()


# ---------------------------------------------------------------------------------------------------------------
# Served as files


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/lists/{pk}/", "text/html; charset=utf-8"),
        ("/en/lists/{pk}/", "text/html; charset=utf-8"),
        ("/lists/{pk}/download.csv", "text/csv; charset=utf-8"),
        ("/en/lists/{pk}/download.xlsx", paths.DOWNLOAD_TYPES["xlsx"]),
        ("/lists/{pk}/download.json", "application/json; charset=utf-8"),
        ("/api/v1/lists/{pk}/", "application/json"),
        ("/lists/{pk}/canonical.json", "application/json"),
        ("/lists/published/", "text/html; charset=utf-8"),
    ],
)
def test_files_are_served_without_the_database(client, django_capture_on_commit_callbacks, url, content_type):
    park_list, _actor = published(django_capture_on_commit_callbacks)
    url = url.format(pk=park_list.pk)
    cache.clear()

    with CaptureQueriesContext(connection) as queries:
        first = client.get(url)
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        head = client.head(url)
        with_query = client.get(url + "?utm_source=news")

    assert len(queries) == 0, [q["sql"] for q in queries.captured_queries]
    assert first.status_code == 200 and first["Content-Type"] == content_type
    etag = first["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")  # strong
    assert etag == '"' + hashlib.sha256(first.content).hexdigest()[:32] + '"'
    assert int(first["Content-Length"]) == len(first.content)
    assert again.status_code == 304 and again["ETag"] == etag and since.status_code == 304
    assert head.status_code == 200 and head.content == b"" and head["ETag"] == etag
    assert with_query.status_code == 200 and with_query.content == first.content
    if "canonical" in url:
        assert first["Cache-Control"] == "public, max-age=31536000, immutable"
    else:
        assert first["Cache-Control"] == "public, max-age=300"
    assert "Set-Cookie" not in str(first.cookies.output())
    assert "Content-Security-Policy" in first  # the site's security headers on the file path too


def test_a_download_is_an_attachment_named_by_the_page(client, django_capture_on_commit_callbacks):
    park_list, _actor = published(django_capture_on_commit_callbacks)
    response = client.get(f"/lists/{park_list.pk}/download.csv")
    assert response["Content-Disposition"] == "attachment"
    page = client.get(f"/lists/{park_list.pk}/").content.decode()
    assert f'download="{park_list.title}（第1版）.csv"' in page
    assert f'href="/lists/{park_list.pk}/canonical.json"' in page


def test_the_api_detail_with_a_filter_or_a_format_is_the_apis(client, django_capture_on_commit_callbacks):
    park_list, _actor = published(django_capture_on_commit_callbacks)
    year = park_list.cycle.year
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/api/v1/lists/{park_list.pk}/?cycle={year + 1}").status_code == 404
    assert len(queries) > 0  # the API view decided, not the file
    assert client.get(f"/api/v1/lists/{park_list.pk}/?cycle={year}").status_code == 200
    as_json = client.get(f"/api/v1/lists/{park_list.pk}/?format=json")
    assert as_json.content == (root() / paths.api_path(park_list.pk)).read_bytes()


def test_a_missing_file_is_compiled_by_the_next_reader(client, django_capture_on_commit_callbacks):
    park_list, _actor = published(django_capture_on_commit_callbacks)
    for relative in paths.version_paths(park_list.pk) + paths.index_paths():
        files.remove(root(), relative)
    cache.clear()

    assert client.get(f"/lists/{park_list.pk}/download.xlsx").status_code == 200
    assert all((root() / relative).exists() for relative in paths.version_paths(park_list.pk))
    assert client.get("/lists/published/").status_code == 200
    assert client.get(f"/lists/{park_list.pk}/canonical.json").content == park_list.canonical_json.encode()


def test_names_and_issuing_body_stay_as_at_publication(client, django_capture_on_commit_callbacks, settings):
    settings.SITE_SPONSOR = "工业和信息化部火炬高技术产业开发中心"
    park_list, _actor = published(django_capture_on_commit_callbacks)
    zone = Zone.objects.get(key=KEYS[0])
    published_name = zone.name

    Zone.objects.filter(pk=zone.pk).update(name="更名后的高新区", short_name="")
    settings.SITE_SPONSOR = "另一个主办单位"
    call_command("compile_lists", "--all", stdout=io.StringIO())  # a release: every file rendered again

    html = client.get(f"/lists/{park_list.pk}/").content.decode()
    assert published_name in html and "更名后的高新区" not in html.split("<footer")[0]
    assert '<dd><span lang="zh-hans">工业和信息化部火炬高技术产业开发中心</span></dd>' in html
    api = json.loads(client.get(f"/api/v1/lists/{park_list.pk}/").content)
    assert api["entries"][0]["zone"]["name"] == published_name
    assert published_name in client.get(f"/lists/{park_list.pk}/download.csv").content.decode("utf-8-sig")


# ---------------------------------------------------------------------------------------------------------------
# The database down


def _database_down():
    """Every database connection and query raises, as with PostgreSQL stopped."""

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused (database stopped by the test)")

    return mock.patch.multiple(BaseDatabaseWrapper, ensure_connection=refuse, _cursor=refuse)


def test_with_the_database_down_published_lists_answer_and_dynamic_pages_say_503(
    django_capture_on_commit_callbacks,
):
    park_list, _actor = published(django_capture_on_commit_callbacks)
    anonymous = Client(raise_request_exception=False)
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(f.official())
    file_urls = [
        f"/lists/{park_list.pk}/",
        f"/en/lists/{park_list.pk}/",
        f"/lists/{park_list.pk}/download.csv",
        f"/lists/{park_list.pk}/download.xlsx",
        f"/lists/{park_list.pk}/download.json",
        f"/en/lists/{park_list.pk}/download.csv",
        f"/api/v1/lists/{park_list.pk}/",
        f"/lists/{park_list.pk}/canonical.json",
        "/lists/published/",
        "/en/lists/published/",
    ]
    cache.clear()

    with _database_down():
        with pytest.raises(OperationalError):
            ParkList.objects.count()
        for client in (anonymous, signed_in):
            for url in file_urls:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
            for url in ("/", "/lists/", "/tracks/"):
                response = client.get(url)
                assert response.status_code == 503, url
                html = response.content.decode()
                assert "服务暂时不可用" in html and 'href="/lists/published/"' in html
                assert response["Retry-After"] == "60" and response["Cache-Control"] == "no-store"
            english = client.get("/en/lists/")
            assert english.status_code == 503 and 'href="/en/lists/published/"' in english.content.decode()
            api = client.get("/api/v1/zones/")
            assert api.status_code == 503 and api.json()["code"] == "unavailable"


# ---------------------------------------------------------------------------------------------------------------
# compile_lists and verify_list


def compile_command(*args) -> str:
    out = io.StringIO()
    call_command("compile_lists", *args, stdout=out)
    return out.getvalue()


def test_compile_lists_missing_all_and_ids(django_capture_on_commit_callbacks):
    park_list, _actor = published(django_capture_on_commit_callbacks)

    assert "写入 0 个文件" in compile_command("--missing")
    files.remove(root(), paths.download_path(park_list.pk, "en", "xlsx"))
    assert compiler.missing_versions() == [park_list.pk]
    assert "生成 1 个榜单版本，写入 1 个文件，9 个未变" in compile_command("--missing")
    assert compiler.missing_versions() == []

    # Files of an id that is no published version (a replaced database) are removed by --all.
    orphan = root() / "lists" / "999999"
    orphan.mkdir(parents=True)
    (orphan / "index.html").write_text("stale")
    output = compile_command("--all")
    assert "生成 1 个榜单版本" in output and not orphan.exists()
    assert "写入 0 个文件" in compile_command(str(park_list.pk))

    with pytest.raises(CommandError):
        compile_command()
    with pytest.raises(CommandError):
        compile_command("999999")


def test_compile_lists_missing_catches_a_change_whose_compile_did_not_run(django_capture_on_commit_callbacks):
    old, actor = published(django_capture_on_commit_callbacks, top_n=3)
    # A correction goes on notice without its after-commit compile (a crash), and files are put back as they were.
    before = {path: (root() / path).read_bytes() for path in paths.version_paths(old.pk)}
    list_correct(
        actor=actor, park_list=old, note="更正", exclude_nominations=[old.entries.get(rank=1).nomination_id]
    )
    for path, data in before.items():
        files.write_atomic(root(), path, data)

    assert compiler.missing_versions() == [old.pk]
    compile_command("--missing")
    assert "本版本的更正正在公示" in page_file(old)
    assert compiler.missing_versions() == []


def verify(*args) -> str:
    out = io.StringIO()
    call_command("verify_list", *args, stdout=out)
    return out.getvalue()


def test_verify_list_checks_the_files_against_the_manifest_and_the_hashes(django_capture_on_commit_callbacks):
    park_list, _actor = published(django_capture_on_commit_callbacks, keys=KEYS[:3])
    assert "✓ 发布文件与清单、校验值" in verify(str(park_list.pk))

    # Missing: a warning (the next reader compiles it), not a failure.
    files.remove(root(), paths.download_path(park_list.pk, "zh-hans", "csv"))
    output = verify(str(park_list.pk))
    assert "✓ 发布文件与清单、校验值" in output and "缺少文件 lists/" in output

    # Altered behind the compiler: a failure, for a rendering and for the canonical JSON.
    page = root() / paths.page_path(park_list.pk, "en")
    page.write_bytes(page.read_bytes() + b"<!-- changed -->")
    canonical = root() / paths.canonical_path(park_list.pk)
    canonical.write_bytes(canonical.read_bytes().replace(b'"rank":1', b'"rank":9'))
    with pytest.raises(CommandError):
        verify(str(park_list.pk))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_list", str(park_list.pk), stdout=out)
    output = out.getvalue()
    assert "✗ 发布文件与清单、校验值" in output
    assert f"文件 {paths.page_path(park_list.pk, 'en')} 与清单记录的大小或 SHA-256 不符" in output
    assert "canonical.json 的 SHA-256 与榜单的校验值不符" in output


# ---------------------------------------------------------------------------------------------------------------
# Manifests, writes, the deployment check


def test_manifests_are_append_only(django_capture_on_commit_callbacks):
    park_list, _actor = published(django_capture_on_commit_callbacks)
    manifest = latest_manifest(park_list)
    with pytest.raises(AppendOnlyError):
        manifest.save()
    with pytest.raises(AppendOnlyError):
        manifest.delete()
    with pytest.raises(AppendOnlyError):
        ArtefactManifest.objects.filter(pk=manifest.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        ArtefactManifest.objects.filter(pk=manifest.pk).delete()
    if connection.vendor == "postgresql":  # and the database itself, whatever the client
        for statement in (
            "UPDATE publishing_artefactmanifest SET reason = 'x'",
            "DELETE FROM publishing_artefactmanifest",
        ):
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement)


def test_writes_are_atomic_and_idempotent(tmp_path):
    assert files.write_atomic(tmp_path, "a/b/index.html", b"one", mtime=1_700_000_000)
    first = (tmp_path / "a/b/index.html").stat()
    assert not files.write_atomic(tmp_path, "a/b/index.html", b"one", mtime=1_700_000_000)
    assert (tmp_path / "a/b/index.html").stat().st_ino == first.st_ino  # left alone
    assert files.write_atomic(tmp_path, "a/b/index.html", b"two")
    assert (tmp_path / "a/b/index.html").read_bytes() == b"two"
    assert (tmp_path / "a/b/index.html").stat().st_ino != first.st_ino  # a new file renamed over the old one
    assert [p.name for p in (tmp_path / "a/b").iterdir()] == ["index.html"]


def test_check_deploy_refuses_published_files_inside_the_private_media_root(settings, tmp_path):
    from publishing.checks import published_root_check

    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"]}}
    settings.STORAGES["default"]["OPTIONS"] = {"location": str(tmp_path / "media")}
    settings.PUBLISHED_ROOT = tmp_path / "media" / "published"
    assert [error.id for error in published_root_check(None)] == ["publishing.E001"]
    settings.PUBLISHED_ROOT = tmp_path
    assert [error.id for error in published_root_check(None)] == ["publishing.E001"]
    settings.PUBLISHED_ROOT = tmp_path / "published"
    assert published_root_check(None) == []
