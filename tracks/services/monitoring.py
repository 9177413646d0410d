"""年度监测: a library entry's indicators for one year, filed by its province's official or its zone's committee."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import Scope
from audit.services import audit_record, diff, snapshot

from ..models import LibraryEntry, LibraryStatus, MonitoringReport
from ..models.indicators import INDICATOR_FIELDS

REPORT_FIELDS = [*INDICATOR_FIELDS, "note"]


def may_file(scope: Scope, entry: LibraryEntry) -> bool:
    """The entry's province's official or its zone's committee files its monitoring (programme staff read it)."""
    return scope.covers(province_id=entry.zone.province_id, zone_id=entry.zone_id, everything=False)


def report_years(entry: LibraryEntry, now=None) -> list[int]:
    """The years a report may be filed for: from the year the entry joined the library (its cycle's year) to this
    year, newest first; none before it joined."""
    this_year = timezone.localtime(now or timezone.now()).year
    return list(range(this_year, entry.entered_cycle.year - 1, -1))


def _check(actor, entry: LibraryEntry, year: int):
    if not may_file(Scope.of(actor), entry):
        raise PermissionDenied(_("您无权填报该培育库条目的年度监测。"))
    if entry.status == LibraryStatus.EXITED:
        raise ValidationError(_("该条目已出库，不再填报年度监测。"), code="exited")
    years = report_years(entry)
    if year not in years:
        if not years:
            message = _("该条目%(year)s年度入库，入库之前的年度不填报监测。") % {
                "year": entry.entered_cycle.year
            }
        else:
            message = _("监测年度应在 %(first)s 至 %(last)s 年之间（自入库年度起）。") % {
                "first": years[-1],
                "last": years[0],
            }
        raise ValidationError({"year": message}, code="year_range")


def monitoring_report_file(
    *, actor, entry: LibraryEntry, year: int, data: dict, request=None
) -> MonitoringReport:
    """File the year's indicators of a library entry (one report per entry and year)."""
    _check(actor, entry, year)
    report = MonitoringReport(entry=entry, year=year, filed_by=actor)
    for name in REPORT_FIELDS:
        if name in data:
            setattr(report, name, data[name])
    try:
        with transaction.atomic():
            report.full_clean()
            report.save()
            audit_record(
                actor=actor,
                action="monitoringreport.create",
                obj=report,
                after=snapshot(report, ["entry_id", "year", *REPORT_FIELDS]),
                request=request,
            )
    except IntegrityError:
        raise ValidationError(_("该条目本年度的监测已填报。"), code="exists") from None
    return report


def monitoring_report_update(
    *, actor, report: MonitoringReport, data: dict, request=None
) -> MonitoringReport:
    """Correct a filed report; the change is audited field by field."""
    _check(actor, report.entry, report.year)
    with transaction.atomic():
        current = MonitoringReport.objects.select_for_update().order_by().get(pk=report.pk)
        before = snapshot(current, REPORT_FIELDS)
        for name in REPORT_FIELDS:
            if name in data:
                setattr(current, name, data[name])
        current.full_clean()
        current.save()
        old, new = diff(before, snapshot(current, REPORT_FIELDS))
        if new:
            audit_record(
                actor=actor,
                action="monitoringreport.update",
                obj=current,
                before=old,
                after=new,
                request=request,
            )
    return current
