"""Provisioning accounts for the programme's roles (used by the management commands and the admin)."""

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record

from . import roles
from .models import Profile


def account_create(
    *,
    username: str,
    password: str,
    role: str,
    actor=None,
    province=None,
    zone=None,
    display_name="",
    password_hash="",
):
    """Create a user in one role group, bound to its province or zone; the password must pass the policy.

    ``password_hash`` (an already validated and hashed password) lets the demo seed many accounts with one hash.
    """
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("用户名“%(username)s”已存在。") % {"username": username})
    user = User(username=username, is_staff=role in roles.ADMIN_ROLES)
    if password_hash:
        user.password = password_hash
    else:
        password_validation.validate_password(password, user=user)
        user.set_password(password)
    with transaction.atomic():
        user.save()
        user.groups.add(Group.objects.get(name=role))
        if province is not None or zone is not None or display_name:
            Profile.objects.create(user=user, province=province, zone=zone, display_name=display_name)
        audit_record(
            actor=actor,
            action="account.create",
            obj=user,
            after={
                "role": role,
                "province": getattr(province, "code", None),
                "zone": getattr(zone, "key", None),
            },
        )
    return user
