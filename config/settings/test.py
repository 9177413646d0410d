"""The test suite: fast hashing, in-memory cache, a private media root per run."""

import tempfile

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-key-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
STORAGES["default"]["OPTIONS"]["location"] = tempfile.mkdtemp(prefix="ntr-media-")  # noqa: F405
STATIC_ROOT = tempfile.mkdtemp(prefix="ntr-static-")
PUBLISHED_ROOT = tempfile.mkdtemp(prefix="ntr-published-")  # tests/conftest.py gives each test its own
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Axes refuses authenticate() calls without a request (the test client's login()); the lockout tests turn it on.
AXES_ENABLED = False
NTR_REQUIRE_2FA = False
