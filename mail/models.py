"""The e-mail outbox: every notice's e-mail as a row written in the event's transaction, sent later by
``manage.py send_outbox``; bulk mail batches waiting for staff; the daily rules staff may turn off, and the log of
what each rule already sent (its duplicate key)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    REVIEW = "review", _("待审核")
    QUEUED = "queued", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    CANCELLED = "cancelled", _("已取消")
    HELD = "held", _("未发送（未配置邮件服务器）")
    NO_ADDRESS = "no_address", _("未发送（无邮箱地址）")


class MailBatch(models.Model):
    """A send to more than a few recipients (群发), held for staff to read before anything goes out."""

    class Status(models.TextChoices):
        REVIEW = "review", _("待审核")
        APPROVED = "approved", _("已发送")
        CANCELLED = "cancelled", _("已取消")

    title = models.CharField(_("标题"), max_length=255)
    event = models.CharField(_("事件"), max_length=64)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REVIEW)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("群发审核")
        verbose_name_plural = _("群发审核")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class OutboxMessage(models.Model):
    """One e-mail to one address, rendered when it was queued, in the recipient's language."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件用户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to_email = models.CharField(_("收件地址"), max_length=254, blank=True)
    language = models.CharField(_("语言"), max_length=16)
    subject = models.CharField(_("主题"), max_length=255)
    body_text = models.TextField(_("正文"))
    body_html = models.TextField(_("HTML 正文"), blank=True)
    event = models.CharField(_("事件"), max_length=64, db_index=True)
    essential = models.BooleanField(_("必要通知"), default=False)
    # The rule, object and due date of a reminder, per recipient: a second run of the rule finds it and sends nothing.
    dedupe_key = models.CharField(_("去重键"), max_length=200, null=True, blank=True, unique=True)
    batch = models.ForeignKey(
        MailBatch,
        verbose_name=_("群发"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
    )
    # A batch's in-app notice, created for each recipient when staff send the batch.
    notice_text = models.CharField(_("站内通知内容"), max_length=255, blank=True)
    link = models.CharField(_("链接"), max_length=255, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED, db_index=True
    )
    # 5xx refusals only: a server that is down or answers 4xx uses up no attempt.
    attempts = models.PositiveSmallIntegerField(_("被拒次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    claim_token = models.CharField(_("发送批号"), max_length=32, blank=True)
    claimed_at = models.DateTimeField(_("开始发送时间"), null=True, blank=True)
    lease_until = models.DateTimeField(_("发送租约截止"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)

    class Meta:
        verbose_name = _("发件箱邮件")
        verbose_name_plural = _("邮件发件箱")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self):
        return f"{self.to_email or '—'}: {self.subject}"

    def uncertain(self, now=None) -> bool:
        """Claimed by a sender whose lease ran out before it reported: perhaps sent, perhaps not."""
        now = now or timezone.now()
        return self.status == OutboxStatus.SENDING and self.lease_until is not None and self.lease_until < now


class MailRule(models.Model):
    """A built-in daily rule (window closing, reviewer reminders): on unless staff turn it off."""

    code = models.CharField(_("规则"), max_length=32, unique=True)
    enabled = models.BooleanField(_("启用"), default=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("每日提醒规则")
        verbose_name_plural = _("每日提醒规则")
        ordering = ["code"]

    def __str__(self):
        from .rules import RULES

        rule = RULES.get(self.code)
        return str(rule.label) if rule else self.code


class RuleFiring(models.Model):
    """What a daily rule sent to whom: (rule, object, due date, step) per user is sent once, ever."""

    rule = models.CharField(_("规则"), max_length=32)
    object_key = models.CharField(_("对象"), max_length=64)
    due_on = models.DateField(_("截止日期"))
    step = models.PositiveSmallIntegerField(_("轮次"), default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="+"
    )
    fired_at = models.DateTimeField(_("提醒时间"), default=timezone.now)

    class Meta:
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        ordering = ["-fired_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "object_key", "due_on", "step", "user"], name="rulefiring_once"
            )
        ]

    def __str__(self):
        return f"{self.rule} {self.object_key} {self.due_on} #{self.step}"
