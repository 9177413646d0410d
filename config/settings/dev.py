"""Local development and `make run`: SQLite by default, debug on, a fixed insecure key."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-insecure-key-never-use-in-production"  # noqa: F405, S105
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# runserver leaves /static/ to WhiteNoise, as in production. Its own static handler (django.contrib.staticfiles)
# let a path out of the static directories (/static/..%2fmanage.py) raise SuspiciousFileOperation: a 500.
INSTALLED_APPS = ["whitenoise.runserver_nostatic", *INSTALLED_APPS]  # noqa: F405

# Django's debug pages carry inline styles and scripts: in development the policy only reports (the browser
# console still shows every violation); tests and production enforce it.
CONTENT_SECURITY_POLICY_REPORT_ONLY = CONTENT_SECURITY_POLICY  # noqa: F405
CONTENT_SECURITY_POLICY = None
