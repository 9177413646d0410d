"""Settings shared by every environment; values come from environment variables."""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "audit",
    "accounts",
    "zones",
    "tracks",
    "cultivation",
    "throttle",
    "publishing",
    "mail",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A NUL in the path or query string is a 404/400 before any view (PostgreSQL refuses NUL in text).
    "config.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Published lists from their compiled files, before sessions and the database (publishing/middleware.py).
    "publishing.middleware.PublishedFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The "signed in" hint cookie for the account slot of cached pages: set at login, cleared at any logout
    # (outside the session limits below, whose logouts it must see).
    "accounts.signed_in.SignedInHintMiddleware",
    # Idle (30 min) and absolute (12 h) session limits, then the second factor for the admin roles.
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns an Axes lockout flagged during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.site",
            ],
            # isotime (<time datetime>), local_name / name_lang (names in the page's language) in every template.
            "builtins": ["tracks.templatetags.ntr"],
        },
    },
]

# SQLite is the embedded default so `make run` needs no server; PostgreSQL via DATABASE_URL in production and CI.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets readers work while one writer commits; the timeout waits for the write lock.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

# PostgreSQL with two roles (deploy/postgres-roles.sql): DATABASE_URL is the runtime role the site runs as, which owns
# nothing and may only read and append to the audit log; DATABASE_OWNER_URL the role that owns the tables, used only
# by migrate, flush, restore and archive_audit (audit/db_roles.py). Unset: one role does both, and on PostgreSQL
# `check --deploy` warns (audit.W001).
DATABASE_OWNER = (
    dj_database_url.parse(os.environ["DATABASE_OWNER_URL"]) if os.environ.get("DATABASE_OWNER_URL") else None
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# System checks a deployment knowingly accepts, comma-separated (e.g. throttle.W001 for one process without Redis).
SILENCED_SYSTEM_CHECKS = env_list("DJANGO_SILENCED_SYSTEM_CHECKS")

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Per process. Public pages are cached per path, query and language (tracks/public/caching.py): room for the
    # site's pages (zones, tracks, lists in two languages) instead of Django's default 300 entries.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 3000},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    # Common words with substitutions (P@ssw0rd1234), keyboard runs, dates: zxcvbn's estimate, offline.
    {"NAME": "accounts.validators.StrengthValidator", "OPTIONS": {"min_score": 3}},
]

# Axes first: it refuses a locked-out username/address pair before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded attachments are private: never under a public media URL, served only through checked views.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media"))},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Published lists compiled into files (publishing/): one directory shared by every app server, served by nginx
# (try_files) or by the app's file path without the database. Never inside the private media root, nor it inside
# this one (check --deploy: publishing.E001).
PUBLISHED_ROOT = Path(os.environ.get("DJANGO_PUBLISHED_ROOT", BASE_DIR / "published"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# Sessions end after 30 idle minutes and at the latest 12 hours after login (accounts.middleware). The stored
# session lives as long as the idle limit; the middleware refreshes it at most once a minute while in use.
NTR_SESSION_IDLE_SECONDS = int(os.environ.get("NTR_SESSION_IDLE_SECONDS", str(30 * 60)))
NTR_SESSION_ABSOLUTE_SECONDS = int(os.environ.get("NTR_SESSION_ABSOLUTE_SECONDS", str(12 * 60 * 60)))
SESSION_COOKIE_AGE = NTR_SESSION_IDLE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
# A failed CSRF check answers the site's own page, in the page's language (config/errors.py).
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Login failures (django-axes): 5 failures of one username from one address lock that pair for 30 minutes;
# the security administrator lifts a lockout in the admin (访问尝试). Events go to the audit log too.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A failure while locked out does not push the end of the lockout further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "audit.services.client_ip"
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_VERBOSE = False
# The client address: REMOTE_ADDR, or a header the TLS proxy sets and overwrites (e.g. HTTP_X_REAL_IP).
NTR_CLIENT_IP_HEADER = os.environ.get("NTR_CLIENT_IP_HEADER", "")

# Two-factor authentication (TOTP, with backup codes) for reviewers, programme staff and the three
# administrators. Off by default so `make run`'s demo accounts work; production turns it on.
NTR_REQUIRE_2FA = env_bool("NTR_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = "新赛道培育库"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Self-service password reset by e-mail only where an e-mail server is configured; otherwise the system
# administrator sets a new password in the admin.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "noreply@localhost")
NTR_PASSWORD_RESET_BY_EMAIL = env_bool("NTR_PASSWORD_RESET_BY_EMAIL", bool(EMAIL_HOST))
# The outbox (mail/, issue 16): `manage.py send_outbox` sends it; a row refused with 5xx this many times is failed.
NTR_MAIL_MAX_ATTEMPTS = int(os.environ.get("NTR_MAIL_MAX_ATTEMPTS", "3"))
NTR_MAIL_RETRY_SECONDS = int(os.environ.get("NTR_MAIL_RETRY_SECONDS", "600"))
NTR_MAIL_LEASE_SECONDS = int(os.environ.get("NTR_MAIL_LEASE_SECONDS", "300"))
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "30"))
PASSWORD_RESET_TIMEOUT = 60 * 60

# Content Security Policy (django-csp): no inline script or style anywhere; every asset is served from here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

# Backups (manage.py backup/restore): JSON Lines keeping times to the microsecond.
SERIALIZATION_MODULES = {"ntrjsonl": "config.backup_serializer"}

# The audit log is kept at least this many days; `manage.py archive_audit` moves older rows to a file.
AUDIT_RETENTION_DAYS = max(180, int(os.environ.get("AUDIT_RETENTION_DAYS", "180")))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # A page or page size that is no whole number ≥ 1 is a 400, not silently the default (tracks/api/pagination.py).
    "DEFAULT_PAGINATION_CLASS": "tracks.api.pagination.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
    # Every refusal in the one error shape {code, detail, errors} (tracks/api/errors.py).
    "EXCEPTION_HANDLER": "tracks.api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "tracks.api.schema.ApiAutoSchema",
}
# The schema as client generators read it (issue 17, tracks/api/schema.py): an ASCII title (the package name a
# generator makes of it), separate request and response components, named enums, operation ids without the
# /api/v1 prefix.
SPECTACULAR_SETTINGS = {
    "TITLE": "NTR API",
    "DESCRIPTION": (
        "新赛道培育库（国家高新区新赛道培育库）的接口 / API of the New-Track Registry.\n\n"
        "Open, read-only and cached: zones, provinces, fields, tracks, cycles, the library and the park lists. "
        "For provincial systems, with `Authorization: Token <key>`: nominations (create, edit, submit, "
        "withdraw), the caller's zones and the province's quota (`/api/v1/portal/…`, never cached).\n\n"
        "Every error answers one shape, `Error` (`code`, `detail`, `errors`); branch on `code`. "
        "The changelog of /api/v1/ is in the README."
    ),
    "VERSION": "1.1.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Each choice set one component with an English name (the public subsets: tracks/api/enums.py).
    "ENUM_NAME_OVERRIDES": {
        "NominationStatusEnum": "tracks.models.choices.NominationStatus",
        "CycleStatusEnum": "tracks.models.choices.CycleStatus",
        "OriginEnum": "tracks.models.choices.Origin",
        "CultivationModelEnum": "tracks.models.choices.CultivationModel",
        "LibraryStatusEnum": "tracks.api.enums.PUBLIC_LIBRARY_STATUSES",
        "ListStatusEnum": "tracks.api.enums.PUBLIC_LIST_STATUSES",
        "ListScopeEnum": "tracks.models.choices.ListScope",
        "CriterionCodeEnum": "tracks.models.choices.CriterionCode",
        "RegionEnum": "zones.models.Region.Code",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tracks.api.schema.finish_schema",
    ],
}

# What the footer shows; a deployment sets its own sponsor, ICP filing number and contact.
SITE_NAME = _("新赛道培育库")
# Since the 2023 reform the Torch Centre belongs to MIIT. A published list keeps the body that issued it
# (ParkList.issuer, stamped by list_publish); this is what the footer and new publications say.
SITE_SPONSOR = os.environ.get("SITE_SPONSOR", "工业和信息化部火炬高技术产业开发中心")
SITE_ICP_NUMBER = os.environ.get("SITE_ICP_NUMBER", "")
SITE_CONTACT = os.environ.get("SITE_CONTACT", "")
# The site's address as readers reach it (e.g. https://ntr.example.gov.cn), for links in e-mail.
SITE_URL = os.environ.get("SITE_URL", "")

# Demo accounts exist only where this is on; production never seeds them.
ALLOW_DEMO_DATA = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
