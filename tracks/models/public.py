"""What staff tell the public and what the registry tells its users."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import AnnouncementKind


class Announcement(models.Model):
    """通知公告."""

    kind = models.CharField(
        _("类别"), max_length=16, choices=AnnouncementKind.choices, default=AnnouncementKind.NOTICE
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    cycle = models.ForeignKey(
        "tracks.Cycle",
        verbose_name=_("年度批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="announcements",
    )
    is_published = models.BooleanField(_("已发布"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撰稿人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_published=False) | models.Q(published_at__isnull=False),
                name="announcement_published_has_time",
                violation_error_message=_("已发布的公告必须有发布时间。"),
            )
        ]

    def __str__(self):
        return self.title


class Notification(models.Model):
    """An in-app notice to one user (returned nomination, new assignment, reminder …)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    message = models.CharField(_("内容"), max_length=255)
    link = models.CharField(_("链接"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return self.message
