"""office.ooxml: what an uploaded Office Open XML file must pass before anything decompresses or parses it. The
malicious files are built in memory."""

import io
import struct
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError

from office.ooxml import ArchiveLimits, XmlLimits, check_archive, check_workbook_xml

MB = 1024 * 1024
LIMITS = ArchiveLimits(max_members=20, max_uncompressed=4 * MB, max_ratio=100, ratio_floor=256 * 1024)
XML = XmlLimits(max_elements=1000, max_row_cells=50)
CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def archive(members: dict, compression=zipfile.ZIP_DEFLATED) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, content in members.items():
            zf.writestr(zipfile.ZipInfo(name) if isinstance(name, str) else name, content, compression)
    buffer.seek(0)
    return buffer


def document(**extra) -> io.BytesIO:
    return archive({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w:document/>", **extra})


def refusal(check, file, limits) -> ValidationError:
    with pytest.raises(ValidationError) as raised:
        check(file, limits)
    assert file.tell() == 0  # left where the next reader starts
    return raised.value


def test_a_plain_document_passes_both_checks():
    file = document(**{"word/media/image1.png": b"\x89PNG" + bytes(range(256)) * 40})
    assert [m.filename for m in check_archive(file, LIMITS)][:2] == [
        "[Content_Types].xml",
        "word/document.xml",
    ]
    check_workbook_xml(file, XML)
    assert file.tell() == 0


@pytest.mark.parametrize(
    "name",
    [
        "../evil.xml",
        "word/../../evil.xml",
        "/etc/passwd",
        "C:/Windows/evil.dll.txt",
        "..\\..\\evil.txt",
        "a\x01b",
    ],
)
def test_a_member_path_that_leaves_the_archive_is_refused(name):
    error = refusal(check_archive, document(**{name: b"x"}), LIMITS)
    assert error.code == "unsafe_path"
    assert error.messages[0].startswith("文件内含不安全的路径“") and error.messages[0].endswith("”，已拒绝。")


@pytest.mark.parametrize(
    "name, content",
    [
        ("word/embeddings/setup.exe", b"anything"),
        ("word/run.BAT", b"@echo off"),
        ("word/vbaProject.bin", b"\xd0\xcf\x11\xe0"),
        ("word/media/image1.png", b"MZ\x90\x00" + b"\x00" * 60),  # a program under a picture's name
        ("word/embeddings/oleObject1.bin", b"\x7fELF\x02\x01"),
    ],
)
def test_an_executable_or_a_macro_is_refused(name, content):
    error = refusal(check_archive, document(**{name: content}), LIMITS)
    assert error.code == "executable"
    assert error.messages == [f"文件内含可执行程序或宏“{name}”，已拒绝。"]


def test_a_name_used_twice_is_refused():
    # Two members one extractor writes to the same file (a case-insensitive file system) and another reads apart.
    error = refusal(check_archive, document(**{"word/Document.xml": b"<w:document/>"}), LIMITS)
    assert error.code == "duplicate_member"
    assert error.messages == ["文件内有重名的压缩成员“word/Document.xml”，已拒绝。"]
    with pytest.warns(UserWarning, match="Duplicate name"):
        file = document(**{"word/media/1.png": b"\x89PNG"})
        with zipfile.ZipFile(file, "a") as zf:
            zf.writestr("word/media/1.png", b"\x89PNG again")
    assert refusal(check_archive, file, LIMITS).code == "duplicate_member"


def test_too_many_members_are_refused():
    error = refusal(check_archive, document(**{f"word/media/{i}.png": b"\x89PNG" for i in range(19)}), LIMITS)
    assert error.code == "too_many_members"
    assert error.messages == ["文件内含21个压缩成员，超过上限20个，已拒绝处理。"]


def test_too_much_once_decompressed_is_refused():
    pictures = {f"word/media/{i}.png": bytes(range(256)) * 4096 for i in range(5)}  # 5 × 1 MB, ratio ~1
    error = refusal(check_archive, document(**pictures), LIMITS)
    assert error.code == "too_large_uncompressed"
    assert error.messages == ["文件解压后超过4MB，已拒绝处理。"]


def test_a_compression_ratio_no_document_has_is_refused_at_once():
    bomb = document(**{"word/document.xml": b"<w:document>" + b" " * (3 * MB) + b"</w:document>"})
    assert len(bomb.getvalue()) < 10_000
    started = time.perf_counter()
    error = refusal(check_archive, bomb, LIMITS)
    assert time.perf_counter() - started < 0.5
    assert error.code == "compression_ratio"
    assert error.messages == ["文件压缩比异常（超过100∶1），疑似压缩炸弹，已拒绝处理。"]


def test_small_members_are_not_judged_by_their_ratio():
    check_archive(document(**{"word/styles.xml": b"<w:styles>" + b" " * 200_000 + b"</w:styles>"}), LIMITS)


def test_not_an_archive_is_unreadable():
    error = refusal(check_archive, io.BytesIO(b"PK\x03\x04 but no archive"), LIMITS)
    assert error.code == "unreadable"
    assert error.messages == ["无法读取该文件：它不是完整、有效的 Office 文档。"]


def test_a_directory_that_understates_a_size_is_caught_when_read():
    """Python's zipfile inflates a member only up to the size the directory declares: the check reads the XML,
    so the lie ends in a CRC error instead of a bigger read than the limits allowed."""
    data = bytearray(
        document(**{"xl/sharedStrings.xml": b"<sst>" + b"<si><t>a</t></si>" * 200_000 + b"</sst>"}).getvalue()
    )
    entry = data.index(b"PK\x01\x02")  # the central directory's entries: name length at +28, name at +46
    while (
        data[entry + 46 : entry + 46 + struct.unpack_from("<H", data, entry + 28)[0]]
        != b"xl/sharedStrings.xml"
    ):
        entry = data.index(b"PK\x01\x02", entry + 4)
    struct.pack_into("<I", data, entry + 24, 1000)  # its uncompressed size: 1,000 bytes
    file = io.BytesIO(bytes(data))
    check_archive(file, LIMITS)  # the directory alone looks fine
    error = refusal(check_workbook_xml, file, XML)
    assert error.code == "unreadable"


# -- the XML parts ------------------------------------------------------------------------------------------------


def workbook(shared_strings: bytes = b"", sheet: bytes = b"") -> io.BytesIO:
    return archive(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "xl/workbook.xml": b"<workbook><sheets/></workbook>",
            "xl/sharedStrings.xml": b"<sst>" + shared_strings + b"</sst>",
            "xl/worksheets/sheet1.xml": b"<worksheet><sheetData>" + sheet + b"</sheetData></worksheet>",
        }
    )


def test_a_table_of_many_tiny_strings_is_refused_quickly():
    file = workbook(shared_strings=b"<si><t>a</t></si>" * 100_000)  # 1.7 MB of XML, 200,000 elements
    started = time.perf_counter()
    error = refusal(check_workbook_xml, file, XML)
    assert time.perf_counter() - started < 0.5
    assert error.code == "too_many_elements"
    assert error.messages == ["文件内容过多（超过1000个 XML 元素），已拒绝处理；请删除多余内容或分批导入。"]


def test_a_row_of_too_many_cells_is_refused():
    wide = b"<row r='1'>" + b"<c r='A1'/>" * 51 + b"</row>"
    error = refusal(check_workbook_xml, workbook(sheet=wide), XML)
    assert error.code == "row_too_wide"
    assert error.messages == ["文件中有一行超过50个单元格，已拒绝处理。"]
    narrow = (b"<row>" + b"<c/>" * 50 + b"</row>") * 5  # each row counts on its own
    check_workbook_xml(workbook(sheet=narrow), XML)


def test_a_document_type_declaration_is_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<sst><si><t>&b;</t></si></sst>"
    )
    file = archive({"[Content_Types].xml": CONTENT_TYPES, "xl/sharedStrings.xml": laughs})
    error = refusal(check_workbook_xml, file, XML)
    assert error.code == "xml_doctype"
    assert error.messages == ["文件包含不允许的 XML 文档类型声明（DTD），已拒绝处理。"]


def test_malformed_xml_is_refused():
    file = archive({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": b"<workbook><sheets>"})
    assert refusal(check_workbook_xml, file, XML).code == "bad_xml"
