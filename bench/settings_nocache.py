"""Production settings with the cache turned off, for bench/run.py's "first reader, server cache off" runs:
every request renders from the database, as the first reader after a deployment or a cache flush does."""

from config.settings.production import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
