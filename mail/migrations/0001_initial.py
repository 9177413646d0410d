# Generated for issue 16: the e-mail outbox.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def builtin_rules(apps, schema_editor):
    MailRule = apps.get_model("mail", "MailRule")
    for code in ("window_closing", "review_due_soon", "review_due_today", "review_overdue"):
        MailRule.objects.get_or_create(code=code, defaults={"enabled": True})


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MailBatch",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=255, verbose_name="标题")),
                ("event", models.CharField(max_length=64, verbose_name="事件")),
                (
                    "status",
                    models.CharField(
                        choices=[("review", "待审核"), ("approved", "已发送"), ("cancelled", "已取消")],
                        default="review",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="创建时间")),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="审核时间")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="发起人",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="审核人",
                    ),
                ),
            ],
            options={"verbose_name": "群发审核", "verbose_name_plural": "群发审核", "ordering": ["-created_at", "-pk"]},
        ),
        migrations.CreateModel(
            name="MailRule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=32, unique=True, verbose_name="规则")),
                ("enabled", models.BooleanField(default=True, verbose_name="启用")),
                ("changed_at", models.DateTimeField(blank=True, null=True, verbose_name="修改时间")),
                (
                    "changed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="修改人",
                    ),
                ),
            ],
            options={"verbose_name": "每日提醒规则", "verbose_name_plural": "每日提醒规则", "ordering": ["code"]},
        ),
        migrations.CreateModel(
            name="RuleFiring",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("rule", models.CharField(max_length=32, verbose_name="规则")),
                ("object_key", models.CharField(max_length=64, verbose_name="对象")),
                ("due_on", models.DateField(verbose_name="截止日期")),
                ("step", models.PositiveSmallIntegerField(default=0, verbose_name="轮次")),
                ("fired_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="提醒时间")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="用户",
                    ),
                ),
            ],
            options={"verbose_name": "提醒记录", "verbose_name_plural": "提醒记录", "ordering": ["-fired_at", "-pk"]},
        ),
        migrations.AddConstraint(
            model_name="rulefiring",
            constraint=models.UniqueConstraint(
                fields=("rule", "object_key", "due_on", "step", "user"), name="rulefiring_once"
            ),
        ),
        migrations.CreateModel(
            name="OutboxMessage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("to_email", models.CharField(blank=True, max_length=254, verbose_name="收件地址")),
                ("language", models.CharField(max_length=16, verbose_name="语言")),
                ("subject", models.CharField(max_length=255, verbose_name="主题")),
                ("body_text", models.TextField(verbose_name="正文")),
                ("body_html", models.TextField(blank=True, verbose_name="HTML 正文")),
                ("event", models.CharField(db_index=True, max_length=64, verbose_name="事件")),
                ("essential", models.BooleanField(default=False, verbose_name="必要通知")),
                (
                    "dedupe_key",
                    models.CharField(blank=True, max_length=200, null=True, unique=True, verbose_name="去重键"),
                ),
                ("notice_text", models.CharField(blank=True, max_length=255, verbose_name="站内通知内容")),
                ("link", models.CharField(blank=True, max_length=255, verbose_name="链接")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("review", "待审核"),
                            ("queued", "待发送"),
                            ("sending", "发送中"),
                            ("sent", "已发送"),
                            ("failed", "发送失败"),
                            ("cancelled", "已取消"),
                            ("held", "未发送（未配置邮件服务器）"),
                            ("no_address", "未发送（无邮箱地址）"),
                        ],
                        db_index=True,
                        default="queued",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="被拒次数")),
                ("last_error", models.TextField(blank=True, verbose_name="最近错误")),
                (
                    "created_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="生成时间"),
                ),
                ("next_attempt_at", models.DateTimeField(blank=True, null=True, verbose_name="下次尝试时间")),
                ("claim_token", models.CharField(blank=True, max_length=32, verbose_name="发送批号")),
                ("claimed_at", models.DateTimeField(blank=True, null=True, verbose_name="开始发送时间")),
                ("lease_until", models.DateTimeField(blank=True, null=True, verbose_name="发送租约截止")),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="发送时间")),
                ("message_id", models.CharField(max_length=255, unique=True, verbose_name="Message-ID")),
                (
                    "batch",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="messages",
                        to="mail.mailbatch",
                        verbose_name="群发",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="收件用户",
                    ),
                ),
            ],
            options={"verbose_name": "发件箱邮件", "verbose_name_plural": "邮件发件箱", "ordering": ["-created_at", "-pk"]},
        ),
        migrations.AddIndex(
            model_name="outboxmessage",
            index=models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
        ),
        migrations.RunPython(builtin_rules, migrations.RunPython.noop),
    ]
