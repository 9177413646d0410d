"""Production settings: `check --deploy` is clean, the security headers are sent (HSTS, CSP without
unsafe-inline, nosniff, Referrer-Policy, frame-ancestors), HTTP is redirected, secrets come only from the
environment, DEBUG is off, and the second factor and lockouts cannot be switched off."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

ROOT = Path(django_settings.BASE_DIR)


def production_env(**extra) -> dict:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "NTR_", "AXES_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="registry.example.gov.cn,testserver",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - this interpreter and code written in this file
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def check_deploy(**env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - this interpreter and manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean():
    # A production deployment with its shared cache (checking settings only: nothing connects to it).
    result = check_deploy(REDIS_URL="redis://cache.example.gov.cn:6379/0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_a_shared_cache():
    result = check_deploy()
    assert result.returncode != 0
    assert "throttle.W001" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_python("import django; django.setup()", DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


SETTINGS_PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "SECRET_KEY_FROM_ENV": s.SECRET_KEY == __import__("os").environ["DJANGO_SECRET_KEY"],
    "SECURE_SSL_REDIRECT": s.SECURE_SSL_REDIRECT,
    "SECURE_PROXY_SSL_HEADER": s.SECURE_PROXY_SSL_HEADER,
    "SECURE_HSTS_SECONDS": s.SECURE_HSTS_SECONDS,
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": s.CSRF_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": s.SESSION_COOKIE_HTTPONLY,
    "NTR_REQUIRE_2FA": s.NTR_REQUIRE_2FA,
    "AXES_ENABLED": s.AXES_ENABLED,
    "ALLOW_DEMO_DATA": s.ALLOW_DEMO_DATA,
    "CSP": s.CONTENT_SECURITY_POLICY["DIRECTIVES"],
}))
"""


def probe(**env) -> dict:
    result = run_python(SETTINGS_PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_values():
    values = probe(NTR_REQUIRE_2FA="false", AXES_ENABLED="false", DJANGO_DEBUG="true")
    assert values["DEBUG"] is False
    assert values["SECRET_KEY_FROM_ENV"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert (
        values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    )
    # required in production whatever the environment says
    assert values["NTR_REQUIRE_2FA"] is True
    assert values["AXES_ENABLED"] is True
    assert values["ALLOW_DEMO_DATA"] is False
    csp = values["CSP"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert "unsafe" not in json.dumps(csp)


def test_the_proxy_header_is_configurable():
    assert probe(DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_SCHEME,https")[
        "SECURE_PROXY_SSL_HEADER"
    ] == [
        "HTTP_X_FORWARDED_SCHEME",
        "https",
    ]
    assert probe(DJANGO_SECURE_PROXY_SSL_HEADER="")["SECURE_PROXY_SSL_HEADER"] is None


HEADERS_PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client()
plain = client.get("/healthz", HTTP_HOST="registry.example.gov.cn")
tls = client.get("/healthz", HTTP_HOST="registry.example.gov.cn", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "status": tls.status_code,
    "headers": {key: tls[key] for key in tls.headers},
}))
"""


def test_production_responses_carry_the_security_headers(tmp_path):
    result = run_python(HEADERS_PROBE, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["plain_status"] == 301
    assert data["plain_location"] == "https://registry.example.gov.cn/healthz"
    assert data["status"] == 200
    headers = data["headers"]
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in headers["Strict-Transport-Security"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = headers["Content-Security-Policy"]
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]:
        assert directive in policy
    assert "unsafe" not in policy


@pytest.mark.django_db
def test_tests_and_development_enforce_the_same_policy(client):
    """The base settings enable the CSP middleware, so a violation shows up in tests and the browser tests."""
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_seed_demo_is_refused_in_production(tmp_path):
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "生产环境不允许载入演示数据" in result.stderr
