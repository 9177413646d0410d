"""Upload bombs and hostile archives, refused quickly with a message in Chinese, and nothing changes.

* The Excel import (/portal/excel/import/): a small file whose shared-strings table holds millions of strings
  (once 24 s and 384 MB in one worker), a table of many distinct strings, a sheet that claims a million rows, too
  large an upload, too many members, a document type declaration. All-or-nothing: no draft is created.
* Attachments (.docx/.xlsx): a member path with ``..`` or an absolute path, an executable (by name or by content),
  a decompression bomb. No attachment is stored.

The files are built in memory with zipfile; every refusal must come back within a couple of seconds (before the
checks, the same files took 2–30 s of parsing, or ran into the worker's timeout).
"""

import io
import re
import struct
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from tests.tracks.portal_support import (
    docx_bytes,
    login,
    nomination,
    portal_world,
)
from tests.tracks.test_imports import filled, row_values, template
from tracks import models as m

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUICK = 2.0  # seconds: generous for a shared CI machine; the checks themselves take well under one
SST_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


@pytest.fixture
def world(db):
    """The provincial portal's world (tests/tracks/portal_support.py), not the access matrix's of
    tests/security/conftest.py."""
    return portal_world()


def rezip(data: bytes, *, replace=None, add=None) -> bytes:
    """The archive with some members replaced and others added (deflated at the highest level)."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            change = replace.get(info.filename)
            content = change(content) if callable(change) else change or content
            target.writestr(info.filename, content, zipfile.ZIP_DEFLATED, 9)
        for name, content in add.items():
            target.writestr(name, content, zipfile.ZIP_DEFLATED, 9)
    return out.getvalue()


def with_shared_strings(data: bytes, strings) -> bytes:
    """A workbook whose shared-strings table (declared, so openpyxl loads it whole) holds ``strings``."""
    table = b"<sst xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'>" + strings + b"</sst>"
    return rezip(
        data,
        replace={
            "[Content_Types].xml": lambda c: c.replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="' + SST_TYPE + b'"/></Types>',
            ),
            "xl/_rels/workbook.xml.rels": lambda c: c.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdSST" Type="'
                + SST_REL
                + b'" Target="sharedStrings.xml"/></Relationships>',
            ),
        },
        add={"xl/sharedStrings.xml": table},
    )


@pytest.fixture
def good_file(client, world):
    """A filled template of one good row, as bytes; the client is signed in as 广东's official."""
    login(client, world.gd)
    return filled(template(client), [row_values(world)]).read()


def post_import(client, data: bytes):
    started = time.perf_counter()
    response = client.post(
        reverse("portal:excel_import"), {"file": SimpleUploadedFile("推荐.xlsx", data, content_type=XLSX)}
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    return [error.message for error in response.context["result"].errors], elapsed


def many(count: int, distinct: bool) -> bytes:
    if distinct:
        return b"".join(b"<si><t>%d</t></si>" % i for i in range(count))
    return b"<si><t>a</t></si>" * count


@pytest.mark.parametrize(
    "bomb, message",
    [
        # 2,000,000 identical strings: 0.1 MB to upload, 34 MB of XML, ratio ~400∶1.
        (
            lambda data: with_shared_strings(data, many(2_000_000, False)),
            "文件压缩比异常（超过200∶1），疑似压缩炸弹，已拒绝处理。",
        ),
        # 200,000 distinct strings: a ratio like any document's, but 400,000 elements for openpyxl to hold.
        (
            lambda data: with_shared_strings(data, many(200_000, True)),
            "文件内容过多（超过300000个 XML 元素），已拒绝处理；请删除多余内容或分批导入。",
        ),
        (lambda data: data + b"\0" * (10 * 1024 * 1024), "推荐清单文件不能超过10MB（当前 10.0 MB）。"),
        (
            lambda data: rezip(data, add={f"xl/media/image{i}.png": b"\x89PNG" for i in range(100)}),
            "文件内含111个压缩成员，超过上限100个，已拒绝处理。",
        ),
        (
            lambda data: rezip(data, add={"../../../etc/cron.d/evil": b"* * * * * root sh"}),
            "文件内含不安全的路径“../../../etc/cron.d/evil”，已拒绝。",
        ),
        (
            lambda data: rezip(
                data,
                replace={
                    "docProps/app.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                    b"<Properties>&e;</Properties>"
                },
            ),
            "文件包含不允许的 XML 文档类型声明（DTD），已拒绝处理。",
        ),
    ],
    ids=["shared-strings bomb", "distinct strings", "too large", "too many members", "path", "DTD"],
)
def test_an_import_bomb_is_refused_quickly_and_nothing_changes(client, world, good_file, bomb, message):
    data = bomb(good_file)
    events = AuditEvent.objects.count()

    errors, elapsed = post_import(client, data)

    assert errors == [message]
    assert elapsed < QUICK, f"{elapsed:.1f} s"
    assert not m.Nomination.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_sheet_that_claims_a_million_rows_stops_at_the_row_limit(client, world, good_file):
    """openpyxl pads a read-only sheet to the rows its <dimension> claims (and to its last row): read on, the
    importer would walk a million empty rows."""

    def far_row(sheet: bytes) -> bytes:
        sheet = re.sub(rb"<dimension ref=\"[A-Z0-9:]+\" ?/>", b'<dimension ref="A1:XFD1048576"/>', sheet)
        assert b"XFD1048576" in sheet
        return sheet.replace(
            b"</sheetData>",
            b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        )

    errors, elapsed = post_import(client, rezip(good_file, replace={"xl/worksheets/sheet1.xml": far_row}))

    assert errors == ["文件超过10000行（含空行），已停止读取；请删除多余的空行或分批导入。"]
    assert elapsed < QUICK, f"{elapsed:.1f} s"
    assert not m.Nomination.objects.exists()


def test_a_good_file_still_imports(client, world, good_file):
    response = client.post(
        reverse("portal:excel_import"),
        {"file": SimpleUploadedFile("推荐.xlsx", good_file, content_type=XLSX)},
    )
    assert response.status_code == 302
    assert m.Nomination.objects.count() == 1


# -- attachments ------------------------------------------------------------------------------------------------


DECLARED_300_MB = object()  # a member whose directory entry declares 300 MB (what a bomb's directory says)


def office_file(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name, content in members.items():
            archive.writestr(name, b"x" if content is DECLARED_300_MB else content, zipfile.ZIP_DEFLATED, 9)
    data = bytearray(buffer.getvalue())
    for name, content in members.items():
        if content is DECLARED_300_MB:
            entry = data.index(b"PK\x01\x02")  # central directory entries: name length at +28, name at +46
            while (
                data[entry + 46 : entry + 46 + struct.unpack_from("<H", data, entry + 28)[0]] != name.encode()
            ):
                entry = data.index(b"PK\x01\x02", entry + 4)
            struct.pack_into("<I", data, entry + 24, 300 * 1024 * 1024)  # its uncompressed size
    return bytes(data)


@pytest.mark.parametrize(
    "name, members, message",
    [
        (
            "申报材料.docx",
            {"word/document.xml": "<w:document/>", "../../evil.sh": "#!/bin/sh"},
            "文件内含不安全的路径“../../evil.sh”，已拒绝。",
        ),
        (
            "申报材料.docx",
            {"word/document.xml": "<w:document/>", "/etc/profile.d/evil.sh": "#!/bin/sh"},
            "文件内含不安全的路径“/etc/profile.d/evil.sh”，已拒绝。",
        ),
        (
            "申报材料.docx",
            {"word/document.xml": "<w:document/>", "word/embeddings/setup.exe": b"MZ\x90\x00"},
            "文件内含可执行程序或宏“word/embeddings/setup.exe”，已拒绝。",
        ),
        (
            "数据.xlsx",
            {"xl/workbook.xml": "<workbook/>", "xl/media/image1.png": b"MZ\x90\x00" + b"\x00" * 200},
            "文件内含可执行程序或宏“xl/media/image1.png”，已拒绝。",
        ),
        (
            "数据.xlsx",
            {"xl/workbook.xml": "<workbook/>", "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"},
            "文件内含可执行程序或宏“xl/vbaProject.bin”，已拒绝。",
        ),
        (
            "申报材料.docx",
            {"word/document.xml": "<w:document/>", "word/media/big.bin": DECLARED_300_MB},
            "文件解压后超过256MB，已拒绝处理。",
        ),
        (
            "申报材料.docx",
            {"word/document.xml": b"<w:document>" + b" " * (5 * 1024 * 1024) + b"</w:document>"},
            "文件压缩比异常（超过200∶1），疑似压缩炸弹，已拒绝处理。",
        ),
    ],
    ids=["dot-dot", "absolute", "exe by name", "exe by content", "macros", "too large unpacked", "ratio"],
)
def test_a_hostile_office_attachment_is_refused_quickly(client, world, name, members, message):
    draft = nomination(world)
    login(client, world.zs)
    content = office_file(members)
    started = time.perf_counter()
    response = client.post(
        reverse("portal:attachment_upload", args=[draft.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")},
        follow=True,
    )
    elapsed = time.perf_counter() - started
    assert [str(msg) for msg in response.context["messages"]] == [f"“{name}”未能上传：{message}"]
    assert elapsed < QUICK, f"{elapsed:.1f} s"
    assert not m.NominationAttachment.objects.exists()


def test_a_plain_office_attachment_is_still_accepted(client, world):
    draft = nomination(world)
    login(client, world.zs)
    response = client.post(
        reverse("portal:attachment_upload", args=[draft.pk]),
        {"file": SimpleUploadedFile("申报材料.docx", docx_bytes(), content_type="application/octet-stream")},
    )
    assert response.status_code == 302
    assert m.NominationAttachment.objects.count() == 1
