"""Shared world and helpers of the 精准性培育 tests.

``cultivation_world()`` builds the world; the ``world`` fixture of tests/cultivation/conftest.py returns it, and so
does tests/browser/test_cultivation.py's own ``world``.
The world: a 2025 cycle; three library entries — 中山 (广东 440000-03) and 广州 (广东 440000-01) on 人形机器人, 南京
(江苏 320000-01) on 新型储能; an official of 广东 and of 江苏, the committee of 中山, programme staff, a reviewer.
"""

import io
import zipfile
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import roles
from tests import factories as f

GD, JS = "440000", "320000"
ZS, GZ, NJ = "440000-03", "440000-01", "320000-01"


def cultivation_world():
    cycle = f.CycleFactory(year=2025)
    ai = f.FieldFactory(code="ai", name="人工智能")
    energy = f.FieldFactory(code="energy", name="新能源")
    humanoid = f.TrackFactory(name="人形机器人", field=ai)
    storage = f.TrackFactory(name="新型储能", field=energy)
    entries = {
        "zs": f.LibraryEntryFactory(zone=f.zone(ZS), track=humanoid, entered_cycle=cycle),
        "gz": f.LibraryEntryFactory(zone=f.zone(GZ), track=humanoid, entered_cycle=cycle),
        "nj": f.LibraryEntryFactory(zone=f.zone(NJ), track=storage, entered_cycle=cycle),
    }
    reviewer = f._with_group(f.UserFactory(username="expert"), roles.REVIEWER)
    return SimpleNamespace(
        cycle=cycle,
        ai=ai,
        energy=energy,
        humanoid=humanoid,
        storage=storage,
        entries=entries,
        users={
            "gd": f.official(GD, username="gd_official"),
            "js": f.official(JS, username="js_official"),
            "zs": f.zone_preparer(ZS, username="zs_zone"),
            "staff": f.staff(username="torch_staff"),
            "reviewer": reviewer,
            "anonymous": None,
        },
    )


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def upload(name="政策文件.pdf", content=None, content_type="application/pdf"):
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, content_type=content_type)


def measure_post(**overrides):
    data = {
        "kind": "finance",
        "title": "人形机器人产业基金",
        "date": "2025-04-15",
        "issuer": "广东省科学技术厅",
        "amount": "12.50",
        "description": "设立专项产业基金，投早投小投硬科技。",
    }
    data.update(overrides)
    return data
