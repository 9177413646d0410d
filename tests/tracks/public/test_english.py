"""English pages: strategic areas, regions and fields in English where they have an English name, counts
with the right plural, links that stay in English; and Beijing time in the staff's snapshot pickers."""

import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.utils import timezone, translation

from tests import factories as f
from tests import rounds
from tracks.admin.lists import ListBuildForm, ListCorrectForm, snapshot_label
from tracks.services.ranking import ranking_compute
from zones.display import local_name, name_language
from zones.models import Region, StrategicArea

pytestmark = pytest.mark.django_db


def html_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_strategic_areas_and_regions_in_english(client):
    html = html_of(client, "/en/provinces/")
    assert 'lang="en">Beijing-Tianjin-Hebei</' in html
    assert 'lang="en">Yangtze River Delta</' in html
    assert "京津冀" not in html and "长三角" not in html
    assert ">East<" in html and "东部" not in html

    zone = html_of(client, "/en/zones/110000-01/")
    assert '<dd lang="en">Beijing-Tianjin-Hebei</dd>' in zone and "京津冀" not in zone
    province = html_of(client, "/en/provinces/110000/")
    assert "Beijing-Tianjin-Hebei" in province and "京津冀" not in province


def test_chinese_pages_keep_chinese_names(client):
    html = html_of(client, "/provinces/")
    assert 'lang="zh-hans">京津冀</' in html


def test_fields_in_english_where_they_have_an_english_name(client):
    field = f.FieldFactory(code="ai", name="人工智能", name_en="Artificial intelligence")
    f.TrackFactory(name="人形机器人", field=field)
    bare = f.FieldFactory(code="bare", name="未来产业")
    f.TrackFactory(name="量子信息", field=bare)

    html = html_of(client, "/en/tracks/")

    assert '<h2 id="field-ai" class="block-title" lang="en">Artificial intelligence</h2>' in html
    assert '<h2 id="field-bare" class="block-title" lang="zh-hans">未来产业</h2>' in html
    assert '<option value="ai">Artificial intelligence</option>' in html_of(client, "/en/library/")


def test_local_name_rule():
    area = StrategicArea(code="jjj", name="京津冀", name_en="Beijing-Tianjin-Hebei")
    region = Region(code="east", name="东部")
    with translation.override("en"):
        assert (local_name(area), name_language(area)) == ("Beijing-Tianjin-Hebei", "en")
        assert (local_name(region), name_language(region)) == ("East", "en")
        assert local_name(None) == ""
    with translation.override("zh-hans"):
        assert (local_name(area), name_language(area)) == ("京津冀", "zh-hans")
        assert local_name(region) == "东部"


def test_counts_are_plural_in_english(client):
    html = html_of(client, "/en/")
    zones = re.search(r"<dt>([^<]*)</dt>\s*<dd data-stat=\"zones\">(\d+)</dd>", html)
    assert zones is not None and int(zones.group(2)) > 1
    assert zones.group(1) == "National high-tech zones"
    tracks = re.search(r"<dt>([^<]*)</dt>\s*<dd data-stat=\"tracks\">(\d+)</dd>", html)
    assert tracks.group(1) == ("New track" if tracks.group(2) == "1" else "New tracks")

    province = html_of(client, "/en/provinces/440000/")
    assert "<dt>National high-tech zones</dt>" in province
    assert "National high-tech zone</th>" not in html_of(client, "/en/provinces/")


def test_one_is_singular_in_english(client):
    f.TrackFactory(name="人形机器人", name_en="Humanoid robots")
    html = html_of(client, "/en/search/?q=renxing")
    assert "1 new track and 0 national high-tech zones" in html


SKIP = ("/static/", "/api/", "/favicon.ico", "/admin/")


def test_following_links_from_english_pages_stays_in_english(client):
    """A bounded crawl of the English site: every link on an English page leads to an English page (the language
    switch, marked hreflang, aside), and none of them is an error."""
    park_list, _actor = rounds.published_list(["440000-03", "320000-01", "110000-01"])
    f.published_case()
    seen, queue, chinese, errors = {"/en/"}, deque(["/en/"]), [], []
    while queue and len(seen) < 150:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code >= 400:
            errors.append((url, response.status_code))
            continue
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        for anchor in re.finditer(r"<a\s([^>]*)>", response.content.decode()):
            attributes = anchor.group(1)
            href = re.search(r'href="([^"]*)"', attributes)
            if not href or "hreflang=" in attributes:
                continue
            target = urlsplit(href.group(1).replace("&amp;", "&"))
            if target.netloc or not target.path.startswith("/") or target.path.startswith(SKIP):
                continue
            path = target.path + (f"?{target.query}" if target.query else "")
            if not target.path.startswith("/en/"):
                chinese.append((url, path))
                continue
            if "download." in target.path or "captcha." in target.path:
                continue
            if path not in seen:
                seen.add(path)
                queue.append(path)
    assert chinese == []
    assert errors == []
    assert len(seen) >= 100
    assert f"/en/lists/{park_list.pk}/" in seen


def test_snapshot_pickers_say_beijing_time():
    cycle, _track, _nominations = rounds.scored_cycle(["440000-03", "320000-01"], year=2034)
    snapshot = ranking_compute(cycle=cycle, actor=f.staff())
    local = timezone.localtime(snapshot.computed_at).strftime("%Y-%m-%d %H:%M")

    label = snapshot_label(snapshot)

    assert label == f"{cycle} 快照 #{snapshot.pk}，{local}"
    build = dict(ListBuildForm().fields["snapshot"].choices)
    assert build[snapshot.pk] == label
    park_list, _actor = rounds.published_list(["440000-03", "320000-01"], year=2035)
    correct = ListCorrectForm(park_list=park_list, entries=[])
    assert all(
        str(choice_label).endswith(timezone.localtime(snap.computed_at).strftime("%Y-%m-%d %H:%M"))
        for snap, choice_label in [
            (s, dict(correct.fields["snapshot"].choices)[s.pk]) for s in correct.fields["snapshot"].queryset
        ]
    )
