"""Checks an uploaded Office Open XML file (.xlsx, .docx: a ZIP archive) passes before anything decompresses or
parses it.

``check_archive`` reads only the ZIP's central directory (and the first bytes of the members that are not XML):
too many members, too much data once decompressed, a compression ratio no document has (an archive bomb), a
member whose path leaves the archive (``..``, an absolute path, a drive letter) or names an executable or a
macro project, a member name used twice. Python's ``zipfile`` never inflates a member past the size the directory
declares, so a lie there cannot make a later reader use more than the declared sizes.

``check_workbook_xml`` then streams every XML part through expat, which builds nothing, before openpyxl reads the
workbook: openpyxl keeps the whole shared-strings table and the styles in memory, so a small file of millions of
tiny strings costs seconds and hundreds of megabytes. It counts the elements (and the cells of each row) against a
limit and refuses a document type declaration (an OOXML part never has one; entity tricks need one).

Both raise ``ValidationError`` with a Chinese message and a ``code``, and leave the file at position 0.
"""

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.parsers import expat

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MB = 1024 * 1024

#: Member names a document never needs: programs and scripts a reader could be tricked into running, and macros.
EXECUTABLE_SUFFIXES = frozenset(
    [
        ".exe",
        ".dll",
        ".com",
        ".scr",
        ".pif",
        ".cpl",
        ".msi",
        ".msp",
        ".bat",
        ".cmd",
        ".ps1",
        ".psm1",
        ".vbs",
        ".vbe",
        ".js",
        ".jse",
        ".wsf",
        ".wsh",
        ".hta",
        ".jar",
        ".lnk",
        ".sh",
        ".elf",
        ".so",
        ".dylib",
        ".app",
        ".apk",
    ]
)
MACRO_NAMES = frozenset({"vbaproject.bin", "vbadata.xml"})
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")
XML_SUFFIXES = (".xml", ".rels", ".vml")
DRIVE = re.compile(r"^[A-Za-z]:")
SHOWN_NAME = 80  # characters of a member's name a message quotes


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int
    max_uncompressed: int  # bytes, all members together, as the central directory declares them
    max_ratio: int  # uncompressed ÷ compressed of one member …
    ratio_floor: int = 1 * MB  # … judged only for members larger than this once decompressed


@dataclass(frozen=True)
class XmlLimits:
    max_elements: int  # XML elements in all the parts together
    max_row_cells: int  # cells (<c>) in one row of a worksheet


def _shown(name: str) -> str:
    return name if len(name) <= SHOWN_NAME else name[: SHOWN_NAME - 1] + "…"


def _unreadable() -> ValidationError:
    return ValidationError(_("无法读取该文件：它不是完整、有效的 Office 文档。"), code="unreadable")


def unsafe_path(name: str) -> bool:
    """A member name that would leave the folder it is extracted into, or that no extractor reads alike."""
    if any(ord(ch) < 32 for ch in name):
        return True
    path = name.replace("\\", "/")
    return path.startswith("/") or bool(DRIVE.match(path)) or ".." in PurePosixPath(path).parts


def executable_name(name: str) -> bool:
    base = PurePosixPath(name.replace("\\", "/")).name.lower()
    return base in MACRO_NAMES or PurePosixPath(base).suffix in EXECUTABLE_SUFFIXES


def check_archive(file, limits: ArchiveLimits) -> list[zipfile.ZipInfo]:
    """The archive's members when it passes; a ValidationError naming the first reason otherwise."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            _check_directory(members, limits)
            for member in members:
                if member.is_dir() or member.filename.lower().endswith(XML_SUFFIXES):
                    continue
                with archive.open(member) as stream:
                    head = stream.read(4)
                if head.startswith(EXECUTABLE_MAGIC):
                    raise ValidationError(
                        _("文件内含可执行程序或宏“%(name)s”，已拒绝。") % {"name": _shown(member.filename)},
                        code="executable",
                    )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, RuntimeError, NotImplementedError, OSError):
        raise _unreadable() from None
    finally:
        file.seek(0)
    return members


def _check_directory(members: list[zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    if len(members) > limits.max_members:
        raise ValidationError(
            _("文件内含%(count)s个压缩成员，超过上限%(limit)s个，已拒绝处理。")
            % {"count": len(members), "limit": limits.max_members},
            code="too_many_members",
        )
    seen = set()
    for member in members:
        name = member.filename
        if unsafe_path(name):
            raise ValidationError(
                _("文件内含不安全的路径“%(name)s”，已拒绝。") % {"name": _shown(name)}, code="unsafe_path"
            )
        if executable_name(name):
            raise ValidationError(
                _("文件内含可执行程序或宏“%(name)s”，已拒绝。") % {"name": _shown(name)}, code="executable"
            )
        key = name.replace("\\", "/").lower()
        if key in seen:
            raise ValidationError(
                _("文件内有重名的压缩成员“%(name)s”，已拒绝。") % {"name": _shown(name)},
                code="duplicate_member",
            )
        seen.add(key)
    total = sum(member.file_size for member in members)
    if total > limits.max_uncompressed:
        raise ValidationError(
            _("文件解压后超过%(limit)sMB，已拒绝处理。") % {"limit": limits.max_uncompressed // MB},
            code="too_large_uncompressed",
        )
    for member in members:
        if member.file_size > limits.ratio_floor and member.file_size > limits.max_ratio * max(
            member.compress_size, 1
        ):
            raise ValidationError(
                _("文件压缩比异常（超过%(limit)s∶1），疑似压缩炸弹，已拒绝处理。")
                % {"limit": limits.max_ratio},
                code="compression_ratio",
            )


class _Refused(Exception):
    def __init__(self, error: ValidationError):
        self.error = error


class _Counter:
    """The expat handlers of one scan: counts elements and a row's cells; refuses a DTD."""

    def __init__(self, limits: XmlLimits):
        self.limits = limits
        self.elements = 0
        self.cells = 0

    def start(self, name, _attributes):
        self.elements += 1
        if self.elements > self.limits.max_elements:
            raise _Refused(
                ValidationError(
                    _("文件内容过多（超过%(limit)s个 XML 元素），已拒绝处理；请删除多余内容或分批导入。")
                    % {"limit": self.limits.max_elements},
                    code="too_many_elements",
                )
            )
        local = name.rpartition(":")[2]
        if local == "row":
            self.cells = 0
        elif local == "c":
            self.cells += 1
            if self.cells > self.limits.max_row_cells:
                raise _Refused(
                    ValidationError(
                        _("文件中有一行超过%(limit)s个单元格，已拒绝处理。")
                        % {"limit": self.limits.max_row_cells},
                        code="row_too_wide",
                    )
                )

    def doctype(self, *_args):
        raise _Refused(
            ValidationError(_("文件包含不允许的 XML 文档类型声明（DTD），已拒绝处理。"), code="xml_doctype")
        )


def check_workbook_xml(file, limits: XmlLimits) -> None:
    """Stream every XML part of an archive that passed ``check_archive`` through expat, counting as it goes."""
    counter = _Counter(limits)
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            for member in archive.infolist():
                if member.is_dir() or not member.filename.lower().endswith(XML_SUFFIXES):
                    continue
                parser = expat.ParserCreate()
                parser.StartElementHandler = counter.start
                parser.StartDoctypeDeclHandler = counter.doctype
                parser.EntityDeclHandler = counter.doctype
                with archive.open(member) as stream:
                    while chunk := stream.read(256 * 1024):
                        parser.Parse(chunk, False)
                parser.Parse(b"", True)
    except _Refused as refused:
        raise refused.error from None
    except expat.ExpatError:
        raise ValidationError(_("文件内容无法解析（XML 格式错误），已拒绝处理。"), code="bad_xml") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, RuntimeError, NotImplementedError, OSError):
        raise _unreadable() from None
    finally:
        file.seek(0)
