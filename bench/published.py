"""`make bench`, section 9: published lists as files (issue 18). Called by bench/run.py with its helpers.

1. ``compile_lists --all`` into ``bench/.data/published`` (every published and superseded version of the 10× set).
2. A cold server (fresh gunicorn processes, Django's dummy cache): first readers of a published list page and of
   its API detail (a query string never sent before, no validator), answered by the app's file path, against
   /healthz on the same server. Target ≥ 0.3×.
3. Repeat readers with REDIS_URL set (a Redis database of the benchmark's own): ≥ 0.8× /healthz.
4. nginx (Debian's package, started here on 127.0.0.1 with the locations of deploy/nginx.conf.example) in front of
   gunicorn: the list page and API detail through ``try_files``, against nginx serving the same page's bytes from a
   plain static location (its floor); then the spike: 1,000 connections for 30 s on the list page through nginx
   (target: 0 errors, p99 < 250 ms), and the same against the app alone (reported).
5. The database stopped: a gunicorn whose database cannot be reached (``BENCH_DB_STOP_CMD`` / ``BENCH_DB_START_CMD``
   stop and start the real server when set; otherwise DATABASE_URL points at a closed port, which is what a stopped
   PostgreSQL looks like to the app): the published list page, API detail, downloads, canonical JSON and static index
   answer 200 through the app and through nginx; a dynamic page answers 503.

Every process is started in its own process group and stopped by it; everything listens on 127.0.0.1.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

TARGETS = {"cold_first": 0.3, "redis_repeat": 0.8, "spike_p99_ms": 250.0}
SPIKE_CONNECTIONS = 1000
SPIKE_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(base: str, path: str, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(base + path, headers=headers or {})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310 - loopback
            r.read()
            return r.status, dict(r.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers)


NGINX_CONF = """
worker_processes {workers};
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
worker_rlimit_nofile 16384;
events {{ worker_connections 8192; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    open_file_cache max=10000 inactive=60s;   # as deploy/nginx.conf.example: a rewrite is seen within 5 s
    open_file_cache_valid 5s;
    keepalive_requests 1000000;
    client_body_temp_path {dir}/tmp/body;
    proxy_temp_path {dir}/tmp/proxy;
    fastcgi_temp_path {dir}/tmp/fastcgi;
    uwsgi_temp_path {dir}/tmp/uwsgi;
    scgi_temp_path {dir}/tmp/scgi;
    upstream ntr_app {{ server 127.0.0.1:{app_port}; keepalive 32; }}
    server {{
        listen 127.0.0.1:{port} backlog=4096 reuseport;
        # nginx's own floor: the same bytes as the list page, from a plain static location.
        location = /floor.html {{ root {dir}/floor; add_header Cache-Control "public, max-age=300" always; }}
        # As deploy/nginx.conf.example (headers inline instead of the snippet; no TLS on loopback).
        location ~ ^/(en/)?lists/([0-9]+|published)/$ {{
            root {root};
            try_files ${{uri}}index.html @app;
            charset utf-8;
            {headers}
            add_header Cache-Control "public, max-age=300" always;
        }}
        location ~ ^/(en/)?lists/[0-9]+/download\\.(csv|xlsx|json)$ {{
            root {root};
            try_files $uri @app;
            charset utf-8;
            charset_types text/csv application/json;
            {headers}
            add_header Cache-Control "public, max-age=300" always;
            add_header Content-Disposition "attachment" always;
        }}
        location ~ ^/(?:en/)?lists/([0-9]+)/canonical\\.json$ {{
            root {root};
            try_files /lists/$1/canonical.json @app;
            default_type application/json;
            {headers}
            add_header Cache-Control "public, max-age=31536000, immutable" always;
        }}
        location ~ ^/api/v1/lists/[0-9]+/$ {{
            error_page 418 = @app;
            if ($args ~ "(^|&)(format|cycle|cycle_year|field|status|track)=") {{ return 418; }}
            root {root};
            try_files ${{uri}}index.json @app;
            default_type application/json;
            {headers}
            add_header Cache-Control "public, max-age=300" always;
        }}
        location @app {{
            proxy_pass http://ntr_app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
        }}
        location / {{
            proxy_pass http://ntr_app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
        }}
    }}
}}
"""
HEADERS = " ".join(
    f'add_header {name} "{value}" always;'
    for name, value in (
        (
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        ),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    )
)


class Nginx:
    def __init__(self, data: Path, published_root: Path, app_port: int, floor_file: Path):
        self.dir = data / "nginx"
        shutil.rmtree(self.dir, ignore_errors=True)
        for sub in ("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi", "floor"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
            os.chmod(self.dir / sub, 0o777)  # noqa: S103 - workers run as nobody when the master is root
        shutil.copyfile(floor_file, self.dir / "floor" / "floor.html")
        os.chmod(self.dir / "floor" / "floor.html", 0o644)
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        conf = NGINX_CONF.format(
            workers=os.cpu_count() or 1,
            dir=self.dir,
            root=published_root,
            app_port=app_port,
            port=self.port,
            headers=HEADERS,
        )
        (self.dir / "nginx.conf").write_text(conf)
        check = subprocess.run(  # noqa: S603
            ["nginx", "-t", "-p", str(self.dir), "-c", str(self.dir / "nginx.conf")],  # noqa: S607
            capture_output=True,
            text=True,
        )
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t failed: {check.stderr}")
        self.proc = subprocess.Popen(  # noqa: S603
            ["nginx", "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"), "-g", "daemon off;"],  # noqa: S607
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                if _get(self.base, "/floor.html")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"nginx did not start: see {self.dir / 'error.log'}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # our own process group: master and workers
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def _ratio(result: dict, health: float) -> float | None:
    return round(result["rps"] / health, 3) if health else None


def _health(wrk, base: str, seconds: int) -> float:
    return wrk(base, "/healthz", seconds=seconds, connections=8)["rps"]


def _unreachable(url: str, data: Path) -> str:
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        return f"sqlite:///{data / 'no-such-directory' / 'stopped.sqlite3'}"
    host = parts.hostname or "127.0.0.1"
    netloc = (f"{parts.username}@" if parts.username else "") + f"{host}:{_free_port()}"
    return urlunsplit(parts._replace(netloc=netloc))


def run(*, main_url, data: Path, gunicorn, wrk, log, manage, run_json, seconds: int) -> dict:
    out: dict = {"notes": []}
    root = data / "published"

    log("9.1 compile_lists --all")
    t0 = time.perf_counter()
    manage(main_url, "compile_lists", "--all", settings="config.settings.production")
    out["compile_all_s"] = round(time.perf_counter() - t0, 1)
    out["files"] = sum(1 for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
    status = run_json(["status"], main_url)
    pk = status.get("a_published_list")
    if not pk:
        out["notes"].append("no published list in the database: nothing to measure")
        return out
    page, api = f"/lists/{pk}/", f"/api/v1/lists/{pk}/"
    out["paths"] = {"page": page, "api": api}
    targets = {"list page": page, "API detail": api}

    log("9.2 a cold server (fresh processes, dummy cache): first readers through the app's file path")
    server = gunicorn(main_url, settings="bench.settings_nocache")
    try:
        health = _health(wrk, server.base, seconds)
        runs = {}
        for label, path in targets.items():
            runs[label] = wrk(server.base, path, mode="unique", seconds=seconds, connections=8)
        health = (health + _health(wrk, server.base, seconds)) / 2
        out["cold"] = {"healthz_rps": round(health, 1), "runs": runs}
        for result in runs.values():
            result["ratio_to_healthz"] = _ratio(result, health)
    finally:
        server.stop()

    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
    try:
        import redis

        redis.Redis.from_url(redis_url, socket_connect_timeout=1).flushdb()
        redis_ok = True
    except Exception as exc:  # noqa: BLE001 - no Redis here: reported, not measured
        redis_ok = False
        out["notes"].append(f"repeat readers with REDIS_URL not measured: {redis_url} unreachable ({exc})")
    if redis_ok:
        log(f"9.3 repeat readers with REDIS_URL={redis_url}")
        server = gunicorn(main_url, REDIS_URL=redis_url)
        try:
            health = _health(wrk, server.base, seconds)
            runs = {}
            for label, path in targets.items():
                etag = _get(server.base, path)[1].get("ETag")
                runs[label] = wrk(
                    server.base, path, seconds=seconds, connections=8, headers={"If-None-Match": etag}
                )
                runs[label]["conditional_status"] = _get(server.base, path, {"If-None-Match": etag})[0]
            health = (health + _health(wrk, server.base, seconds)) / 2
            out["redis"] = {"healthz_rps": round(health, 1), "runs": runs, "redis_url": redis_url}
            for result in runs.values():
                result["ratio_to_healthz"] = _ratio(result, health)
        finally:
            server.stop()

    if shutil.which("nginx") is None:
        out["notes"].append(
            "nginx not installed (apt-get install nginx): the nginx runs and the spike not measured"
        )
    else:
        log("9.4 nginx → files: against nginx's static floor; the spike of 1,000 connections")
        server = gunicorn(main_url, workers=5)
        nginx = None
        try:
            nginx = Nginx(data, root, server.port, root / "lists" / str(pk) / "index.html")
            # The floor before and after (as /healthz elsewhere): this machine is shared and noisy.
            floor_runs = [wrk(nginx.base, "/floor.html", seconds=seconds, connections=8)]
            runs = {}
            for label, path in targets.items():
                runs[label] = wrk(nginx.base, path, mode="unique", seconds=seconds, connections=8)
            floor_runs.append(wrk(nginx.base, "/floor.html", seconds=seconds, connections=8))
            floor = sum(r["rps"] for r in floor_runs) / len(floor_runs)
            runs = {
                "floor (plain static file, same bytes)": {**floor_runs[0], "rps": round(floor, 1)},
                **runs,
            }
            for result in runs.values():
                result["ratio_to_floor"] = round(result["rps"] / floor, 3) if floor else None
            out["nginx"] = {"runs": runs, "floor_rps_runs": [r["rps"] for r in floor_runs]}
            log(f"spike: {SPIKE_CONNECTIONS} connections × {SPIKE_SECONDS} s on {page} through nginx")
            out["spike_nginx"] = wrk(
                nginx.base, page, seconds=SPIKE_SECONDS, connections=SPIKE_CONNECTIONS, threads=2
            )
            log(f"spike: {SPIKE_CONNECTIONS} connections × {SPIKE_SECONDS} s on {page} through the app alone")
            out["spike_app"] = wrk(
                server.base, page, seconds=SPIKE_SECONDS, connections=SPIKE_CONNECTIONS, threads=2
            )
        finally:
            if nginx is not None:
                nginx.stop()
            server.stop()

    log("9.5 the database stopped")
    urls = [
        page,
        f"/en/lists/{pk}/",
        api,
        f"/lists/{pk}/download.csv",
        f"/lists/{pk}/download.xlsx",
        f"/lists/{pk}/download.json",
        f"/lists/{pk}/canonical.json",
        "/lists/published/",
    ]
    stop, start = os.environ.get("BENCH_DB_STOP_CMD"), os.environ.get("BENCH_DB_START_CMD")
    if stop and start:
        url, how = main_url, f"`{stop}` … `{start}`"
        subprocess.run(stop, shell=True, check=True)  # noqa: S602 - the operator's own command
    else:
        url, how = _unreachable(main_url, data), "DATABASE_URL pointing at a closed port (no server answers)"
    server = gunicorn(url)
    nginx = None
    try:
        result = {"how": how, "app": {}, "nginx": {}}
        for path in [*urls, "/lists/", "/tracks/"]:
            result["app"][path] = _get(server.base, path)[0]
        if shutil.which("nginx"):
            nginx = Nginx(data, root, server.port, root / "lists" / str(pk) / "index.html")
            for path in [*urls, "/lists/"]:
                result["nginx"][path] = _get(nginx.base, path)[0]
        out["database_down"] = result
    finally:
        if nginx is not None:
            nginx.stop()
        server.stop()
        if stop and start:
            subprocess.run(start, shell=True, check=True)  # noqa: S602
    return out


def targets(result: dict) -> list[dict]:
    rows = []
    for label, r in (result.get("cold") or {}).get("runs", {}).items():
        rows.append(
            {
                "target": f"{label}, cold server, first reader (app's file path) ≥ {TARGETS['cold_first']}× /healthz",
                "achieved": f"{r['ratio_to_healthz']}× ({r['rps']} req/s)",
                "ok": r["ratio_to_healthz"] >= TARGETS["cold_first"],
            }
        )
    for label, r in (result.get("redis") or {}).get("runs", {}).items():
        rows.append(
            {
                "target": f"{label}, repeat reader with REDIS_URL ≥ {TARGETS['redis_repeat']}× /healthz",
                "achieved": f"{r['ratio_to_healthz']}× ({r['rps']} req/s, {r.get('conditional_status')})",
                "ok": r["ratio_to_healthz"] >= TARGETS["redis_repeat"],
            }
        )
    for label, r in (result.get("nginx") or {}).get("runs", {}).items():
        if not label.startswith("floor"):
            rows.append(
                {
                    "target": f"{label} through nginx → file, against nginx's static floor",
                    "achieved": f"{r['ratio_to_floor']}× ({r['rps']} req/s)",
                    "ok": None,
                }
            )
    spike = result.get("spike_nginx")
    if spike:
        rows.append(
            {
                "target": f"spike {SPIKE_CONNECTIONS} connections × {SPIKE_SECONDS} s via nginx → files: 0 errors, "
                f"p99 < {TARGETS['spike_p99_ms']:.0f} ms",
                "achieved": f"{spike['errors']} errors, p99 {spike['p99_ms']} ms ({spike['rps']} req/s)",
                "ok": spike["errors"] == 0 and spike["p99_ms"] < TARGETS["spike_p99_ms"],
            }
        )
    app = result.get("spike_app")
    if app:
        rows.append(
            {
                "target": "the same spike through the app alone (reported)",
                "achieved": f"{app['errors']} errors, p99 {app['p99_ms']} ms ({app['rps']} req/s)",
                "ok": None,
            }
        )
    down = result.get("database_down")
    if down:
        files_ok = all(
            code == 200
            for where in ("app", "nginx")
            for path, code in down[where].items()
            if path not in ("/lists/", "/tracks/")
        )
        dynamic = [
            code
            for where in ("app", "nginx")
            for path, code in down[where].items()
            if path in ("/lists/", "/tracks/")
        ]
        rows.append(
            {
                "target": "database stopped: page, API detail, downloads, canonical JSON, index 200; dynamic pages 503",
                "achieved": f"files {'all 200' if files_ok else 'NOT all 200'}, dynamic {sorted(set(dynamic))}",
                "ok": files_ok and set(dynamic) == {503},
            }
        )
    return rows


def render(result: dict) -> list[str]:
    lines = [
        "",
        "## 9. Published lists as files (issue 18)",
        "",
        f"`compile_lists --all`: {result.get('compile_all_s')} s, {result.get('files')} files; "
        f"paths measured: `{(result.get('paths') or {}).get('page')}`, `{(result.get('paths') or {}).get('api')}`.",
        "",
        "| run | req/s | ratio | p50 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|",
    ]
    for section, key, label in (
        ("cold", "ratio_to_healthz", "cold server, first reader"),
        ("redis", "ratio_to_healthz", "REDIS_URL, repeat reader"),
        ("nginx", "ratio_to_floor", "nginx"),
    ):
        data = result.get(section) or {}
        if "healthz_rps" in data:
            lines.append(f"| /healthz ({label}) | {data['healthz_rps']} | 1 | | | |")
        for name, r in data.get("runs", {}).items():
            lines.append(
                f"| {name} ({label}) | {r['rps']} | {r.get(key)} | {r['p50_ms']} | {r['p99_ms']} | {r['errors']} |"
            )
    for key, label in (("spike_nginx", "spike via nginx"), ("spike_app", "spike, app alone")):
        r = result.get(key)
        if r:
            lines.append(
                f"| {label} ({SPIKE_CONNECTIONS} conn.) | {r['rps']} | | {r['p50_ms']} | {r['p99_ms']} | {r['errors']} |"
            )
    down = result.get("database_down")
    if down:
        lines += ["", f"Database stopped ({down['how']}):", ""]
        for where in ("app", "nginx"):
            if down[where]:
                lines.append(f"- {where}: " + ", ".join(f"`{p}` {c}" for p, c in down[where].items()))
    lines += [f"- note: {n}" for n in result.get("notes", [])]
    return lines
