"""A province's recommendation of one track of one of its zones in one cycle."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import CultivationModel, NominationStatus, Origin
from .indicators import Indicators
from .status_door import StatusGuardedModel, StatusGuardedQuerySet


class Nomination(StatusGuardedModel, Indicators):
    """推荐. Its status changes only through tracks.workflow (see status_door)."""

    cycle = models.ForeignKey(
        "tracks.Cycle", verbose_name=_("年度批次"), on_delete=models.PROTECT, related_name="nominations"
    )
    province = models.ForeignKey(
        "zones.Province", verbose_name=_("推荐省份"), on_delete=models.PROTECT, related_name="nominations"
    )
    zone = models.ForeignKey(
        "zones.Zone", verbose_name=_("国家高新区"), on_delete=models.PROTECT, related_name="nominations"
    )
    track = models.ForeignKey(
        "tracks.Track", verbose_name=_("新赛道"), on_delete=models.PROTECT, related_name="nominations"
    )
    origin = models.CharField(_("培育路径"), max_length=16, choices=Origin.choices, blank=True)
    cultivation_model = models.CharField(
        _("培育模式"), max_length=32, choices=CultivationModel.choices, blank=True
    )
    public_summary = models.TextField(_("公开简介"), max_length=500, blank=True)
    narrative = models.TextField(_("申报材料正文"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=NominationStatus.choices,
        default=NominationStatus.DRAFT,
        db_index=True,
    )
    status_reason = models.TextField(_("最近一次状态变更理由"), blank=True)
    library_entry = models.ForeignKey(
        "tracks.LibraryEntry",
        verbose_name=_("培育库条目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("推荐时间"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    resubmit_by = models.DateTimeField(
        _("补正截止时间"),
        null=True,
        blank=True,
        help_text=_("退回修改后，省级主管部门须在此时间前重新推荐，否则为逾期未补正。"),
    )
    # Incremented on every save through the services: a stale edit form is refused, not silently applied.
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = StatusGuardedQuerySet.as_manager()

    class Meta:
        verbose_name = _("推荐")
        verbose_name_plural = _("推荐")
        ordering = ["-cycle__year", "province__code", "zone__key"]
        constraints = [
            *Indicators.Meta.constraints,
            models.UniqueConstraint(
                fields=["cycle", "zone", "track"],
                condition=~models.Q(status=NominationStatus.WITHDRAWN),
                name="nomination_unique_live_per_cycle_zone_track",
                violation_error_message=_("该高新区在本批次已推荐过这一赛道（已撤回的除外）。"),
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "province", "status"], name="nomination_quota_idx"),
            models.Index(fields=["cycle", "track", "status"], name="nomination_track_idx"),
        ]

    def __str__(self):
        zone = self.zone.display_name if self.zone_id else "?"
        track = self.track.name if self.track_id else "?"
        return f"{self.cycle.year if self.cycle_id else ''} {zone} · {track}"

    def clean(self):
        super().clean()
        if self.zone_id and self.province_id and self.zone.province_id != self.province_id:
            raise ValidationError(
                {
                    "zone": _("「%(zone)s」不属于%(province)s，不能由该省推荐。")
                    % {"zone": self.zone, "province": self.province}
                }
            )


def attachment_path(instance, filename):
    # Server-generated name: nothing of the uploaded file name reaches the file system.
    return f"attachments/{instance.nomination_id}/{uuid.uuid4().hex}"


class NominationAttachment(models.Model):
    """A supporting document; private, served only through a permission-checked download view."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("推荐"), on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    # Which of the cycle's required materials (Cycle.required_materials) this file is; blank for any other file.
    material = models.CharField(_("材料类别"), max_length=64, blank=True)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    removed_at = models.DateTimeField(_("移除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(size__lte=20 * 1024 * 1024),
                name="attachment_max_20mb",
                violation_error_message=_("附件不能超过20MB。"),
            )
        ]

    def __str__(self):
        return self.original_name
