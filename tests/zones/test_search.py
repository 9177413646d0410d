"""The site's one search rule (zones/search.py), and the surfaces that use it: the public search, the portal's track
search and its nomination filter. Initials and full pinyin match at any syllable boundary; pinyin only by
whole syllables (``ai`` is not inside ``kaifaqu``), Latin words by word; exact and name matches first."""

import pytest
from django.urls import reverse

from tests import factories as f
from tests.tracks.portal_support import (
    ZS,
    login,
    nomination,
)
from tracks import models as m
from zones.search import EXACT, NAME_INSIDE, NAME_START, OTHER, latin_match, rank, ranked, units

# ---------------------------------------------------------------------------------------------------------------
# The rule


def test_units_are_syllables_and_latin_words():
    assert units("AI大模型应用") == (
        ("ai", False),
        ("da", True),
        ("mo", True),
        ("xing", True),
        ("ying", True),
        ("yong", True),
    )
    assert units("5G+工业互联网")[:2] == (("5g", False), ("gong", True))


@pytest.mark.parametrize(
    "term",
    [
        "rxjqr",
        "jqr",
        "qr",
        "jiqiren",
        "jiqi",
        "renxing",
        "renxingjiqiren",
        "rxjiqiren",
        "ren xing",
        "RenXing",
    ],
)
def test_initials_and_full_pinyin_match_at_any_syllable_boundary(term):
    assert rank(term, ["人形机器人"]) is not None


@pytest.mark.parametrize("term", ["enxing", "ingji", "nxjqr", "ai", "rexing"])
def test_never_inside_a_syllable(term):
    assert rank(term, ["人形机器人"]) is None


def test_ai_is_not_inside_kaifaqu_but_is_a_latin_word():
    assert rank("AI", ["天津滨海高新技术产业开发区"]) is None
    assert rank("kaifaqu", ["天津滨海高新技术产业开发区"]) == NAME_INSIDE
    assert rank("AI", ["AI大模型应用"]) == NAME_START
    assert rank("ai", ["Aid station"]) is None  # a word, not the start of one
    assert rank("aid", ["Aid station"]) == NAME_START


def test_an_unfinished_last_syllable_or_word_still_matches():
    assert rank("renxi", ["人形机器人"]) == NAME_START  # ren · xi(ng)
    assert rank("humanoid rob", ["Humanoid robots"]) == NAME_START
    assert rank("xi", ["人形机器人"]) is None  # alone, a syllable is whole


def test_a_query_is_read_along_the_names_own_syllables():
    assert latin_match("xian", "西安高新技术产业开发区") == 0  # xi · an
    assert latin_match("zgc", "中关村科技园区") == 0
    assert latin_match("zhgc", "中关村科技园区") == 0  # zh as the initial of zhong


def test_chinese_matches_as_a_substring():
    assert rank("机器", ["人形机器人"]) == NAME_INSIDE
    assert rank("人形机器人", ["人形机器人"]) == EXACT
    assert rank("仿人", ["人形机器人"], ["仿人机器人"]) == OTHER


def test_ranking_exact_then_name_start_then_inside_then_other_fields():
    rows = [
        (1, ["氢冶金"], []),
        (2, ["人形机器人"], []),
        (3, ["具身智能"], ["具身智能机器人"]),
        (4, ["机器人"], []),
        (5, ["智能机器人"], []),
    ]
    assert ranked("jqr", rows) == [4, 2, 5, 3]
    assert ranked("jiqiren", rows) == [4, 2, 5, 3]


def test_punctuation_only_finds_nothing():
    assert rank("+", ["5G+工业互联网"]) is None and rank("  ", ["人形机器人"]) is None


# ---------------------------------------------------------------------------------------------------------------
# The public search


def search_page(client, term, lang=""):
    response = client.get(f"{lang}/search/", {"q": term})
    assert response.status_code == 200
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["jqr", "rxjqr", "jiqiren", "renxing", "仿人", "frjqr"])
def test_public_search_finds_the_humanoid_track(client, term):
    track = f.TrackFactory(name="人形机器人")
    m.TrackAlias.objects.create(track=track, name="仿人机器人")
    f.TrackFactory(name="量子信息")

    tracks = search_page(client, term).context["tracks"]

    assert [t.name for t in tracks] == ["人形机器人"]


@pytest.mark.django_db
def test_public_search_for_ai_finds_the_ai_track_and_no_zone(client):
    ai = f.TrackFactory(name="AI大模型应用")
    f.TrackFactory(name="海洋装备")  # hai · yang: "ai" is inside a syllable
    f.TrackFactory(name="碳纤维复合材料")

    response = search_page(client, "AI")

    assert [t.pk for t in response.context["tracks"]] == [ai.pk]
    assert response.context["zones"] == []  # not the 50 "…开发区" (kai · fa · qu)


@pytest.mark.django_db
def test_public_search_puts_exact_and_name_matches_first(client):
    exact = f.TrackFactory(name="机器人")
    inside = f.TrackFactory(name="智能机器人")
    alias_only = f.TrackFactory(name="具身智能")
    m.TrackAlias.objects.create(track=alias_only, name="具身智能机器人")
    start = f.TrackFactory(name="机器人操作系统")

    names = [t.name for t in search_page(client, "jqr").context["tracks"]]

    assert names == [exact.name, start.name, inside.name, alias_only.name]


@pytest.mark.django_db
def test_public_search_never_finds_a_proposed_track(client):
    f.TrackFactory(name="人形机器人", status=m.TrackStatus.PROPOSED)
    assert search_page(client, "jqr").context["tracks"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["zgc", "zhongguancun", "中关村", "zgckjyq"])
def test_public_search_finds_zones_by_initials_or_pinyin(client, term):
    zones = search_page(client, term).context["zones"]
    assert [z.key for z in zones][:1] == ["110000-01"]


@pytest.mark.django_db
def test_public_search_by_english_name_on_english_pages(client):
    f.TrackFactory(name="人形机器人", name_en="Humanoid robots")
    response = search_page(client, "humanoid robot", lang="/en")
    assert [t.name for t in response.context["tracks"]] == ["人形机器人"]
    html = response.content.decode()
    assert "1 new track and 0 national high-tech zones" in html


# ---------------------------------------------------------------------------------------------------------------
# The portal


@pytest.mark.parametrize("term", ["jqr", "qr", "jiqiren", "rxjqr", "人形", "仿人"])
def test_portal_track_search_uses_the_same_rule(client, world, term):
    login(client, world.zs)

    response = client.get(reverse("portal:track_search"), {"q": term})

    assert [r["name"] for r in response.json()["results"]] == ["人形机器人"]


def test_portal_track_search_for_ai(client, world):
    f.TrackFactory(name="AI大模型应用", field=world.field)
    f.TrackFactory(name="海洋装备", field=world.field)
    login(client, world.zs)

    response = client.get(reverse("portal:track_search"), {"q": "ai"})

    assert [r["name"] for r in response.json()["results"]] == ["AI大模型应用"]


def test_portal_nomination_filter_uses_the_same_rule(client, world):
    humanoid = nomination(world, zone_key=ZS)
    storage = nomination(world, zone_key="440000-01", track=world.storage)
    login(client, world.gd)

    def found(term):
        response = client.get(reverse("portal:nomination_list"), {"q": term, "cycle": world.cycle.pk})
        return [n.pk for n in response.context["page"].object_list]

    assert found("jqr") == [humanoid.pk]
    assert found("xxcn") == [storage.pk]
    assert found("zhongshan") == [humanoid.pk]  # the zone, by its pinyin
    assert found("ai") == []
