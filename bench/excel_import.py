"""Benchmark 5: Excel import of 1,000 nominations by one province, and a bad row that must leave nothing behind.

Runs inside bench/probe.py (Django set up). Everything it creates (an official, an open cycle, the nominations) is
inside one transaction that is rolled back, so the benchmark database is unchanged afterwards.
"""

import io
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounts.scope import Scope

ROWS = 1000


class _Rollback(Exception):
    pass


def _official(province):
    from accounts import roles
    from accounts.models import Profile

    user = get_user_model().objects.create(username="bench_import_official", password="!")  # noqa: S106 - unusable
    user.groups.add(Group.objects.get(name=roles.OFFICIAL))
    Profile.objects.create(user=user, province=province)
    return get_user_model().objects.get(pk=user.pk)


def _open_cycle():
    """A cycle open for nominations, reached as staff reach it (the status door admits no other way)."""
    from accounts import roles
    from tracks.models import Cycle
    from tracks.services.cycles import cycle_advance, cycle_create

    staff = get_user_model().objects.create(username="bench_import_staff", password="!")  # noqa: S106 - unusable
    staff.groups.add(Group.objects.get(name=roles.STAFF))
    staff = get_user_model().objects.get(pk=staff.pk)
    year = max(2099, (Cycle.objects.order_by("-year").values_list("year", flat=True).first() or 2000) + 1)
    now = timezone.now()
    cycle = cycle_create(
        actor=staff,
        year=year,
        title=f"{year} bench import",
        nomination_opens_at=now - timezone.timedelta(days=1),
        nomination_closes_at=now + timezone.timedelta(days=30),
        default_quota=ROWS,
    )
    return cycle_advance(cycle=cycle, actor=staff)


def _workbook(imports, user, zones, tracks, bad_row: int | None) -> bytes:
    from tracks.models import CultivationModel, Origin

    workbook = imports.template_workbook(Scope.of(user))
    sheet = workbook[imports.SHEET]
    col = {name: imports.COLUMNS.index(name) + 1 for name in imports.COLUMNS}
    origins = [str(label) for label in Origin.labels]
    models = [str(label) for label in CultivationModel.labels]
    pairs = [(zone, track) for track in tracks for zone in zones][:ROWS]
    if len(pairs) < ROWS:
        raise RuntimeError(f"only {len(pairs)} distinct zone × track pairs in the province")
    for i, (zone, track) in enumerate(pairs):
        r = i + 2
        values = {
            "zone": imports.zone_value(zone),
            "track": track.name,
            "origin": origins[i % len(origins)],
            "cultivation_model": models[i % len(models)],
            "public_summary": "依托龙头企业和重点实验室，形成从研发到中试再到规模化生产的完整链条。",
            "narrative": "一、基本情况\n二、发展基础与优势",
            "enterprise_count": 100 + i % 300,
            "high_tech_enterprise_count": 50,
            "revenue": 123.45,
            "revenue_growth": -3.5 if i % 7 == 0 else 12.25,
            "rd_spending": 8.5,
            "invention_patents": 300,
        }
        if bad_row is not None and i == bad_row:
            values["revenue"] = -1  # 第N行「营业收入」必须为非负数
        for name, value in values.items():
            if name in col:
                sheet.cell(row=r, column=col[name], value=value)
    return imports.workbook_bytes(workbook)


def run() -> dict:
    from tracks import imports
    from tracks.models import Nomination, Track, TrackStatus
    from zones.models import Province

    province = (
        Province.objects.annotate(n=Count("zones")).filter(n__gte=6).order_by("-n", "code").first()
        or Province.objects.annotate(n=Count("zones")).order_by("-n", "code").first()
    )
    out = {"province": f"{province.name} ({province.code}, {province.n} zones)", "rows": ROWS}
    try:
        with transaction.atomic():
            user = _official(province)
            cycle = _open_cycle()
            zones = list(province.zones.filter(is_active=True).order_by("key"))
            tracks = list(Track.objects.filter(status=TrackStatus.ACTIVE).order_by("field__order", "name"))
            t0 = time.perf_counter()
            good = _workbook(imports, user, zones, tracks, bad_row=None)
            out["workbook_build_s"] = round(time.perf_counter() - t0, 2)
            out["workbook_bytes"] = len(good)

            with transaction.atomic():
                t0 = time.perf_counter()
                result = imports.import_nominations(actor=user, cycle=cycle, file=io.BytesIO(good))
                out["seconds"] = round(time.perf_counter() - t0, 2)
                out["created"] = len(result.created)
                out["errors_in_good_file"] = [f"{e.row}{e.column}: {e.message}" for e in result.errors[:5]]
                out["rows_in_db_after_good_file"] = Nomination.objects.filter(cycle=cycle).count()
                transaction.set_rollback(True)

            bad = _workbook(imports, user, zones, tracks, bad_row=ROWS - 1)
            t0 = time.perf_counter()
            result = imports.import_nominations(actor=user, cycle=cycle, file=io.BytesIO(bad))
            out["bad_file_seconds"] = round(time.perf_counter() - t0, 2)
            out["bad_file_errors"] = [f"{e.row}{e.column}: {e.message}" for e in result.errors[:3]]
            out["bad_file_left"] = Nomination.objects.filter(cycle=cycle).count()
            raise _Rollback
    except _Rollback:
        pass
    return out
