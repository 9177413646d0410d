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
