"""The cultivation library: (zone, track) pairs that live across cycles, and their yearly monitoring."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import LibraryStatus
from .indicators import Indicators


class LibraryEntry(models.Model):
    """培育库条目."""

    zone = models.ForeignKey(
        "zones.Zone", verbose_name=_("国家高新区"), on_delete=models.PROTECT, related_name="library_entries"
    )
    track = models.ForeignKey(
        "tracks.Track", verbose_name=_("新赛道"), on_delete=models.PROTECT, related_name="library_entries"
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=LibraryStatus.choices,
        default=LibraryStatus.CULTIVATING,
        db_index=True,
    )
    entered_cycle = models.ForeignKey(
        "tracks.Cycle",
        verbose_name=_("入库批次"),
        on_delete=models.PROTECT,
        related_name="entered_library_entries",
    )
    entered_at = models.DateTimeField(_("入库时间"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    exit_reason = models.TextField(_("出库理由"), blank=True)

    class Meta:
        verbose_name = _("培育库条目")
        verbose_name_plural = _("培育库条目")
        ordering = ["zone__key", "track__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "track"],
                name="library_unique_zone_track",
                violation_error_message=_("该高新区的这一赛道已在培育库中。"),
            ),
            models.CheckConstraint(
                condition=~models.Q(status=LibraryStatus.EXITED) | ~models.Q(exit_reason=""),
                name="library_exit_needs_reason",
                violation_error_message=_("出库必须填写理由。"),
            ),
        ]

    def __str__(self):
        return f"{self.zone.display_name} · {self.track.name}"


class MonitoringReport(Indicators):
    """年度监测: a library entry's indicators for one year, filed by its province or zone."""

    entry = models.ForeignKey(
        LibraryEntry, verbose_name=_("培育库条目"), on_delete=models.PROTECT, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    note = models.TextField(_("说明"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度监测")
        verbose_name_plural = _("年度监测")
        ordering = ["entry", "-year"]
        constraints = [
            *Indicators.Meta.constraints,
            models.UniqueConstraint(
                fields=["entry", "year"],
                name="monitoring_unique_entry_year",
                violation_error_message=_("该条目本年度的监测已填报。"),
            ),
        ]

    def __str__(self):
        return f"{self.entry} {self.year}"
