"""A cycle's required materials in a real browser: a refused file says why where the files are, and the
nomination is recommended once each material has its file."""

import os
import re
from pathlib import Path

import pytest

from tests.browser.test_portal import sign_in
from tests.tracks.portal_support import (
    exe_bytes,
    nomination,
    pdf_bytes,
)
from tracks import models as m

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SHOTS = Path(os.environ.get("NTR_SCREENSHOTS", "/tmp"))
SCAN, REPORT = "推荐表盖章扫描件", "园区发展情况说明"


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


def test_the_required_materials_then_the_recommendation(browser_page, world):
    page = browser_page
    m.Cycle.objects.filter(pk=world.cycle.pk).update(required_materials=f"{SCAN}\n{REPORT}")
    draft = nomination(world)
    sign_in(page, "gd_official")
    page.goto(f"/portal/nominations/{draft.pk}/")
    materials = page.locator("[data-materials]")
    assert materials.inner_text().split("\n") == [f"{SCAN}：未上传", f"{REPORT}：未上传"]
    assert f"推荐前还需补充：附件“{SCAN}”、附件“{REPORT}”" in page.locator(".alert-info").first.inner_text()

    # A refused file: the reason is in the attachments panel, on screen where the redirect lands.
    assert page.get_by_label("材料类别").input_value() == SCAN
    page.get_by_label("选择文件").set_input_files(
        files=[{"name": "盖章.pdf", "mimeType": "application/pdf", "buffer": exe_bytes()}]
    )
    page.get_by_role("button", name="上传附件").click()
    page.wait_for_url(re.compile(r"#attachments$"))
    refusal = page.locator("#attachments [data-attachment-message]")
    assert refusal.inner_text().startswith("“盖章.pdf”未能上传：只能上传 PDF")
    assert refusal.get_attribute("role") == "alert"
    assert in_viewport(page, refusal)
    page.screenshot(path=str(SHOTS / "portal-attachment-refused.png"))

    for material, name in ((SCAN, "盖章扫描件.pdf"), (REPORT, "发展情况说明.pdf")):
        page.get_by_label("材料类别").select_option(material)
        page.get_by_label("选择文件").set_input_files(
            files=[{"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes()}]
        )
        page.get_by_role("button", name="上传附件").click()
        page.wait_for_url(re.compile(r"#attachments$"))
        assert in_viewport(page, page.locator("#attachments [data-attachment-message]"))
    assert materials.inner_text().split("\n") == [f"{SCAN}：已上传", f"{REPORT}：已上传"]

    page.get_by_role("link", name="推荐", exact=True).click()
    assert (
        page.locator("dt", has_text="推荐状态").count() == 1
        and page.locator("dt", has_text="窗口状态").count() == 1
    )
    page.get_by_role("button", name="确认推荐").click()
    page.wait_for_url(re.compile(rf"/portal/nominations/{draft.pk}/$"))
    draft.refresh_from_db()
    assert draft.status == m.NominationStatus.SUBMITTED
