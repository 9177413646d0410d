"""The cultivation library (培育库): status changes of (zone, track) entries, every one audited.

Statuses (domain.md): 培育中 (cultivating) on entry; 重点 (key) while the pair is on a published list; 观察 (watch)
when its monitoring indicators decline two years running, or by a staff decision; 出库 (exited), only with a reason.

* ``library_set_status``: a staff decision. 重点 only for a pair on a current published list; 出库 needs a reason;
  leaving 出库 brings the entry back to cultivation and clears the reason.
* ``library_mark_key`` / ``library_unmark_key``: the list services call them when a list is published or a
  correction drops a pair (back to 培育中, unless another current list still holds it).
* ``library_review_monitoring``: applies the watch rule below to entries that are 培育中 or 重点.

The watch rule (``is_declining``), on the yearly monitoring reports (年度监测) of an entry: a year *declines*
when its 营业收入 (revenue, 亿元) is lower than the previous year's report, or, where either revenue is missing,
when its reported 同比增长 (revenue_growth, %) is negative. An entry goes to 观察 when the two latest years it has
reports for are consecutive years that both decline, i.e. revenue fell two years running.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import guards
from audit.services import audit_record

from ..models import LibraryEntry, LibraryStatus, ListEntry, ListStatus, MonitoringReport
from .nominations import WorkflowError


def _require_staff(actor):
    guards.require_programme_staff(actor, _("只有业务管理员可以调整培育库状态。"))


def _on_published_list(zone_id: int, track_id: int) -> bool:
    return ListEntry.objects.filter(
        zone_id=zone_id, track_id=track_id, park_list__status=ListStatus.PUBLISHED
    ).exists()


def _change(*, actor, entry: LibraryEntry, to: str, reason: str, action: str, request=None) -> bool:
    """Conditional update from the entry's current status; audited. False when someone changed it first."""
    before = {"status": entry.status, "exit_reason": entry.exit_reason}
    now = timezone.now()
    values = {"status": to, "status_changed_at": now}
    if to == LibraryStatus.EXITED:
        values["exit_reason"] = reason
    elif entry.status == LibraryStatus.EXITED:
        values["exit_reason"] = ""
    changed = LibraryEntry.objects.filter(pk=entry.pk, status=entry.status).update(**values)
    if changed != 1:
        return False
    for name, value in values.items():
        setattr(entry, name, value)
    audit_record(
        actor=actor,
        action=action,
        obj=entry,
        before=before,
        after={"status": to, "exit_reason": entry.exit_reason},
        reason=reason,
        request=request,
    )
    return True


def library_set_status(
    *, actor, entry: LibraryEntry, status: str, reason: str = "", request=None
) -> LibraryEntry:
    """A staff decision on one entry's status."""
    _require_staff(actor)
    reason = (reason or "").strip()
    if status not in LibraryStatus.values:
        raise WorkflowError(_("未知的培育库状态。"), code="invalid_status")
    with transaction.atomic():
        entry = LibraryEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.status == status:
            raise WorkflowError(_("该条目已是这一状态。"), code="unchanged")
        if status == LibraryStatus.EXITED and not reason:
            raise WorkflowError(_("出库必须填写理由。"), code="reason_required")
        if status == LibraryStatus.KEY and not _on_published_list(entry.zone_id, entry.track_id):
            raise WorkflowError(_("只有列入已发布榜单的条目可以设为重点。"), code="not_listed")
        if not _change(
            actor=actor, entry=entry, to=status, reason=reason, action="library.status", request=request
        ):
            raise WorkflowError(_("该条目的状态刚被他人修改，请刷新后重试。"), code="race")
    return entry


def library_mark_key(*, actor, pairs) -> int:
    """Entries of (zone, track) pairs on a list just published become 重点 (unless exited). Returns how many."""
    pairs = set(pairs)
    if not pairs:
        return 0
    changed = 0
    zone_ids = {zone for zone, _track in pairs}
    candidates = LibraryEntry.objects.filter(
        zone_id__in=zone_ids, status__in=[LibraryStatus.CULTIVATING, LibraryStatus.WATCH]
    )
    for entry in candidates:
        if (entry.zone_id, entry.track_id) in pairs:
            changed += _change(
                actor=actor,
                entry=entry,
                to=LibraryStatus.KEY,
                reason=_("列入已发布的重点新赛道园区榜单"),
                action="library.key",
            )
    return changed


def library_unmark_key(*, actor, pairs) -> int:
    """Pairs a correction took off a list go back to 培育中, unless another current list still holds them."""
    changed = 0
    for zone_id, track_id in set(pairs):
        if _on_published_list(zone_id, track_id):
            continue
        entry = LibraryEntry.objects.filter(
            zone_id=zone_id, track_id=track_id, status=LibraryStatus.KEY
        ).first()
        if entry is not None:
            changed += _change(
                actor=actor,
                entry=entry,
                to=LibraryStatus.CULTIVATING,
                reason=_("更正后不再列入已发布榜单"),
                action="library.unkey",
            )
    return changed


def _declined(previous: MonitoringReport, current: MonitoringReport) -> bool:
    if previous.revenue is not None and current.revenue is not None:
        return Decimal(current.revenue) < Decimal(previous.revenue)
    return current.revenue_growth is not None and Decimal(current.revenue_growth) < 0


def is_declining(reports) -> bool:
    """The watch rule over one entry's reports (any order): the two latest years, consecutive, both declined."""
    by_year = sorted(reports, key=lambda report: report.year)
    if len(by_year) < 2:
        return False
    latest = by_year[-1]
    before = by_year[-2]
    if latest.year - before.year != 1:
        return False
    if not _declined(before, latest):
        return False
    # The earlier of the two years declines against the report before it, or by its own growth figure.
    if len(by_year) >= 3 and by_year[-3].year == before.year - 1:
        return _declined(by_year[-3], before)
    return before.revenue_growth is not None and Decimal(before.revenue_growth) < 0


def library_review_monitoring(*, actor, entries=None, request=None) -> list[LibraryEntry]:
    """Put entries (培育中 or 重点) whose indicators declined two years running under 观察; audited each."""
    _require_staff(actor)
    queryset = LibraryEntry.objects.filter(status__in=[LibraryStatus.CULTIVATING, LibraryStatus.KEY])
    if entries is not None:
        queryset = queryset.filter(pk__in=[entry.pk for entry in entries])
    reports: dict[int, list] = {}
    for report in MonitoringReport.objects.filter(entry__in=queryset).order_by("entry_id", "year"):
        reports.setdefault(report.entry_id, []).append(report)
    moved = []
    with transaction.atomic():
        for entry in queryset.select_related("zone", "track"):
            if is_declining(reports.get(entry.pk, [])) and _change(
                actor=actor,
                entry=entry,
                to=LibraryStatus.WATCH,
                reason=_("年度监测：营业收入连续两年下降"),
                action="library.watch",
                request=request,
            ):
                moved.append(entry)
    return moved
