"""精准性培育: the support measures recorded for each library entry, and the typical cases staff publish.

The source's third step (实施精准性培育) names eight kinds of targeted measures; ``MeasureKind`` keeps them in the
source's order. A measure is written once by the service and never edited or deleted: a wrong one is removed
softly (``removed_at``, with who and why) and recorded again. A typical case is a story written for the public,
published and unpublished by programme staff only.
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tracks.models import CultivationModel

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024


class MeasureKind(models.TextChoices):
    """The eight kinds of targeted measures of the source (增强技术策源 … 推广典型模式), in its order."""

    TECHNOLOGY = "technology", _("技术策源")
    INCUBATION = "incubation", _("孵化服务链条")
    HIGH_GROWTH = "high_growth", _("高成长企业")
    FINANCE = "finance", _("金融精准支持")
    SCENARIO = "scenario", _("标杆应用场景")
    GOVERNANCE = "governance", _("治理机制")
    BRAND = "brand", _("品牌活动")
    TYPICAL_MODEL = "typical_model", _("典型模式推广")


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


def measure_attachment_path(instance, filename):
    # Server-generated name: nothing of the uploaded file name reaches the file system.
    return f"cultivation/measures/{instance.entry_id}/{uuid.uuid4().hex}"


class SupportMeasureQuerySet(models.QuerySet):
    def active(self):
        return self.filter(removed_at__isnull=True)


class SupportMeasure(models.Model):
    """培育举措: one targeted measure taken for a library entry (a policy, a fund, a scenario opened …)."""

    entry = models.ForeignKey(
        "tracks.LibraryEntry",
        verbose_name=_("培育库条目"),
        on_delete=models.PROTECT,
        related_name="support_measures",
    )
    kind = models.CharField(_("举措类别"), max_length=16, choices=MeasureKind.choices, db_index=True)
    title = models.CharField(_("举措名称"), max_length=200)
    date = models.DateField(_("实施日期"))
    issuer = models.CharField(_("出台（实施）单位"), max_length=128)
    amount = models.DecimalField(
        _("涉及金额（亿元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("涉及资金的举措填写，单位亿元，保留两位小数；不涉及资金的留空。"),
    )
    description = models.TextField(_("举措内容"), max_length=5000, blank=True)
    attachment = models.FileField(_("附件"), upload_to=measure_attachment_path, blank=True, max_length=255)
    attachment_name = models.CharField(_("附件原文件名"), max_length=255, blank=True)
    attachment_type = models.CharField(_("附件类型"), max_length=100, blank=True)
    attachment_size = models.PositiveBigIntegerField(_("附件大小（字节）"), null=True, blank=True)
    attachment_sha256 = models.CharField(_("附件SHA-256"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    removed_at = models.DateTimeField(_("移除时间"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("移除人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removal_reason = models.TextField(_("移除理由"), blank=True)

    objects = SupportMeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("培育举措")
        verbose_name_plural = _("培育举措")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="measure_amount_nonneg",
                violation_error_message=_("「涉及金额」必须为非负数。"),
            ),
            models.CheckConstraint(
                condition=models.Q(attachment_size__isnull=True)
                | models.Q(attachment_size__lte=ATTACHMENT_MAX_BYTES),
                name="measure_attachment_max_20mb",
                violation_error_message=_("附件不能超过20MB。"),
            ),
            models.CheckConstraint(
                condition=models.Q(removed_at__isnull=True) | ~models.Q(removal_reason=""),
                name="measure_removal_has_reason",
                violation_error_message=_("移除举措必须填写理由。"),
            ),
        ]
        indexes = [
            models.Index(fields=["entry", "date"], name="measure_entry_date_idx"),
            models.Index(fields=["date", "kind"], name="measure_date_kind_idx"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"

    @property
    def has_attachment(self) -> bool:
        return bool(self.attachment)


class TypicalCase(models.Model):
    """典型案例: an entry's story, written for the public, illustrating one cultivation model."""

    entry = models.ForeignKey(
        "tracks.LibraryEntry",
        verbose_name=_("培育库条目"),
        on_delete=models.PROTECT,
        related_name="typical_cases",
    )
    title = models.CharField(_("标题"), max_length=200)
    summary = models.TextField(_("摘要"), max_length=500)
    body = models.TextField(_("正文"))
    cultivation_model = models.CharField(
        _("培育模式"), max_length=32, choices=CultivationModel.choices, db_index=True
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撰写人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("典型案例")
        verbose_name_plural = _("典型案例")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=CaseStatus.PUBLISHED) | models.Q(published_at__isnull=False),
                name="case_published_is_stamped",
                violation_error_message=_("已发布的典型案例必须有发布时间。"),
            ),
        ]
        indexes = [models.Index(fields=["status", "published_at"], name="case_status_published_idx")]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == CaseStatus.PUBLISHED
