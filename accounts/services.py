"""Provisioning accounts for the programme's roles (used by the management commands and the admin)."""

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record

from . import roles
from .models import Profile


def account_create(*, username: str, password: str, role: str, actor=None, province=None, zone=None, display_name=""):
    """Create a user in one role group, bound to its province or zone; the password must pass the policy."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("用户名“%(username)s”已存在。") % {"username": username})
    candidate = User(username=username)
    password_validation.validate_password(password, user=candidate)
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password)
        if role in roles.ADMIN_ROLES:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(Group.objects.get(name=role))
        if province is not None or zone is not None or display_name:
            Profile.objects.create(user=user, province=province, zone=zone, display_name=display_name)
        audit_record(
            actor=actor,
            action="account.create",
            obj=user,
            after={"role": role, "province": getattr(province, "code", None), "zone": getattr(zone, "key", None)},
        )
    return user
