from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_profile_security_stamp"),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="language",
            field=models.CharField(
                choices=[("zh-hans", "简体中文"), ("en", "English")],
                default="zh-hans",
                max_length=16,
                verbose_name="通知语言",
            ),
        ),
        migrations.AddField(
            model_name="profile",
            name="email_notices",
            field=models.BooleanField(
                default=True, help_text="评审邀请、截止提醒等必要通知总会发送邮件。", verbose_name="接收非必要通知的邮件"
            ),
        ),
    ]
