from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Profile(models.Model):
    """Binds an account to the unit it acts for: a provincial official to a province, a zone preparer to a zone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="profile"
    )
    province = models.ForeignKey(
        "zones.Province",
        verbose_name=_("所属省份"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    zone = models.ForeignKey(
        "zones.Zone",
        verbose_name=_("所属高新区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    display_name = models.CharField(_("姓名"), max_length=64, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    # The language the user reads e-mail and notices in (mail.services.user_language), and whether they want
    # e-mail for non-essential notices (invitations and deadlines are always sent): the profile page sets both.
    language = models.CharField(
        _("通知语言"), max_length=16, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    email_notices = models.BooleanField(
        _("接收非必要通知的邮件"),
        default=True,
        help_text=_("评审邀请、截止提醒等必要通知总会发送邮件。"),
    )
    # Copied into a session at login and compared on every request (accounts.sessions): raising it ends every
    # session of the account. Role changes, deactivation and API token revocation raise it.
    security_stamp = models.PositiveIntegerField(_("安全标记"), default=0, editable=False)

    class Meta:
        verbose_name = _("账户归属")
        verbose_name_plural = _("账户归属")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(province__isnull=True) | models.Q(zone__isnull=True),
                name="profile_one_binding",
                violation_error_message=_("一个账户只能归属一个省份或一个高新区。"),
            )
        ]

    def __str__(self):
        return self.display_name or self.user.get_username()

    def save(self, *args, **kwargs):
        # The stamp is only ever raised in the database (accounts.sessions.security_stamp_bump): saving a profile
        # loaded before a raise (the user admin's inline, after the groups changed) must not lower it again.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "security_stamp"
            ]
        super().save(*args, **kwargs)
