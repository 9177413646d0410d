from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import selectors
from .public.caching import public_page


@require_GET
@never_cache
def healthz(request):
    """Liveness: answers without touching the database."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


# Whether this process has seen every migration applied: checked until it succeeds once, then trusted (a
# deployment migrates before it starts new processes; the check reads every migration file, the ping does not).
_migrations_applied = False


def migrations_pending() -> list[str]:
    """The migrations of the code that the database has not applied ("app.name"), in order."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


@require_GET
@never_cache
def readyz(request):
    """Readiness: the database answers (every probe) and has every migration of this code applied (until that has
    been seen once by this process)."""
    global _migrations_applied
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure means not ready
        return JsonResponse({"status": "unavailable", "database": type(exc).__name__}, status=503)
    if not _migrations_applied:
        try:
            pending = migrations_pending()
        except Exception as exc:  # noqa: BLE001 - a migration state that cannot be read is not ready either
            return JsonResponse(
                {"status": "unavailable", "database": "ok", "migrations": type(exc).__name__}, status=503
            )
        if pending:
            return JsonResponse(
                {"status": "unavailable", "database": "ok", "migrations": "pending", "pending": len(pending)},
                status=503,
            )
        _migrations_applied = True
    return JsonResponse({"status": "ok", "database": "ok", "migrations": "ok"})


@require_GET
@public_page
def home(request):
    latest = selectors.latest_published_list()
    entries = []
    if latest is not None:
        entries = list(latest.entries.select_related("zone", "province", "track").order_by("rank")[:10])
    return render(
        request,
        "tracks/home.html",
        {
            "counts": selectors.home_counts(),
            "latest_list": latest,
            "latest_entries": entries,
            "open_cycle": selectors.open_cycle(),
            "latest_announcements": list(
                selectors.announcements_public().order_by("-published_at", "-id")[:5]
            ),
            "notice_lists": latest is None and selectors.lists_public().filter(status="notice").exists(),
        },
    )
