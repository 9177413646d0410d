"""Scripted objections.

The probe solved the old arithmetic captcha with a regular expression over the page, and got 20 of 30 scripted
objections through two workers, because the per-address limit lived in each process's own memory. Now:

* the captcha is a picture drawn on the server, with the same digits spoken for readers who cannot see it, both
  from our own views; the page carries a random challenge id, never the answer; one try per code, which expires and
  is drawn and spoken only a few times;
* without a shared cache the limits are counted in the database, atomically: processes that each keep their own
  memory share one count (checked here with real processes, on PostgreSQL and on SQLite);
* ``check --deploy`` warns (``throttle.W001``, which a deployment may silence) when production has no REDIS_URL.
"""

import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
import wave

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.checks import run_checks
from django.core.management import call_command
from django.db import connection
from PIL import Image

from tests import rounds
from throttle.models import RateCounter
from tracks.models import Objection
from tracks.public import captcha
from tracks.public.captcha import SESSION_KEY

pytestmark = pytest.mark.django_db

KEYS = ["440000-03", "320000-01", "110000-01"]


@pytest.fixture
def notice():
    park_list, _actor = rounds.list_on_notice(KEYS, days_ago=1)
    return park_list


def current(client, park_list) -> dict:
    return client.session[SESSION_KEY][f"objection-{park_list.pk}"]


def filing(client, park_list, answer) -> dict:
    return {
        "name": "王芳",
        "organisation": "某市科技局",
        "contact": "wang.fang@example.cn",
        "statement": "第2名园区申报的专精特新企业数量明显高于该市公开数据，请予核实。",
        "captcha": answer,
        "pledge": "on",
    }


def test_the_page_gives_a_script_nothing_to_solve(client, notice):
    html = client.get(f"/lists/{notice.pk}/objection/").content.decode()
    code = current(client, notice)["answer"]
    assert re.fullmatch(r"\d{5}", code)
    # the probe's solver: a question in the page's text
    assert not re.search(r"(\d+)\s*(加|减|\+|-)\s*(\d+)\s*等于", html)
    assert code not in html
    # the picture and the reading come from this site's own views, by challenge id only
    images = re.findall(r'<img class="captcha-image" src="([^"]+)"', html)
    sounds = re.findall(r'<audio class="captcha-audio"[^>]* src="([^"]+)"', html)
    challenge = current(client, notice)["id"]
    assert images == [f"/lists/{notice.pk}/objection/captcha.png?c={challenge}"]
    assert sounds == [f"/lists/{notice.pk}/objection/captcha.wav?c={challenge}"]


def test_the_picture_and_the_reading(client, notice):
    client.get(f"/lists/{notice.pk}/objection/")
    challenge = current(client, notice)["id"]

    image = client.get(f"/lists/{notice.pk}/objection/captcha.png", {"c": challenge})
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert "no-store" in image["Cache-Control"]
    assert Image.open(io.BytesIO(image.content)).size == captcha.IMAGE_SIZE

    sound = client.get(f"/lists/{notice.pk}/objection/captcha.wav", {"c": challenge})
    assert sound.status_code == 200 and sound["Content-Type"] == "audio/wav"
    with wave.open(io.BytesIO(sound.content)) as reading:
        assert reading.getframerate() == 8000
        assert reading.getnframes() / reading.getframerate() > captcha.LENGTH  # at least a second a digit


def test_media_need_the_current_challenge(client, notice):
    url = f"/lists/{notice.pk}/objection/captcha.png"
    assert client.get(url, {"c": "guess"}).status_code == 404  # nothing asked yet
    client.get(f"/lists/{notice.pk}/objection/")
    old = current(client, notice)["id"]
    client.get(f"/lists/{notice.pk}/objection/")  # a reload asks a new code
    assert client.get(url, {"c": old}).status_code == 404
    assert client.get(url, {"c": current(client, notice)["id"]}).status_code == 200
    # another session has no code at all
    assert client.__class__().get(url, {"c": current(client, notice)["id"]}).status_code == 404


def test_a_code_is_drawn_and_spoken_only_a_few_times(client, notice):
    client.get(f"/lists/{notice.pk}/objection/")
    challenge = current(client, notice)["id"]
    for fmt, times in (("png", captcha.IMAGE_RENDERS), ("wav", captcha.AUDIO_RENDERS)):
        url = f"/lists/{notice.pk}/objection/captcha.{fmt}"
        assert [client.get(url, {"c": challenge}).status_code for _ in range(times + 1)] == [200] * times + [
            404
        ]


def test_one_try_per_code_and_it_expires(client, notice):
    client.get(f"/lists/{notice.pk}/objection/")
    first = current(client, notice)["answer"]
    wrong = "00000" if first != "00000" else "11111"
    assert client.post(f"/lists/{notice.pk}/objection/", filing(client, notice, wrong)).status_code == 200
    # the right answer to the used-up code no longer counts (unless the new code happens to be the same)
    if current(client, notice)["answer"] != first:
        assert client.post(f"/lists/{notice.pk}/objection/", filing(client, notice, first)).status_code == 200
    assert not Objection.objects.exists()

    client.get(f"/lists/{notice.pk}/objection/")
    session = client.session
    session[SESSION_KEY][f"objection-{notice.pk}"]["expires"] = time.time() - 1
    session.save()
    answer = session[SESSION_KEY][f"objection-{notice.pk}"]["answer"]
    assert client.post(f"/lists/{notice.pk}/objection/", filing(client, notice, answer)).status_code == 200
    assert not Objection.objects.exists()


def test_full_width_digits_are_accepted(client, notice):
    client.get(f"/lists/{notice.pk}/objection/")
    answer = current(client, notice)["answer"]
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in answer)
    response = client.post(f"/lists/{notice.pk}/objection/", filing(client, notice, f" {full_width} "))
    assert response.status_code == 302 and Objection.objects.count() == 1


def test_asking_another_code_keeps_the_filled_form(client, notice):
    client.get(f"/lists/{notice.pk}/objection/")
    old = current(client, notice)["id"]
    data = {**filing(client, notice, ""), "captcha_refresh": "1"}
    response = client.post(f"/lists/{notice.pk}/objection/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert current(client, notice)["id"] != old
    assert 'value="王芳"' in html and "请予核实" in html
    assert "提交未成功" not in html
    assert not Objection.objects.exists()


def test_the_limit_is_shared_by_processes_without_a_shared_cache(client, notice):
    """Each worker's memory is its own (LocMem): clearing this process's cache is what another worker sees. The
    count is in the database, so the limit still holds."""
    assert not settings.REDIS_URL
    for _ in range(10):
        client.get(f"/lists/{notice.pk}/objection/")
        client.post(f"/lists/{notice.pk}/objection/", filing(client, notice, "-1"))
        cache.clear()
    client.get(f"/lists/{notice.pk}/objection/")
    response = client.post(
        f"/lists/{notice.pk}/objection/", filing(client, notice, current(client, notice)["answer"])
    )
    assert response.status_code == 429
    assert RateCounter.objects.get(scope="objection", subject="127.0.0.1").count == 11


def test_the_media_are_limited_per_address(client, notice, monkeypatch):
    from tracks.public import views

    monkeypatch.setitem(views.CAPTCHA_RATE, "wav", {"limit": 2, "window_seconds": 3600})
    client.get(f"/lists/{notice.pk}/objection/")
    url = f"/lists/{notice.pk}/objection/captcha.wav"
    codes = []
    for _ in range(3):
        codes.append(client.get(url, {"c": current(client, notice)["id"]}).status_code)
        client.get(f"/lists/{notice.pk}/objection/")
    assert codes == [200, 200, 429]


# ---------------------------------------------------------------------------------------------------------------
# Real processes counting at once

WORKER = """
import json, os, sys, time
import django
django.setup()
from django.db import connection
if os.environ.get("NTR_CREATE_TABLE"):
    from throttle.models import RateCounter
    with connection.schema_editor() as editor:
        editor.create_model(RateCounter)
    sys.exit(0)
from throttle.services import hit
start = float(os.environ["NTR_START"])
while time.time() < start:
    time.sleep(0.005)
print(json.dumps([hit(os.environ["NTR_SCOPE"], "203.0.113.9", window_seconds=600) for _ in range(int(os.environ["NTR_HITS"]))]))
"""


def _database_url() -> str:
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings_dict["USER"] or "postgres"
        password = f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else ""
        host = settings_dict["HOST"] or "127.0.0.1"
        port = settings_dict["PORT"] or "5432"
        return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"
    return ""


def _run(env, processes=1):
    return [
        subprocess.Popen(  # noqa: S603 - this interpreter, a fixed script
            [sys.executable, "-c", WORKER],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]


@pytest.mark.parametrize("processes", [4])
def test_processes_counting_at_once_each_get_their_own_count(processes):
    """N processes × K hits at the same moment: the counts they get are exactly 1 … N×K (none lost, none twice).
    On PostgreSQL they share the test database; on SQLite a database file of their own (the test database is in
    memory), in the same WAL and IMMEDIATE mode as the application."""
    hits = 15
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "NTR_SCOPE": f"race-{uuid.uuid4().hex}",
        "NTR_HITS": str(hits),
    }
    with tempfile.TemporaryDirectory() as directory:
        if connection.vendor == "postgresql":
            env["DATABASE_URL"] = _database_url()
        else:
            env["DATABASE_URL"] = f"sqlite:///{directory}/race.sqlite3"
            created = _run({**env, "NTR_CREATE_TABLE": "1"})[0]
            assert created.wait(timeout=120) == 0, created.stderr.read()
        env["NTR_START"] = str(time.time() + 3)
        workers = _run(env, processes)
        counts = []
        for worker in workers:
            out, err = worker.communicate(timeout=120)
            assert worker.returncode == 0, err
            counts.extend(json.loads(out.strip().splitlines()[-1]))
    assert sorted(counts) == list(range(1, processes * hits + 1))


# ---------------------------------------------------------------------------------------------------------------
# check --deploy


def _deploy_check() -> str:
    """What ``manage.py check --deploy`` reports (silenced checks left out, as the command does)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("check", deploy=True, tags=["caches"], stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_deploy_check_warns_without_a_shared_cache(settings):
    settings.REDIS_URL = ""
    assert "(throttle.W001) 未设置 REDIS_URL" in _deploy_check()
    settings.SILENCED_SYSTEM_CHECKS = ["throttle.W001"]
    assert "throttle.W001" not in _deploy_check()
    settings.SILENCED_SYSTEM_CHECKS = []
    settings.REDIS_URL = "redis://cache:6379/0"
    assert "throttle.W001" not in _deploy_check()


def test_the_check_is_deploy_only(settings):
    settings.REDIS_URL = ""
    assert "throttle.W001" not in {message.id for message in run_checks()}
