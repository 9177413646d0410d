"""Shared world and helpers of the provincial portal's tests.

``portal_world()`` builds the world; the ``world`` fixture of tests/tracks/conftest.py, tests/zones/conftest.py and
tests/browser/conftest.py returns it, and so does tests/security/test_upload_bombs.py's own ``world``.
The world: an open cycle; 广东 (440000) with an official and two zone committees (中山 440000-03, 广州 440000-01);
江苏 (320000) with an official; a field with three active tracks (人形机器人 with an alias, 新型储能, 合成生物).
"""

import io
import zipfile
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f
from tracks import models as m

GD, JS = "440000", "320000"
ZS, GZ, NJ = "440000-03", "440000-01", "320000-01"


def portal_world():
    cycle = f.CycleFactory(year=2031, default_quota=3)
    field = f.FieldFactory(code="ai", name="人工智能")
    humanoid = f.TrackFactory(name="人形机器人", field=field)
    m.TrackAlias.objects.create(track=humanoid, name="仿人机器人")
    storage = f.TrackFactory(name="新型储能", field=f.FieldFactory(code="energy", name="新能源"))
    synbio = f.TrackFactory(name="合成生物", field=f.FieldFactory(code="bio", name="生物制造"))
    return SimpleNamespace(
        cycle=cycle,
        field=field,
        humanoid=humanoid,
        storage=storage,
        synbio=synbio,
        gd=f.official(GD, username="gd_official"),
        js=f.official(JS, username="js_official"),
        zs=f.zone_preparer(ZS, username="zs_zone"),
        gz=f.zone_preparer(GZ, username="gz_zone"),
        staff=f.staff(username="torch_staff"),
    )


def nomination(world, *, zone_key=ZS, track=None, status=m.NominationStatus.DRAFT, created_by=None, **kwargs):
    zone = f.zone(zone_key)
    kwargs.setdefault("cycle", world.cycle)
    return f.NominationFactory(
        zone=zone,
        province=zone.province,
        track=track or world.humanoid,
        status=status,
        created_by=created_by,
        **kwargs,
    )


def login(client, user):
    client.force_login(user)
    return client


# -- files with the right (and wrong) insides ----------------------------------------------------------------


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32


def jpeg_bytes() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32 + b"\xff\xd9"


def _zip(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})


def xlsx_bytes() -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})


def plain_zip_bytes() -> bytes:
    return _zip({"readme.txt": "hello"})


def exe_bytes() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def upload(name: str, content: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
