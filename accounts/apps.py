from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账户与角色")

    def ready(self):
        from . import (
            signals,  # noqa: F401 - connects the sign-in audit receivers
            signed_in,  # noqa: F401 - connects the "signed in" hint receivers
        )
        from .roles import sync_group_permissions

        post_migrate.connect(sync_group_permissions, dispatch_uid="accounts_sync_group_permissions")
