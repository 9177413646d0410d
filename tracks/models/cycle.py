"""A year's round: windows, quotas, the criteria in force."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import CriterionCode, CycleStatus
from .status_door import StatusGuardedModel, StatusGuardedQuerySet

MATERIAL_NAME_MAX = 64


def material_lines(text: str) -> list[str]:
    """The required materials of a cycle: one per line, blank lines and repeats dropped, in their order."""
    names = []
    for line in (text or "").splitlines():
        name = line.strip()
        if name and name not in names:
            names.append(name)
    return names


def validate_material_lines(text: str) -> None:
    too_long = [name for name in material_lines(text) if len(name) > MATERIAL_NAME_MAX]
    if too_long:
        raise ValidationError(
            _("每项材料名称不超过%(max)s个字：%(name)s") % {"max": MATERIAL_NAME_MAX, "name": too_long[0]},
            code="material_too_long",
        )


class Cycle(StatusGuardedModel):
    """年度批次. Its phase changes only through tracks.workflow's gates (see status_door)."""

    year = models.PositiveSmallIntegerField(
        _("年度"), unique=True, validators=[MinValueValidator(2020), MaxValueValidator(2100)]
    )
    title = models.CharField(_("名称"), max_length=128, blank=True)
    status = models.CharField(
        _("阶段"), max_length=16, choices=CycleStatus.choices, default=CycleStatus.PLANNING
    )
    nomination_opens_at = models.DateTimeField(_("推荐开始时间"))
    nomination_closes_at = models.DateTimeField(_("推荐截止时间"))
    default_quota = models.PositiveSmallIntegerField(_("每省推荐名额"), default=5)
    required_materials = models.TextField(
        _("必备材料"),
        blank=True,
        validators=[validate_material_lines],
        help_text=_(
            "每行一项，如“推荐表盖章扫描件”“园区发展情况说明”。推荐前须为每一项上传附件；留空则不要求附件。"
        ),
    )
    review_opens_at = models.DateTimeField(_("评审开始时间"), null=True, blank=True)
    review_closes_at = models.DateTimeField(
        _("评审截止时间"),
        null=True,
        blank=True,
        help_text=_(
            "评审任务默认在此时间到期（可为单个任务另设）；修改后所有未另设的任务随之调整。"
            "到期只用于提醒和逾期统计，评审由业务管理员确认“评审结束”后才关闭。"
        ),
    )
    resubmit_days = models.PositiveSmallIntegerField(
        _("补正期限（天）"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("退回修改的推荐须在退回后这么多天内重新推荐（推荐截止后同样适用）。"),
    )
    notice_days = models.PositiveSmallIntegerField(
        _("公示天数"), default=7, validators=[MinValueValidator(1)]
    )
    reviewers_per_nomination = models.PositiveSmallIntegerField(
        _("每项评审专家数"), default=5, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    normalise_scores = models.BooleanField(_("评分标准化"), default=False)
    comment_required_below = models.DecimalField(
        _("低分须附评语（得分率低于%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("60"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("某项得分低于满分的该百分比时，专家必须填写评语。"),
    )
    criteria_frozen_at = models.DateTimeField(_("评价维度冻结时间"), null=True, blank=True, editable=False)
    review_closed_at = models.DateTimeField(_("评审结束时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = StatusGuardedQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度批次")
        verbose_name_plural = _("年度批次")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(nomination_closes_at__gt=models.F("nomination_opens_at")),
                name="cycle_nomination_window_order",
                violation_error_message=_("推荐截止时间必须晚于开始时间。"),
            ),
            models.CheckConstraint(
                condition=models.Q(review_opens_at__isnull=True)
                | models.Q(review_closes_at__isnull=True)
                | models.Q(review_closes_at__gt=models.F("review_opens_at")),
                name="cycle_review_window_order",
                violation_error_message=_("评审截止时间必须晚于开始时间。"),
            ),
            models.CheckConstraint(
                condition=models.Q(comment_required_below__gte=0, comment_required_below__lte=100),
                name="cycle_comment_threshold_range",
                violation_error_message=_("评语阈值应在0到100之间。"),
            ),
        ]

    def __str__(self):
        return self.title or _("%(year)s年度") % {"year": self.year}

    def clean(self):
        super().clean()
        # Stored one per line, trimmed, without blank lines or repeats: a form posting CRLF changes nothing.
        self.required_materials = "\n".join(material_lines(self.required_materials))

    @property
    def material_names(self) -> list[str]:
        """The materials a nomination of this cycle must carry as attachments before it is recommended."""
        return material_lines(self.required_materials)


class ProvinceQuota(models.Model):
    """A province's quota in a cycle where it differs from the cycle's default."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("年度批次"), on_delete=models.CASCADE, related_name="quotas"
    )
    province = models.ForeignKey(
        "zones.Province", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    quota = models.PositiveSmallIntegerField(_("推荐名额"))

    class Meta:
        verbose_name = _("省级推荐名额")
        verbose_name_plural = _("省级推荐名额")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "province"],
                name="quota_unique_per_cycle_province",
                violation_error_message=_("该省份在本批次已设置名额。"),
            )
        ]

    def __str__(self):
        return f"{self.cycle} {self.province}: {self.quota}"


class WindowExtension(models.Model):
    """Staff grant one province a later close of the nomination window."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("年度批次"), on_delete=models.CASCADE, related_name="extensions"
    )
    province = models.ForeignKey(
        "zones.Province", verbose_name=_("省份"), on_delete=models.PROTECT, related_name="+"
    )
    closes_at = models.DateTimeField(_("延期截止时间"))
    reason = models.TextField(_("延期理由"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("批准时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("推荐窗口延期")
        verbose_name_plural = _("推荐窗口延期")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "province"],
                name="extension_unique_per_cycle_province",
                violation_error_message=_("该省份在本批次已有延期。"),
            )
        ]

    def __str__(self):
        return f"{self.cycle} {self.province} → {self.closes_at:%Y-%m-%d %H:%M}"


class Criterion(models.Model):
    """评价维度: weight, maximum and rubric of one of the four criteria, frozen per cycle once review opens."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("年度批次"), on_delete=models.PROTECT, related_name="criteria"
    )
    code = models.CharField(_("代码"), max_length=16, choices=CriterionCode.choices)
    name = models.CharField(_("名称"), max_length=32)
    weight = models.DecimalField(
        _("权重"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    max_score = models.DecimalField(
        _("满分"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    rubric = models.TextField(_("评分细则"), blank=True, help_text=_("每行一个档次，如“优（90–100）：……”。"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("评价维度")
        verbose_name_plural = _("评价维度")
        ordering = ["cycle", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "code"],
                name="criterion_unique_per_cycle",
                violation_error_message=_("本批次已有该评价维度。"),
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0, weight__lte=100),
                name="criterion_weight_range",
                violation_error_message=_("权重应在0到100之间。"),
            ),
            models.CheckConstraint(
                condition=models.Q(max_score__gt=0),
                name="criterion_max_positive",
                violation_error_message=_("满分必须大于0。"),
            ),
        ]

    def __str__(self):
        return f"{self.cycle.year} {self.name}"

    def rubric_levels(self) -> list[str]:
        return [line.strip() for line in self.rubric.splitlines() if line.strip()]
