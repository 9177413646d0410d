"""`make bench`: the registry's benchmarks in one run, written to bench/results/latest.md and latest.json.

Runs on DATABASE_URL (PostgreSQL or SQLite; without it a SQLite file under bench/.data/, never the dev database).
That database is the 10× data set (ten cycles); a second one beside it (name + "_1x") holds one cycle of the same
shape. Both are filled with `manage.py generate_scale` when they hold no nominations yet.

1. SQL queries per request of every public page and API list (discovered by crawling the public site and the API
   root) at 1× and 10× data;
2. server-side time (median, p95) of the list, track and zone pages and the API list and detail (Django's test
   client, in process, warm and with the cache cleared before every request);
3. throughput of gunicorn (2 workers, production settings, DEBUG off, SSL redirect off for loopback) under wrk:
   the list page and the API detail against /healthz, for a repeat reader (conditional GET when the page has an
   ETag) and a first reader (a query parameter never seen before);
4. ranking one cycle against one SQL GROUP BY over that cycle's scores;
5. Excel import of 1,000 nominations by one province (when tracks/imports.py exists), and that a bad row leaves
   nothing;
6. the load test: 50 clients for 60 s over the public pages and the API, errors and p95;
9. published lists as files (bench/published.py): a cold server's first readers, repeat readers with Redis, nginx
   against its static floor, a spike of 1,000 connections, and the database stopped.

All traffic goes to 127.0.0.1; every loop is bounded in count and time. Environment knobs: BENCH_SKIP (comma list
of: queries,timing,throughput,ranking,import,load,published), BENCH_THROUGHPUT_SECONDS (10), BENCH_LOAD_SECONDS (60),
BENCH_LOAD_CLIENTS (50), BENCH_CYCLES (10), BENCH_NOMINATIONS (2000), BENCH_TRACKS (200), BENCH_REVIEWERS (300).
"""

import datetime
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / ".data"
RESULTS = BENCH / "results"
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
WRK_SCRIPT = BENCH / "wrk" / "bench.lua"

QUERY_BUDGET = 10
TARGETS = {"repeat": 0.8, "first": 0.1, "ranking": 3.0, "import_s": 10.0}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


SKIP = {s.strip() for s in os.environ.get("BENCH_SKIP", "").split(",") if s.strip()}
SCALE = {
    "cycles": env_int("BENCH_CYCLES", 10),
    "nominations_per_cycle": env_int("BENCH_NOMINATIONS", 2000),
    "tracks": env_int("BENCH_TRACKS", 200),
    "reviewers": env_int("BENCH_REVIEWERS", 300),
    "reviewers_per_nomination": 5,
}


# ---------------------------------------------------------------------------------------------------------------
# databases and subprocesses
# ---------------------------------------------------------------------------------------------------------------


def database_urls() -> tuple[str, str]:
    main = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA / 'bench_10x.sqlite3'}"
    parts = urlsplit(main)
    if parts.scheme.startswith("sqlite"):
        path = Path(parts.path[1:])  # sqlite:////abs/file → /abs/file; sqlite:///rel/file → rel/file
        stem = path.stem.removesuffix("_10x")
        small_path = path.with_name(f"{stem}_1x{path.suffix or '.sqlite3'}")
        small = f"sqlite:///{small_path}"
    else:
        name = parts.path.lstrip("/")
        small = urlunsplit(parts._replace(path=f"/{name}_1x"))
    return main, small


def describe(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        return f"SQLite {parts.path[1:]}"
    return f"PostgreSQL {parts.hostname}:{parts.port or 5432}/{parts.path.lstrip('/')}"


def django_env(url: str, **extra) -> dict:
    """Production settings, as deployed, with what loopback benchmarking needs."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": BENCH_SECRET,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_STATIC_ROOT": str(DATA / "static"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(DATA / "media"),
        "DJANGO_PUBLISHED_ROOT": str(DATA / "published"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
    }
    env.update(extra)
    return env


BENCH_SECRET = secrets.token_urlsafe(50)


def run_json(args: list[str], url: str, timeout: int = 900) -> dict:
    proc = subprocess.run(  # noqa: S603 - our own interpreter and scripts
        [PYTHON, str(BENCH / "probe.py"), *args],
        env=django_env(url),
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"probe {args} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(lines[-1])


def manage(url: str, *args: str, timeout: int = 1800, settings: str = "config.settings.dev") -> None:
    env = django_env(url, DJANGO_SETTINGS_MODULE=settings)
    subprocess.run([PYTHON, "manage.py", *args], env=env, cwd=ROOT, check=True, timeout=timeout)  # noqa: S603


def ensure_postgres_database(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite"):
        Path(parts.path[1:]).parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def ensure_data(url: str, cycles: int) -> dict:
    ensure_postgres_database(url)
    manage(url, "migrate", "--noinput", "-v0")
    status = run_json(["status"], url)
    if status.get("nominations", 0) == 0:
        log(f"generating {cycles} cycle(s) of scale data in {describe(url)} (takes a few minutes at 10×)")
        t0 = time.perf_counter()
        manage(
            url,
            "generate_scale",
            f"--cycles={cycles}",
            f"--nominations-per-cycle={SCALE['nominations_per_cycle']}",
            f"--tracks={SCALE['tracks']}",
            f"--reviewers={SCALE['reviewers']}",
            f"--reviewers-per-nomination={SCALE['reviewers_per_nomination']}",
            "--seed=1",
        )
        status = run_json(["status"], url)
        status["generated_in_s"] = round(time.perf_counter() - t0, 1)
    status["database"] = describe(url)
    return status


# ---------------------------------------------------------------------------------------------------------------
# 1. queries per request
# ---------------------------------------------------------------------------------------------------------------


def compare_queries(small: dict, large: dict) -> list[dict]:
    rows = []
    for route in sorted(set(small["routes"]) | set(large["routes"])):
        s = small["routes"].get(route)
        g = large["routes"].get(route)
        q1 = s["queries_cold_max"] if s else None
        q10 = g["queries_cold_max"] if g else None
        present = [q for q in (q1, q10) if q is not None]
        rows.append(
            {
                "route": route,
                "api": route.startswith("api/"),
                "example": (g or s)["examples"][0]["path"],
                "queries_1x": q1,
                "queries_10x": q10,
                "warm_10x": g["queries_warm_max"] if g else None,
                "equal": q1 == q10 if s and g else None,
                "within_budget": all(q <= QUERY_BUDGET for q in present),
                "etag": bool((g or s)["examples"][0].get("etag")),
                "last_modified": bool((g or s)["examples"][0].get("last_modified")),
                "conditional_status": (g or s)["examples"][0].get("conditional_status"),
            }
        )
    return rows


# Which discovered routes are "the list page", "the track page" … (the public site's owner names its URLs).
KEY_PAGES = {
    "home page": r"^$",
    "list page": r"^lists?/<[^/]+>/$",
    "track page": r"^tracks?/<[^/]+>/$",
    "zone page": r"^zones?/<[^/]+>/$",
    "API list": r"^api/v1/lists/$",
    "API detail": r"^api/v1/lists/<[^/]+>/$",
}


def key_paths(routes: dict) -> dict:
    found = {}
    for name, pattern in KEY_PAGES.items():
        candidates = sorted(r for r in routes if re.match(pattern, r))
        if not candidates and name.endswith("page"):
            # A route with more than one parameter (lists/<year>/<slug>/), still one page per object.
            stem = pattern.split("/")[0].lstrip("^")
            candidates = sorted(
                r
                for r in routes
                if re.match(stem + "/", r)
                and "<" in r
                and "?" not in r
                and not re.search(r"export|download|csv|xlsx|json|history|objection|versions?/", r)
            )
        if candidates:
            found[name] = routes[candidates[0]]["examples"][0]["path"]
    return found


# ---------------------------------------------------------------------------------------------------------------
# 3 and 6. gunicorn and wrk
# ---------------------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    def __init__(
        self,
        url: str,
        workers: int = 2,
        settings: str = "config.settings.production",
        app: str = "config.wsgi:application",
        **extra_env: str,
    ):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(DATA / "gunicorn.log", "w")  # noqa: SIM115 - closed in stop()
        env = django_env(
            url,
            GUNICORN_BIND=f"127.0.0.1:{self.port}",
            GUNICORN_WORKERS=str(workers),
            GUNICORN_ACCESSLOG="",
            GUNICORN_LOGLEVEL="warning",
            GUNICORN_MAX_REQUESTS="0",
            DJANGO_SETTINGS_MODULE=settings,
            **extra_env,
        )
        self.proc = subprocess.Popen(  # noqa: S603
            [GUNICORN, "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), app],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {DATA / 'gunicorn.log'}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as r:  # noqa: S310 - loopback
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, int]:
        request = urllib.request.Request(self.base + path, headers=headers or {})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310 - loopback
                return r.status, dict(r.headers), len(r.read())
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), 0

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # our own process group: gunicorn and its workers
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def locust(base: str, path: str, *, mode: str, seconds: int, connections: int, headers, paths) -> dict:
    """The same measurement with locust (the `bench` extra) when wrk is not installed."""
    import csv

    prefix = DATA / f"locust-{mode}"
    env = {
        **os.environ,
        "BENCH_MODE": mode,
        "BENCH_PATHS": " ".join(paths or [path]),
        "BENCH_HEADERS": json.dumps(headers or {}),
    }
    args = [str(Path(PYTHON).with_name("locust")), "-f", str(BENCH / "locustfile.py"), "--headless"]
    args += ["-u", str(connections), "-r", str(connections), "-t", f"{seconds}s", "--host", base]
    args += ["--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"]
    subprocess.run(args, env=env, capture_output=True, text=True, timeout=seconds + 120)  # noqa: S603
    with open(f"{prefix}_stats.csv", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
    failures = int(row["Failure Count"])
    return {
        "requests": int(row["Request Count"]),
        "rps": round(float(row["Requests/s"]), 1),
        "errors": failures,
        "connect": 0,
        "read": 0,
        "write": 0,
        "timeout": 0,
        "status": failures,
        "p50_ms": float(row["50%"]),
        "p90_ms": float(row["90%"]),
        "p95_ms": float(row["95%"]),
        "p99_ms": float(row["99%"]),
        "max_ms": float(row["Max Response Time"]),
        "generator": "locust",
    }


def wrk(
    base: str,
    path: str,
    *,
    mode: str = "plain",
    seconds: int,
    connections: int,
    threads: int = 1,
    headers: dict | None = None,
    paths: list[str] | None = None,
) -> dict:
    args = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(WRK_SCRIPT),
    ]
    for key, value in (headers or {}).items():
        args += ["-H", f"{key}: {value}"]
    args.append(base + path)
    env = {**os.environ, "BENCH_MODE": mode, "BENCH_PATHS": " ".join(paths or [])}
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=seconds + 60)  # noqa: S603
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("BENCHJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {proc.stdout[-2000:]} {proc.stderr[-2000:]}")
    data = json.loads(line.removeprefix("BENCHJSON "))
    data["rps"] = round(data["requests"] / (data["duration_us"] / 1e6), 1)
    data["generator"] = "wrk"
    data["errors"] = data["connect"] + data["read"] + data["write"] + data["timeout"] + data["status"]
    for key in ("p50", "p90", "p95", "p99", "max"):
        data[f"{key}_ms"] = round(data.pop(f"{key}_us") / 1000, 1)
    return data


def throughput(
    server: Gunicorn, targets: dict, seconds: int, *, repeat: bool = True, suffix: str = ""
) -> dict:
    out = {
        "seconds": seconds,
        "connections": 8,
        "runs": {},
        "generator": "wrk" if shutil.which("wrk") else "locust",
    }

    def run(name, path, **kw):
        log(f"wrk {name}: {path}")
        result = wrk(server.base, path, seconds=seconds, connections=8, **kw)
        result["path"] = path
        out["runs"][name] = result
        return result

    wrk(server.base, "/healthz", seconds=2, connections=8)  # warm both workers
    first_health = run("healthz" + suffix, "/healthz")
    for label, path in targets.items():
        status, headers, size = server.get(path)
        validators = {}
        if headers.get("ETag"):
            validators["If-None-Match"] = headers["ETag"]
        if headers.get("Last-Modified"):
            validators["If-Modified-Since"] = headers["Last-Modified"]
        conditional_status = server.get(path, validators)[0] if validators else None
        info = {
            "status": status,
            "bytes": size,
            "validators": sorted(validators),
            "conditional_status": conditional_status,
        }
        wrk(server.base, path, seconds=2, connections=8)  # warm the server-side cache
        if repeat:
            again = run(
                f"{label} · repeat reader", path, headers=validators if conditional_status == 304 else None
            )
            again.update(
                info,
                kind="conditional GET → 304" if conditional_status == 304 else "plain GET of a warm page",
            )
        first = run(f"{label} · first reader{suffix}", path, mode="unique")
        first.update(
            info,
            kind="unseen query parameter, no validators"
            + (
                "; every request renders from the database"
                if suffix
                else "; the server-side cache may answer"
            ),
        )
    last_health = run("healthz (again)" + suffix, "/healthz")
    health_rps = (first_health["rps"] + last_health["rps"]) / 2
    out["healthz_rps"] = round(health_rps, 1)
    for result in out["runs"].values():
        result["ratio_to_healthz"] = round(result["rps"] / health_rps, 3) if health_rps else None
    return out


# ---------------------------------------------------------------------------------------------------------------
# the report
# ---------------------------------------------------------------------------------------------------------------


def verdict(ok) -> str:
    return "—" if ok is None else ("met" if ok else "**missed**")


def render(results: dict) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Run {results['started']} on {results['machine']}; {results['database']['10x']['database']} "
        f"(10×: {results['database']['10x'].get('nominations')} nominations, {results['database']['10x'].get('scores')} "
        f"scores, {results['database']['10x'].get('published_lists')} published lists) and "
        f"{results['database']['1x']['database']} (1×: {results['database']['1x'].get('nominations')} nominations). "
        "Production settings (DEBUG off), a throwaway secret key, SSL redirect off for loopback. "
        "This machine is shared and noisy: read the ratios, not the absolute figures. "
        "What the profiles show and the fixes: `bench/results/analysis.md`.",
        "",
        "## Targets",
        "",
        "| target | achieved | verdict |",
        "|---|---|---|",
    ]
    for row in results["targets"]:
        lines.append(f"| {row['target']} | {row['achieved']} | {verdict(row['ok'])} |")
    notes = results.get("notes") or []
    if notes:
        lines += ["", "Notes:", ""] + [f"- {n}" for n in notes]

    q = results.get("queries")
    if q:
        lines += [
            "",
            f"## 1. SQL queries per request (cache cleared before each; budget ≤ {QUERY_BUDGET}, equal at 1× and 10×)",
            "",
            "| route | example (10×) | 1× | 10× | warm 10× | equal | ≤ budget | ETag / Last-Modified → conditional |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in q["rows"]:
            cond = f"{'ETag' if r['etag'] else '–'} / {'LM' if r['last_modified'] else '–'} → {r['conditional_status'] or '–'}"
            lines.append(
                f"| `{r['route']}` | `{r['example']}` | {r['queries_1x'] if r['queries_1x'] is not None else 'n/a'} "
                f"| {r['queries_10x'] if r['queries_10x'] is not None else 'n/a'} | {r['warm_10x'] if r['warm_10x'] is not None else 'n/a'} "
                f"| {verdict(r['equal'])} | {verdict(r['within_budget'])} | {cond} |"
            )
        for name in q.get("missing", []):
            lines.append(f"| {name} | not found | n/a | n/a | n/a | — | — | — |")

    t = results.get("timing")
    if t:
        lines += [
            "",
            "## 2. Server-side time (Django test client in process, 10× data)",
            "",
            "| page | path | n | warm median ms | warm p95 ms | cache-cleared median ms | cache-cleared p95 ms |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, r in t.items():
            lines.append(
                f"| {name} | `{r['path']}` | {r['warm']['n']} | {r['warm']['median_ms']} | {r['warm']['p95_ms']} "
                f"| {r['cold']['median_ms']} | {r['cold']['p95_ms']} |"
            )

    if t:
        lines += ["", "Profile of one cache-cleared request per page (top functions by own time):"]
        for name, r in t.items():
            if r.get("profile"):
                lines += ["", f"{name} `{r['path']}`:", "", "```", *r["profile"].splitlines()[:16], "```"]

    th = results.get("throughput")
    if th:
        lines += [
            "",
            f"## 3. Throughput (gunicorn 2 sync workers, {th['generator']} × {th['connections']} connections × "
            f"{th['seconds']} s each, 127.0.0.1)",
            "",
            f"/healthz (same middleware, no database): {th['healthz_rps']} req/s (mean of the first and last run; "
            f"{th.get('healthz_rps_cache_off_server', '–')} req/s on the server with the cache off, which the "
            "'server cache off' rows are divided by). Repeat readers send the page's ETag back (If-None-Match).",
            "",
            "| run | path | what | req/s | × /healthz | p50 ms | p95 ms | non-2xx/3xx + socket errors |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for name, r in th["runs"].items():
            lines.append(
                f"| {name} | `{r['path']}` | {r.get('kind', '')} | {r['rps']} | {r['ratio_to_healthz']} "
                f"| {r['p50_ms']} | {r['p95_ms']} | {r['errors']} |"
            )

    rk = results.get("ranking")
    if rk:
        lines += [
            "",
            f"## 4. Ranking one cycle ({rk['cycle']}: {rk['nominations']} nominations, {rk['scores']} scores)",
            "",
            "| step | seconds |",
            "|---|---|",
            f"| one SQL GROUP BY (nomination × criterion: AVG, COUNT) over the cycle's scores | {rk['sql_group_by_s']} |",
            f"| ranking_inputs_collect (3 queries) | {rk['collect_inputs_s']} |",
            f"| ranking_results_compute (pure Python, exact fractions) | {rk['rank_inputs_s']} |",
            f"| ranking_compute (collect, rank, hash, store snapshot, audit; rolled back) | {rk['ranking_compute_s']} |",
            "",
            f"Ratio ranking_compute / SQL floor: **{rk['ratio_compute_to_sql']}×**; collect + rank / SQL floor: "
            f"{rk['ratio_collect_rank_to_sql']}×.",
            "",
            "Profile of one ranking_compute (top functions by own time):",
            "",
            "```",
            *[ln for ln in rk["profile"].splitlines() if ln.strip()][:32],
            "```",
        ]

    im = results.get("import")
    if im is not None:
        lines += ["", "## 5. Excel import of 1,000 nominations by one province", ""]
        if im.get("skipped"):
            lines.append(f"Not measured: {im['skipped']}")
        else:
            for key, value in im.items():
                lines.append(f"- {key}: {value}")

    ld = results.get("load")
    if ld:
        lines += [
            "",
            f"## 6. Load test: {ld['connections']} clients, {ld['seconds']} s, round-robin over {len(ld['paths'])} public "
            "pages and API URLs",
            "",
            f"- requests: {ld['requests']} ({ld['rps']} req/s)",
            f"- errors: {ld['errors']} (connect {ld['connect']}, read {ld['read']}, write {ld['write']}, "
            f"timeout {ld['timeout']}, non-2xx/3xx {ld['status']})",
            f"- latency: p50 {ld['p50_ms']} ms, p90 {ld['p90_ms']} ms, **p95 {ld['p95_ms']} ms**, p99 {ld['p99_ms']} ms, "
            f"max {ld['max_ms']} ms",
            "- URLs: " + ", ".join(f"`{p}`" for p in ld["paths"]),
        ]
    if results.get("published"):
        import published

        lines += published.render(results["published"])
    for section, error in results.get("errors", {}).items():
        lines += ["", f"## {section}: failed", "", "```", error[-3000:], "```"]
    return "\n".join(lines) + "\n"


def build_targets(results: dict) -> list[dict]:
    rows = []
    q = results.get("queries")
    if q:
        bad_budget = [r["route"] for r in q["rows"] if not r["within_budget"]]
        unequal = [r["route"] for r in q["rows"] if r["equal"] is False]
        worst = max(
            (max(x for x in (r["queries_1x"], r["queries_10x"]) if x is not None) for r in q["rows"]),
            default=0,
        )
        rows.append(
            {
                "target": f"≤ {QUERY_BUDGET} queries on every public page and API list",
                "achieved": f"{len(q['rows'])} routes, worst {worst}"
                + (f"; over: {', '.join(bad_budget)}" if bad_budget else ""),
                "ok": not bad_budget if q["rows"] else None,
            }
        )
        rows.append(
            {
                "target": "same query count at 1× and 10× data",
                "achieved": "all equal" if not unequal else f"differ: {', '.join(unequal)}",
                "ok": not unequal if q["rows"] else None,
            }
        )
    th = results.get("throughput")
    if th:
        for name, r in th["runs"].items():
            if "repeat reader" in name:
                rows.append(
                    {
                        "target": f"{name} ≥ {TARGETS['repeat']}× /healthz",
                        "achieved": f"{r['ratio_to_healthz']}× ({r['rps']} req/s)",
                        "ok": r["ratio_to_healthz"] >= TARGETS["repeat"],
                    }
                )
            elif "first reader" in name:
                rows.append(
                    {
                        "target": f"{name} ≥ {TARGETS['first']}× /healthz",
                        "achieved": f"{r['ratio_to_healthz']}× ({r['rps']} req/s)",
                        "ok": r["ratio_to_healthz"] >= TARGETS["first"],
                    }
                )
    rk = results.get("ranking")
    if rk:
        rows.append(
            {
                "target": f"ranking ≤ {TARGETS['ranking']}× its SQL floor",
                "achieved": f"{rk['ratio_compute_to_sql']}× ({rk['ranking_compute_s']} s vs {rk['sql_group_by_s']} s)",
                "ok": rk["ratio_compute_to_sql"] <= TARGETS["ranking"],
            }
        )
    im = results.get("import")
    if im and not im.get("skipped"):
        rows.append(
            {
                "target": f"import of 1,000 rows ≤ {TARGETS['import_s']} s",
                "achieved": f"{im.get('seconds')} s",
                "ok": im.get("seconds") is not None
                and im["seconds"] <= TARGETS["import_s"]
                and im.get("created") == 1000,
            }
        )
        rows.append(
            {
                "target": "a bad row leaves nothing behind",
                "achieved": f"{im.get('bad_file_left')} rows left",
                "ok": im.get("bad_file_left") == 0,
            }
        )
    if results.get("published"):
        import published

        rows += published.targets(results["published"])
    ld = results.get("load")
    if ld:
        rows.append(
            {
                "target": f"load test {ld['connections']} clients × {ld['seconds']} s: 0 errors, p95 reported",
                "achieved": f"{ld['errors']} errors, p95 {ld['p95_ms']} ms",
                "ok": ld["errors"] == 0,
            }
        )
    return rows


def main() -> int:
    if shutil.which("wrk") is None and not {"throughput", "load"} <= SKIP:
        if not Path(PYTHON).with_name("locust").exists():
            print(
                "Neither wrk nor locust is installed. Install Debian's wrk:  sudo apt-get install wrk\n"
                "or the bench extra:  .venv/bin/pip install -e '.[bench]'\n"
                "(or run with BENCH_SKIP=throughput,load to measure the rest)",
                file=sys.stderr,
            )
            return 2
        log("wrk is not installed (sudo apt-get install wrk): falling back to locust, which is slower")
    DATA.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    main_url, small_url = database_urls()
    results = {
        "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}",
        "scale": SCALE,
        "notes": [],
        "errors": {},
    }
    log(f"10× database: {describe(main_url)}; 1× database: {describe(small_url)}")
    results["database"] = {"10x": ensure_data(main_url, SCALE["cycles"]), "1x": ensure_data(small_url, 1)}
    log("collectstatic (production storage needs the manifest)")
    manage(main_url, "collectstatic", "--noinput", "-v0", settings="config.settings.production")

    def section(name, func):
        if name in SKIP:
            results["notes"].append(f"{name}: skipped (BENCH_SKIP)")
            return None
        try:
            return func()
        except Exception as exc:  # noqa: BLE001 - one failed section must not lose the others' figures
            import traceback

            results["errors"][name] = traceback.format_exc()
            log(f"{name} failed: {exc}")
            return None

    def queries():
        log("1. discovering public pages and counting queries at 1× and 10×")
        large = run_json(["queries"], main_url)
        small = run_json(["queries"], small_url)
        rows = compare_queries(small, large)
        missing = [name for name in KEY_PAGES if name not in key_paths(large["routes"])]
        if missing:
            results["notes"].append("not found by the crawler (not built yet?): " + ", ".join(missing))
        results["raw_queries"] = {"1x": small, "10x": large}
        return {"rows": rows, "missing": missing, "key_paths": key_paths(large["routes"])}

    results["queries"] = section("queries", queries)
    keys = (results["queries"] or {}).get("key_paths") or {}

    def timing():
        log("2. server-side time")
        spec = DATA / "timing.json"
        spec.write_text(json.dumps({"paths": keys, "iterations": 300, "budget_s": 15}))
        return run_json(["timing", str(spec)], main_url)["timing"]

    results["timing"] = section("timing", timing) if keys else None

    def ranking():
        log("4. ranking against its SQL floor")
        return run_json(["ranking"], main_url)["ranking"]

    results["ranking"] = section("ranking", ranking)

    def excel_import():
        if not (ROOT / "tracks" / "imports.py").exists():
            return {"skipped": "tracks/imports.py does not exist yet"}
        log("5. Excel import")
        return run_json(["import"], main_url)["import"] or {"skipped": "no import entry point found"}

    results["import"] = section("import", excel_import)

    if not {"throughput", "load"} <= SKIP:
        server = None
        try:
            log("starting gunicorn (2 workers, production settings)")
            server = Gunicorn(main_url)
            targets = {k: v for k, v in keys.items() if k in ("list page", "API detail")}
            for name in ("list page", "API detail"):
                if name not in targets:
                    results["notes"].append(f"throughput of the {name}: not measured, the page was not found")
            seconds = env_int("BENCH_THROUGHPUT_SECONDS", 10)
            results["throughput"] = section("throughput", lambda: throughput(server, targets, seconds))

            def load():
                rows = (results["queries"] or {}).get("rows") or []
                paths = [r["example"] for r in rows] or ["/", "/healthz"]
                clients = env_int("BENCH_LOAD_CLIENTS", 50)
                seconds = env_int("BENCH_LOAD_SECONDS", 60)
                log(f"6. load test: {clients} clients × {seconds} s over {len(paths)} URLs")
                data = wrk(
                    server.base,
                    paths[0],
                    mode="mix",
                    seconds=seconds,
                    connections=clients,
                    threads=2,
                    paths=paths,
                )
                data.update(connections=clients, seconds=seconds, paths=paths)
                return data

            results["load"] = section("load", load)
            server.stop()
            server = None
            if "throughput" not in SKIP and targets:
                log(
                    "restarting gunicorn with the cache off (bench/settings_nocache.py): first readers, uncached"
                )
                server = Gunicorn(main_url, settings="bench.settings_nocache")
                cold = section(
                    "throughput (cache off)",
                    lambda: throughput(server, targets, seconds, repeat=False, suffix=", server cache off"),
                )
                if cold and results.get("throughput"):
                    results["throughput"]["runs"].update(cold["runs"])
                    results["throughput"]["healthz_rps_cache_off_server"] = cold["healthz_rps"]
                server.stop()
                server = None
        except Exception as exc:  # noqa: BLE001
            import traceback

            results["errors"]["gunicorn"] = traceback.format_exc()
            log(f"gunicorn failed: {exc}")
        finally:
            if server is not None:
                server.stop()

    def published_files():
        import published

        return published.run(
            main_url=main_url,
            data=DATA,
            gunicorn=Gunicorn,
            wrk=wrk,
            log=log,
            manage=manage,
            run_json=run_json,
            seconds=env_int("BENCH_THROUGHPUT_SECONDS", 10),
        )

    results["published"] = section("published", published_files)

    results["targets"] = build_targets(results)
    (RESULTS / "latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    (RESULTS / "latest.md").write_text(render(results))
    log(f"wrote {RESULTS / 'latest.md'} and latest.json")
    print(render(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
