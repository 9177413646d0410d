"""gunicorn settings for 新赛道培育库, every value overridable from the environment.

    gunicorn -c deploy/gunicorn.conf.py config.wsgi:application

config.wsgi defaults to config.settings.production. Run it behind nginx (deploy/nginx.conf.example), which
terminates TLS, buffers slow clients and sets X-Forwarded-Proto; `make bench` starts it the same way on 127.0.0.1.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers behind a buffering proxy: (2 × cores) + 1 is the usual start; measure with `make bench`.
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 60)  # Excel imports and XLSX exports are the slowest requests
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 500)
# Only the proxy on this host may set X-Forwarded-* (Django reads X-Forwarded-Proto via SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-")
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Request line and header limits: nothing public needs more; uploads are bodies, limited by Django.
limit_request_line = 8190
limit_request_fields = 100
