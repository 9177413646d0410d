"""Expert review: reviewers, their conflicts, assignments, scores and ranking snapshots."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import AssignmentStatus


class ReviewerProfile(models.Model):
    """评审专家, with the affiliation used for conflict-of-interest rules (回避)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.PROTECT,
        related_name="reviewer_profile",
    )
    name = models.CharField(_("姓名"), max_length=64)
    title = models.CharField(_("职称/职务"), max_length=64, blank=True)
    organisation = models.CharField(_("工作单位"), max_length=128, blank=True)
    province = models.ForeignKey(
        "zones.Province",
        verbose_name=_("所在省份"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    zone = models.ForeignKey(
        "zones.Zone",
        verbose_name=_("所在高新区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    fields = models.ManyToManyField(
        "tracks.Field", verbose_name=_("评审领域"), blank=True, related_name="reviewers"
    )
    is_active = models.BooleanField(_("可接受任务"), default=True)

    class Meta:
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ConflictDeclaration(models.Model):
    """A declared conflict of interest: with a zone, a province or one nomination."""

    reviewer = models.ForeignKey(
        ReviewerProfile, verbose_name=_("评审专家"), on_delete=models.PROTECT, related_name="conflicts"
    )
    zone = models.ForeignKey(
        "zones.Zone",
        verbose_name=_("高新区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    province = models.ForeignKey(
        "zones.Province",
        verbose_name=_("省份"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    nomination = models.ForeignKey(
        "tracks.Nomination",
        verbose_name=_("推荐"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Nominations name no organisation: a declared organisation is shown to staff as a warning at assignment.
    organisation = models.CharField(_("单位"), max_length=128, blank=True)
    reason = models.TextField(_("回避理由"))
    declared_at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("回避申报")
        verbose_name_plural = _("回避申报")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(zone__isnull=False)
                | models.Q(province__isnull=False)
                | models.Q(nomination__isnull=False)
                | ~models.Q(organisation=""),
                name="conflict_names_something",
                violation_error_message=_("回避申报须指明高新区、省份、单位或推荐项目。"),
            )
        ]

    def __str__(self):
        return f"{self.reviewer}: {self.zone or self.province or self.nomination or self.organisation}"


class Assignment(models.Model):
    """评审任务: one reviewer on one nomination."""

    reviewer = models.ForeignKey(
        ReviewerProfile, verbose_name=_("评审专家"), on_delete=models.PROTECT, related_name="assignments"
    )
    nomination = models.ForeignKey(
        "tracks.Nomination", verbose_name=_("推荐"), on_delete=models.PROTECT, related_name="assignments"
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.INVITED,
        db_index=True,
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分配人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("分配时间"), auto_now_add=True)
    explanation = models.TextField(_("分配说明"), blank=True)
    # Empty: due at the cycle's review deadline, wherever staff move it. Set only when staff give this assignment its
    # own time, or when it was made after the cycle's deadline had passed (never due in the past).
    due_at = models.DateTimeField(
        _("单独截止时间"),
        null=True,
        blank=True,
        help_text=_("留空则随年度批次的评审截止时间。"),
    )
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    pledge_signed_at = models.DateTimeField(_("承诺签署时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    status_reason = models.TextField(_("理由"), blank=True)
    # Optimistic concurrency: a save carrying an older version is refused instead of overwriting.
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("评审任务")
        verbose_name_plural = _("评审任务")
        ordering = ["nomination", "assigned_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "nomination"],
                name="assignment_unique_reviewer_nomination",
                violation_error_message=_("该专家已分配过这一推荐项目。"),
            ),
            models.CheckConstraint(
                condition=~models.Q(status=AssignmentStatus.SUBMITTED)
                | (models.Q(submitted_at__isnull=False) & models.Q(pledge_signed_at__isnull=False)),
                name="assignment_submitted_after_pledge",
                violation_error_message=_("提交评分前必须签署保密与回避承诺。"),
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} → {self.nomination}"


class Score(models.Model):
    """评分: one criterion's value and comment within an assignment."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("评审任务"), on_delete=models.PROTECT, related_name="scores"
    )
    criterion = models.ForeignKey(
        "tracks.Criterion", verbose_name=_("评价维度"), on_delete=models.PROTECT, related_name="scores"
    )
    value = models.DecimalField(_("分值"), max_digits=6, decimal_places=2)
    # Copied from the (frozen) criterion so the database itself can refuse a value above the maximum.
    max_score = models.DecimalField(_("满分"), max_digits=6, decimal_places=2, editable=False)
    comment = models.TextField(_("评语"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        ordering = ["assignment", "criterion__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"],
                name="score_unique_per_criterion",
                violation_error_message=_("该维度已评分。"),
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0) & models.Q(value__lte=models.F("max_score")),
                name="score_within_range",
                violation_error_message=_("分值必须在0到该维度满分之间。"),
            ),
        ]

    def __str__(self):
        return f"{self.assignment} {self.criterion.name}: {self.value}"

    def save(self, *args, **kwargs):
        if self.criterion_id and self.max_score is None:
            self.max_score = self.criterion.max_score
        super().save(*args, **kwargs)


class RankingSnapshot(models.Model):
    """A computed ranking of a cycle, stored with the inputs it used and their hash, so it can be reproduced."""

    cycle = models.ForeignKey(
        "tracks.Cycle", verbose_name=_("年度批次"), on_delete=models.PROTECT, related_name="rankings"
    )
    computed_at = models.DateTimeField(_("计算时间"), auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("计算人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    normalised = models.BooleanField(_("已标准化"), default=False)
    inputs = models.JSONField(_("输入数据"))
    inputs_sha256 = models.CharField(_("输入数据 SHA-256"), max_length=64)
    results = models.JSONField(_("排名结果"))

    class Meta:
        verbose_name = _("排名快照")
        verbose_name_plural = _("排名快照")
        ordering = ["-computed_at"]
        get_latest_by = "computed_at"

    def __str__(self):
        return f"{self.cycle} {timezone.localtime(self.computed_at):%Y-%m-%d %H:%M}"


class ReviewClosure(models.Model):
    """评审结束 for one list scope (a track, or a whole field) of a cycle whose scores are not normalised.

    Closing the whole cycle is its phase 评审结束 (Cycle.review_closed_at); a scope may close earlier so its list can
    go on notice while other tracks are still reviewed. Written by tracks.services.review_close only."""

    cycle = models.ForeignKey(
        "tracks.Cycle", verbose_name=_("年度批次"), on_delete=models.PROTECT, related_name="review_closures"
    )
    field = models.ForeignKey(
        "tracks.Field", verbose_name=_("领域"), on_delete=models.PROTECT, related_name="+"
    )
    track = models.ForeignKey(
        "tracks.Track",
        verbose_name=_("赛道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空表示整个领域。"),
    )
    closed_at = models.DateTimeField(_("评审结束时间"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("未满足条件时的理由"), blank=True)
    overridden = models.JSONField(_("以理由放行的检查"), default=list, blank=True)

    class Meta:
        verbose_name = _("评审结束（按范围）")
        verbose_name_plural = _("评审结束（按范围）")
        ordering = ["cycle", "field", "track"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "field", "track"],
                name="reviewclosure_unique_track",
                violation_error_message=_("该赛道的评审已结束。"),
            ),
            models.UniqueConstraint(
                fields=["cycle", "field"],
                condition=models.Q(track__isnull=True),
                name="reviewclosure_unique_field",
                violation_error_message=_("该领域的评审已结束。"),
            ),
        ]

    def __str__(self):
        return f"{self.cycle} {self.track or self.field}"


class ReviewReopening(models.Model):
    """After publication, staff reopen the review of one nomination with a reason: the only way to a rescored
    correction. Open while any reopened assignment is not submitted again; written by tracks.services.review."""

    nomination = models.ForeignKey(
        "tracks.Nomination", verbose_name=_("推荐"), on_delete=models.PROTECT, related_name="reopenings"
    )
    reason = models.TextField(_("理由"))
    opened_at = models.DateTimeField(_("重新评审时间"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignments = models.ManyToManyField(Assignment, verbose_name=_("重新开放的评审任务"), related_name="+")
    closed_at = models.DateTimeField(_("重新评审完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发布后重新评审")
        verbose_name_plural = _("发布后重新评审")
        ordering = ["-opened_at"]

    def __str__(self):
        return f"{self.nomination} {self.opened_at:%Y-%m-%d}"
