"""Fixed-window request counters for per-address limits, atomic across processes and servers.

With a shared cache (Redis, or Memcached: ``REDIS_URL``) the count is the cache's atomic ``incr``. Without one, the
default cache is each process's own memory, which would let every worker count apart (two workers, twice the
limit): the count is then kept in the database (``RateCounter``), by one ``INSERT … ON CONFLICT DO UPDATE …
RETURNING`` statement that PostgreSQL and SQLite both run atomically, so concurrent requests in any number of
processes each get a different count.
"""

import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from .models import RateCounter

# Cache backends whose incr() is atomic and shared by every process.
SHARED_CACHES = {
    "django.core.cache.backends.redis.RedisCache",
    "django.core.cache.backends.memcached.PyMemcacheCache",
    "django.core.cache.backends.memcached.PyLibMCCache",
}
PURGE_ONE_IN = 64  # how often a hit also deletes the counters whose window has ended


def shared_cache() -> bool:
    return settings.CACHES["default"]["BACKEND"] in SHARED_CACHES


def _hit_cache(scope: str, subject: str, window_seconds: int) -> int:
    key = f"ntr-rate:{scope}:{subject}"
    if cache.add(key, 1, window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window_seconds)
        return 1


def _hit_database(scope: str, subject: str, window_seconds: int) -> int:
    now = int(time.time())
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    sql = f"""
        INSERT INTO {table} (scope, subject, count, window_ends) VALUES (%s, %s, 1, %s)
        ON CONFLICT (scope, subject) DO UPDATE SET
            count = CASE WHEN {table}.window_ends <= %s THEN 1 ELSE {table}.count + 1 END,
            window_ends = CASE WHEN {table}.window_ends <= %s THEN excluded.window_ends
                               ELSE {table}.window_ends END
        RETURNING count
    """  # noqa: S608 - the table name is the model's, every value a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [scope, subject[:128], now + window_seconds, now, now])
        count = cursor.fetchone()[0]
    if secrets.randbelow(PURGE_ONE_IN) == 0:
        RateCounter.objects.filter(window_ends__lte=now).delete()
    return count


def hit(scope: str, subject: str, *, window_seconds: int) -> int:
    """Count one request of ``subject`` (e.g. a client address) in ``scope``; the number of requests in the current
    window, this one included (1 for the first request of a new window)."""
    if shared_cache():
        return _hit_cache(scope, subject, window_seconds)
    return _hit_database(scope, subject, window_seconds)


def over_limit(scope: str, subject: str, *, limit: int, window_seconds: int) -> bool:
    """Count one request; True once the window holds more than ``limit`` of them."""
    return hit(scope, subject, window_seconds=window_seconds) > limit
