"""With REDIS_URL every app server shares one cache: what one server stores or forgets, the others see.

Runs against a real Redis (NTR_TEST_REDIS_URL, which .ci/run sets after starting Redis); skipped without one."""

import os

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from redis import Redis

from tests import factories as f
from tests import rounds
from tracks.public.caching import LIST_CACHE_SECONDS
from tracks.services.lists import list_publish
from tracks.services.public_cache import GENERATION_KEY, PUBLIC_STATE_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache(settings):
    url = os.environ.get("NTR_TEST_REDIS_URL")
    if not url:
        pytest.skip("NTR_TEST_REDIS_URL is not set (.ci/run sets it after starting Redis)")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


def test_servers_share_a_lists_state_and_forget_it_together(client, redis_cache):
    park_list, actor = rounds.list_on_notice(["440000-03", "320000-01"])
    url = f"/lists/{park_list.pk}/"
    first = client.get(url)
    other_server = caches.create_connection("default")  # its own client, as another app server has

    assert other_server.get(PUBLIC_STATE_KEY.format(pk=park_list.pk)).status == "notice"
    with CaptureQueriesContext(connection) as repeat:
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert len(repeat) == 0

    list_publish(actor=actor, park_list=park_list)

    assert other_server.get(PUBLIC_STATE_KEY.format(pk=park_list.pk)) is None
    after = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after["ETag"] != first["ETag"]


def test_a_change_renews_every_servers_pages(client, redis_cache):
    track = f.TrackFactory(name="合成生物")
    client.get("/tracks/")
    other_server = caches.create_connection("default")
    generation = other_server.get(GENERATION_KEY)

    track.name = "合成生物制造"
    track.save()

    assert other_server.get(GENERATION_KEY) > generation
    assert "合成生物制造" in client.get("/tracks/").content.decode()


def test_nothing_cached_for_the_public_lives_longer_than_its_expiry(client, redis_cache):
    # On notice: rendered and cached (a published list is served from its files, publishing/, not the cache).
    park_list, _actor = rounds.list_on_notice(["440000-03", "320000-01"], days_ago=1)
    for url in (
        "/",
        "/library/",
        f"/lists/{park_list.pk}/",
        f"/api/v1/lists/{park_list.pk}/",
        "/api/v1/zones/",
    ):
        assert client.get(url).status_code == 200

    redis = Redis.from_url(os.environ["NTR_TEST_REDIS_URL"])
    keys = [key.decode() for key in redis.scan_iter("*ntr-public*")]
    lifetimes = {key: redis.ttl(key) for key in keys if not key.endswith(GENERATION_KEY)}
    assert len(lifetimes) >= 10
    assert all(0 < seconds <= LIST_CACHE_SECONDS for seconds in lifetimes.values()), lifetimes
