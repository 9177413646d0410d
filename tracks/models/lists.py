"""Key new-track park lists (重点新赛道园区榜单): draft → notice → published, immutable once published."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.models import AppendOnlyError

from .choices import ListScope, ListStatus, ObjectionStatus


class ImmutableListError(AppendOnlyError):
    """A published list or its entries were about to change outside the correction service."""


class ParkListQuerySet(models.QuerySet):
    def _refuse_if_frozen(self):
        if self.filter(status__in=ListStatus.FROZEN).exists():
            raise ImmutableListError(_("已发布的榜单不可修改或删除，如需更正请发布更正版本。"))

    def update(self, **kwargs):
        self._refuse_if_frozen()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_frozen()
        return super().delete()


class ParkList(models.Model):
    """One version of a list for a cycle and a scope (a track, or a whole field)."""

    cycle = models.ForeignKey(
        "tracks.Cycle", verbose_name=_("年度批次"), on_delete=models.PROTECT, related_name="park_lists"
    )
    scope = models.CharField(_("范围"), max_length=8, choices=ListScope.choices)
    field = models.ForeignKey(
        "tracks.Field", verbose_name=_("领域"), on_delete=models.PROTECT, related_name="park_lists"
    )
    track = models.ForeignKey(
        "tracks.Track",
        verbose_name=_("赛道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="park_lists",
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=16, choices=ListStatus.choices, default=ListStatus.DRAFT, db_index=True
    )
    cutoff_top_n = models.PositiveSmallIntegerField(_("入榜名额（前N名）"), null=True, blank=True)
    cutoff_min_score = models.DecimalField(
        _("最低总分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    ranking = models.ForeignKey(
        "tracks.RankingSnapshot",
        verbose_name=_("排名快照"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notice_starts_at = models.DateTimeField(_("公示开始"), null=True, blank=True)
    notice_ends_at = models.DateTimeField(_("公示结束"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The issuing body (发布单位) as it was when the list was published: stamped by list_publish, never read from
    # today's settings, so an older list keeps the body that issued it. Not part of the hashed content.
    issuer = models.CharField(_("发布单位"), max_length=100, blank=True)
    # A correction names the version it corrects. Several may (a cancelled one stays on record); at most one that is
    # not cancelled (the constraint below), which supersedes it once published.
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("更正的版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    correction_note = models.TextField(_("更正说明"), blank=True)
    cancelled_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    cancel_reason = models.TextField(_("撤销理由"), blank=True)
    superseded_at = models.DateTimeField(_("被更正时间"), null=True, blank=True)
    # Inputs the entries were computed from (frozen criteria and the scores), so the list can be re-derived.
    inputs = models.JSONField(_("计算输入"), null=True, blank=True)
    canonical_json = models.TextField(_("规范化榜单数据"), blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    sm3 = models.CharField(_("SM3"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ParkListQuerySet.as_manager()

    class Meta:
        verbose_name = _("重点新赛道园区榜单")
        verbose_name_plural = _("重点新赛道园区榜单")
        ordering = ["-cycle__year", "field__order", "track__name", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(scope=ListScope.TRACK) & models.Q(track__isnull=False))
                | (models.Q(scope=ListScope.FIELD) & models.Q(track__isnull=True)),
                name="parklist_scope_matches_target",
                violation_error_message=_("按赛道的榜单必须指定赛道，按领域的榜单不能指定赛道。"),
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=tuple(sorted(ListStatus.FROZEN)))
                | (models.Q(published_at__isnull=False) & ~models.Q(sha256="") & ~models.Q(sm3="")),
                name="parklist_published_is_stamped",
                violation_error_message=_("已发布的榜单必须有发布时间和哈希值。"),
            ),
            models.UniqueConstraint(
                fields=["cycle", "track", "version"],
                condition=models.Q(scope=ListScope.TRACK),
                name="parklist_unique_track_version",
                violation_error_message=_("该赛道本批次已有这一版本的榜单。"),
            ),
            models.UniqueConstraint(
                fields=["cycle", "field", "version"],
                condition=models.Q(scope=ListScope.FIELD),
                name="parklist_unique_field_version",
                violation_error_message=_("该领域本批次已有这一版本的榜单。"),
            ),
            models.UniqueConstraint(
                fields=["cycle", "track"],
                condition=models.Q(scope=ListScope.TRACK, status=ListStatus.PUBLISHED),
                name="parklist_one_published_per_track",
                violation_error_message=_("该赛道本批次已有一个有效的已发布榜单。"),
            ),
            models.UniqueConstraint(
                fields=["cycle", "field"],
                condition=models.Q(scope=ListScope.FIELD, status=ListStatus.PUBLISHED),
                name="parklist_one_published_per_field",
                violation_error_message=_("该领域本批次已有一个有效的已发布榜单。"),
            ),
            models.UniqueConstraint(
                fields=["supersedes"],
                condition=models.Q(supersedes__isnull=False) & ~models.Q(status=ListStatus.CANCELLED),
                name="parklist_one_live_correction",
                violation_error_message=_("该版本已有一个更正版本（撤销后才能另行更正）。"),
            ),
        ]
        indexes = [models.Index(fields=["status", "cycle"], name="parklist_status_cycle_idx")]

    def __str__(self):
        return gettext("%(title)s（v%(version)s）") % {"title": self.title, "version": self.version}

    @property
    def is_frozen(self) -> bool:
        return self.status in ListStatus.FROZEN

    @property
    def issuing_body(self) -> str:
        """发布单位: the one stamped at publication; before publication, the body that would publish it now."""
        if self.is_frozen:
            return self.issuer
        return settings.SITE_SPONSOR

    def save(self, *args, **kwargs):
        # Only the correction service may touch a published list, and only to mark it superseded.
        if self.pk is not None and not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values("status").first()
            if stored and stored["status"] in ListStatus.FROZEN and not getattr(self, "_superseding", False):
                raise ImmutableListError(_("已发布的榜单不可修改，如需更正请发布更正版本。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_frozen or type(self).objects.filter(pk=self.pk, status__in=ListStatus.FROZEN).exists():
            raise ImmutableListError(_("已发布的榜单不可删除。"))
        return super().delete(*args, **kwargs)


class ListEntryQuerySet(models.QuerySet):
    def _refuse_if_frozen(self):
        if self.filter(park_list__status__in=ListStatus.FROZEN).exists():
            raise ImmutableListError(_("已发布榜单的条目不可修改或删除。"))

    def update(self, **kwargs):
        self._refuse_if_frozen()
        return super().update(**kwargs)

    def delete(self):
        self._refuse_if_frozen()
        return super().delete()


class ListEntryManager(models.Manager.from_queryset(ListEntryQuerySet)):
    def bulk_update(self, objs, fields, batch_size=None):
        ids = [obj.pk for obj in objs]
        self.get_queryset().filter(pk__in=ids)._refuse_if_frozen()
        return super().bulk_update(objs, fields, batch_size=batch_size)


class ListEntry(models.Model):
    """One ranked zone on a list, with the scores it was ranked by."""

    park_list = models.ForeignKey(
        ParkList, verbose_name=_("榜单"), on_delete=models.PROTECT, related_name="entries"
    )
    rank = models.PositiveSmallIntegerField(_("名次"))
    nomination = models.ForeignKey(
        "tracks.Nomination", verbose_name=_("推荐"), on_delete=models.PROTECT, related_name="list_entries"
    )
    zone = models.ForeignKey(
        "zones.Zone", verbose_name=_("国家高新区"), on_delete=models.PROTECT, related_name="list_entries"
    )
    province = models.ForeignKey(
        "zones.Province", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    track = models.ForeignKey(
        "tracks.Track", verbose_name=_("赛道"), on_delete=models.PROTECT, related_name="list_entries"
    )
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    score_strategic = models.DecimalField(_("战略性"), max_digits=6, decimal_places=2)
    score_leading = models.DecimalField(_("领先性"), max_digits=6, decimal_places=2)
    score_growth = models.DecimalField(_("成长性"), max_digits=6, decimal_places=2)
    score_driving = models.DecimalField(_("带动性"), max_digits=6, decimal_places=2)

    objects = ListEntryManager()

    class Meta:
        verbose_name = _("榜单条目")
        verbose_name_plural = _("榜单条目")
        ordering = ["park_list", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["park_list", "rank"], name="listentry_unique_rank"),
            models.UniqueConstraint(fields=["park_list", "nomination"], name="listentry_unique_nomination"),
            models.CheckConstraint(
                condition=models.Q(total__gte=0, total__lte=100), name="listentry_total_range"
            ),
        ]

    def __str__(self):
        return f"{self.park_list} #{self.rank} {self.zone}"

    def _refuse_if_frozen(self):
        if ParkList.objects.filter(pk=self.park_list_id, status__in=ListStatus.FROZEN).exists():
            raise ImmutableListError(_("已发布榜单的条目不可修改或删除。"))

    def save(self, *args, **kwargs):
        self._refuse_if_frozen()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_frozen()
        return super().delete(*args, **kwargs)


def evidence_path(instance, filename):
    return f"objections/{instance.park_list_id}/{instance.receipt_number}"


class Objection(models.Model):
    """异议: a signed objection filed during public notice. Never shown publicly."""

    park_list = models.ForeignKey(
        ParkList, verbose_name=_("榜单"), on_delete=models.PROTECT, related_name="objections"
    )
    entry = models.ForeignKey(
        ListEntry,
        verbose_name=_("涉及条目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
    )
    receipt_number = models.CharField(_("回执编号"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=64)
    organisation = models.CharField(_("单位"), max_length=128)
    contact = models.CharField(_("联系电话或邮箱"), max_length=128)
    statement = models.TextField(_("异议内容"))
    evidence = models.FileField(_("证明材料"), upload_to=evidence_path, blank=True, max_length=255)
    evidence_name = models.CharField(_("证明材料原文件名"), max_length=255, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    status = models.CharField(
        _("处理状态"), max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.PENDING
    )
    resolution = models.TextField(_("处理意见"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=ObjectionStatus.PENDING) | ~models.Q(resolution=""),
                name="objection_resolution_has_reason",
                violation_error_message=_("处理异议必须填写处理意见。"),
            )
        ]

    def __str__(self):
        return self.receipt_number
