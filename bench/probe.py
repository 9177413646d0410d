"""In-process measurements for `make bench`, run by bench/run.py once per database with DATABASE_URL set.

    python bench/probe.py status            does the database hold scale data?
    python bench/probe.py queries           discover the public pages and API lists; SQL queries per request
    python bench/probe.py timing PATHS.json server-side time (median, p95) with Django's test client
    python bench/probe.py ranking           ranking one cycle against one SQL GROUP BY over its scores
    python bench/probe.py import            Excel import of 1,000 nominations by one province (if tracks/imports.py)

Each prints one JSON document on the last line of stdout. Nothing here writes to the database except inside a
transaction that is rolled back (ranking_compute, the import).
"""

import cProfile
import io
import json
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve  # noqa: E402

# Paths that are not the public site: staff, accounts, portals, schema generation, language switch, probes.
PRIVATE_PREFIXES = (
    "admin/",
    "accounts/",
    "portal/",
    "i18n/",
    "review/",
    "staff/",
    "en/",
    "api/schema",
    "api/docs",
)
PRIVATE_API = (
    "api/v1/nominations",
    "api/v1/me",
    "api/v1/auth",
    "api/v1/token",
    "api/v1/monitoring",
    "api/v1/portal",
)
STATIC_PREFIXES = ("/static/", "/media/", "/__")
MAX_FETCHES = 400
PER_GROUP = 3
HREF = re.compile(r"""href=["']([^"'#]+)["']""")


def emit(data) -> None:
    print(json.dumps(data, ensure_ascii=False, default=str))


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# ---------------------------------------------------------------------------------------------------------------
# status
# ---------------------------------------------------------------------------------------------------------------


def cmd_status() -> None:
    from tracks.models import Cycle, ListStatus, Nomination, ParkList, Score

    try:
        data = {
            "migrated": True,
            "cycles": sorted(Cycle.objects.values_list("year", flat=True)),
            "nominations": Nomination.objects.count(),
            "scores": Score.objects.count(),
            "published_lists": ParkList.objects.filter(status=ListStatus.PUBLISHED).count(),
            "a_published_list": ParkList.objects.filter(status=ListStatus.PUBLISHED)
            .order_by("-cycle__year", "pk")
            .values_list("pk", flat=True)
            .first(),
        }
    except Exception as exc:  # noqa: BLE001 - an unmigrated database
        data = {"migrated": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    data["vendor"] = connection.vendor
    emit(data)


# ---------------------------------------------------------------------------------------------------------------
# discovery and query counts
# ---------------------------------------------------------------------------------------------------------------


def _route_patterns(patterns=None, prefix="") -> list[str]:
    """Every route of the URL configuration, as the text of its pattern (e.g. 'lists/<int:pk>/')."""
    out = []
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        text = str(p.pattern)
        text = text.lstrip("^").rstrip("$").replace("\\Z", "")
        if isinstance(p, URLResolver):
            out += _route_patterns(p.url_patterns, prefix + text)
        elif isinstance(p, URLPattern):
            out.append(prefix + text)
    return out


def _is_public_route(route: str) -> bool:
    route = route.lstrip("/")
    return not route.startswith(PRIVATE_PREFIXES) and not route.startswith(PRIVATE_API)


def _seeds() -> list[str]:
    seeds = ["/", "/lists/", "/tracks/", "/zones/", "/library/", "/api/v1/"]
    for route in _route_patterns():
        if "<" in route or "(" in route or "?" in route or "\\" in route:
            continue
        if _is_public_route(route) and route not in ("healthz", "readyz"):
            seeds.append("/" + route)
    return list(dict.fromkeys(seeds))


def _links(response, base_path: str) -> list[str]:
    ctype = response.get("Content-Type", "")
    found = []
    if "html" in ctype:
        found = HREF.findall(response.content.decode("utf-8", "replace"))
    elif "json" in ctype:

        def walk(value):
            if isinstance(value, dict):
                for item in value.values():
                    yield from walk(item)
            elif isinstance(value, list):
                for item in value:
                    yield from walk(item)
            elif isinstance(value, str) and (value.startswith("http://testserver/") or value.startswith("/")):
                yield value

        try:
            found = list(walk(json.loads(response.content)))
        except ValueError:
            found = []
    paths = []
    for link in found:
        link = link.replace("&amp;", "&")
        parts = urlsplit(link)
        if parts.netloc and parts.netloc not in ("testserver", "127.0.0.1"):
            continue
        path = parts.path
        if not path.startswith("/"):
            if parts.scheme:
                continue
            path = base_path.rsplit("/", 1)[0] + "/" + path
        if path.startswith(STATIC_PREFIXES):
            continue
        paths.append(path + (f"?{parts.query}" if parts.query else ""))
    return paths


def _normalise_route(route: str) -> str:
    """'api/v1/lists/(?P<pk>[^/.]+)/$' → 'api/v1/lists/<pk>/'; 'lists/<int:pk>/' stays as it is."""
    route = route.lstrip("^").removesuffix("$").removesuffix("\\Z")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)
    return route.replace("\\.", ".")


def _group(path: str):
    """(route, query keys) of a path, or None when it is not a public route."""
    parts = urlsplit(path)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    route = _normalise_route(match.route or parts.path.lstrip("/"))
    if not _is_public_route(route) or route in ("healthz", "readyz"):
        return None
    keys = tuple(sorted({kv.split("=", 1)[0] for kv in parts.query.split("&") if kv}))
    # Download formats are one route with a format parameter: keep them apart.
    fmt = re.search(r"(?:^|&)(?:format|fmt)=([^&]+)", parts.query)
    return (route, keys + ((f"format={fmt.group(1)}",) if fmt else ()))


def discover(client: Client) -> dict:
    """Crawl the public site and API from its index pages: up to PER_GROUP examples of every route."""
    groups: dict[tuple, list[str]] = {}
    queue = _seeds()
    seen = set()
    fetches = 0
    while queue and fetches < MAX_FETCHES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        key = _group(path)
        if key is None or len(groups.get(key, [])) >= PER_GROUP:
            continue
        fetches += 1
        response = client.get(path)
        if response.status_code != 200:
            continue
        groups.setdefault(key, []).append(path)
        if getattr(response, "streaming", False):
            continue
        for link in _links(response, path):
            if link not in seen:
                queue.append(link)
    return {
        f"{route}{'?' + '&'.join(keys) if keys else ''}": paths for (route, keys), paths in groups.items()
    }


def measure_queries(client: Client, path: str) -> dict:
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        response = client.get(path)
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    with CaptureQueriesContext(connection) as warm:
        client.get(path)
    result = {
        "path": path,
        "status": response.status_code,
        "bytes": len(body),
        "queries_cold": len(cold.captured_queries),
        "queries_warm": len(warm.captured_queries),
        "etag": response.get("ETag"),
        "last_modified": response.get("Last-Modified"),
        "cache_control": response.get("Cache-Control"),
        "vary": response.get("Vary"),
        "content_type": response.get("Content-Type"),
        "cold_sql": [
            {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:1500]} for q in cold.captured_queries
        ],
    }
    if result["etag"] or result["last_modified"]:
        headers = {}
        if result["etag"]:
            headers["HTTP_IF_NONE_MATCH"] = result["etag"]
        if result["last_modified"]:
            headers["HTTP_IF_MODIFIED_SINCE"] = result["last_modified"]
        with CaptureQueriesContext(connection) as conditional:
            again = client.get(path, **headers)
        result["conditional_status"] = again.status_code
        result["queries_conditional"] = len(conditional.captured_queries)
    return result


def cmd_queries() -> None:
    client = Client()
    groups = discover(client)
    routes = {}
    for name, paths in sorted(groups.items()):
        measured = [measure_queries(client, p) for p in paths]
        worst = max(measured, key=lambda m: m["queries_cold"])
        routes[name] = {
            "examples": measured,
            "queries_cold_max": worst["queries_cold"],
            "queries_warm_max": max(m["queries_warm"] for m in measured),
            "is_api": name.startswith("api/"),
        }
    emit({"routes": routes})


# ---------------------------------------------------------------------------------------------------------------
# server-side time
# ---------------------------------------------------------------------------------------------------------------


def time_path(client: Client, path: str, iterations: int, cold: bool, budget_s: float) -> dict:
    samples = []
    deadline = time.perf_counter() + budget_s
    client.get(path)  # warm the process (templates, connections)
    for _ in range(iterations):
        if cold:
            cache.clear()
        t0 = time.perf_counter()
        response = client.get(path)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        samples.append((time.perf_counter() - t0) * 1000)
        if time.perf_counter() > deadline:
            break
    return {
        "n": len(samples),
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 95), 2),
        "status": response.status_code,
    }


def profile_path(client: Client, path: str, top: int = 12) -> str:
    """cProfile of one request with the cache cleared: the functions with the most own time."""
    cache.clear()
    profile = cProfile.Profile()
    profile.enable()
    client.get(path)
    profile.disable()
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(top)
    lines = [ln for ln in text.getvalue().splitlines() if ln.strip()]
    return "\n".join(ln.replace(str(ROOT) + "/", "") for ln in lines[2:])


def cmd_timing(spec_file: str) -> None:
    spec = json.loads(Path(spec_file).read_text())
    client = Client()
    out = {}
    for name, path in spec["paths"].items():
        out[name] = {
            "path": path,
            "warm": time_path(
                client, path, spec.get("iterations", 300), cold=False, budget_s=spec.get("budget_s", 15)
            ),
            "cold": time_path(
                client, path, spec.get("iterations", 300), cold=True, budget_s=spec.get("budget_s", 15)
            ),
            "profile": profile_path(client, path),
        }
    emit({"timing": out})


# ---------------------------------------------------------------------------------------------------------------
# ranking against its SQL floor
# ---------------------------------------------------------------------------------------------------------------


def _median_time(func, repeat: int) -> tuple[float, object]:
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def cmd_ranking() -> None:
    from django.db.models import Avg, Count

    from tracks.models import AssignmentStatus, Cycle, NominationStatus, Score
    from tracks.services.ranking import ranking_compute, ranking_inputs_collect, ranking_results_compute

    cycle = (
        Cycle.objects.filter(nominations__assignments__status=AssignmentStatus.SUBMITTED)
        .order_by("-year")
        .distinct()
        .first()
    )
    if cycle is None:
        emit({"ranking": None, "note": "no cycle with submitted scores"})
        return
    repeat = int(os.environ.get("BENCH_RANKING_REPEAT", "3"))

    def sql_floor():
        return list(
            Score.objects.filter(
                assignment__status=AssignmentStatus.SUBMITTED,
                assignment__nomination__cycle=cycle,
                assignment__nomination__status__in=NominationStatus.REVIEWED,
            )
            .values("assignment__nomination_id", "criterion_id")
            .annotate(mean=Avg("value"), n=Count("id"))
            .order_by()
        )

    sql_floor()  # warm the buffers for both sides alike
    sql_s, rows = _median_time(sql_floor, max(5, repeat))
    collect_s, inputs = _median_time(lambda: ranking_inputs_collect(cycle), repeat)
    rank_s, _results = _median_time(lambda: ranking_results_compute(inputs), repeat)

    def compute_rolled_back():
        with transaction.atomic():
            snapshot = ranking_compute(cycle=cycle, actor=None)
            transaction.set_rollback(True)
        return snapshot

    compute_s, _snapshot = _median_time(compute_rolled_back, repeat)

    profile = cProfile.Profile()
    profile.enable()
    compute_rolled_back()
    profile.disable()
    text = io.StringIO()
    stats = pstats.Stats(profile, stream=text)
    stats.sort_stats("tottime").print_stats(18)
    emit(
        {
            "ranking": {
                "cycle": cycle.year,
                "nominations": len(inputs["nominations"]),
                "scores": len(inputs["scores"]),
                "group_rows": len(rows),
                "sql_group_by_s": round(sql_s, 4),
                "collect_inputs_s": round(collect_s, 4),
                "rank_inputs_s": round(rank_s, 4),
                "ranking_compute_s": round(compute_s, 4),
                "ratio_compute_to_sql": round(compute_s / sql_s, 1),
                "ratio_collect_rank_to_sql": round((collect_s + rank_s) / sql_s, 1),
                "profile": text.getvalue(),
            }
        }
    )


# ---------------------------------------------------------------------------------------------------------------
# Excel import
# ---------------------------------------------------------------------------------------------------------------


def cmd_import() -> None:
    try:
        from bench import excel_import
    except ImportError as exc:
        emit({"import": None, "note": f"bench/excel_import.py: {exc}"})
        return
    emit({"import": excel_import.run()})


COMMANDS = {
    "status": cmd_status,
    "queries": cmd_queries,
    "timing": cmd_timing,
    "ranking": cmd_ranking,
    "import": cmd_import,
}

if __name__ == "__main__":
    COMMANDS[sys.argv[1]](*sys.argv[2:])
