"""Who a user is in the programme. The only place that reads group membership and bindings."""

from django.utils.translation import gettext_lazy as _

OFFICIAL = "省级主管部门"
ZONE_PREPARER = "高新区管委会"
REVIEWER = "评审专家"
STAFF = "业务管理员"
SYSTEM_ADMIN = "系统管理员"
SECURITY_ADMIN = "安全管理员"
AUDIT_ADMIN = "审计管理员"

ROLE_GROUPS = [OFFICIAL, ZONE_PREPARER, REVIEWER, STAFF, SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN]
ROLE_LABELS = {
    OFFICIAL: _("省级主管部门"),
    ZONE_PREPARER: _("高新区管委会"),
    REVIEWER: _("评审专家"),
    STAFF: _("业务管理员"),
    SYSTEM_ADMIN: _("系统管理员"),
    SECURITY_ADMIN: _("安全管理员"),
    AUDIT_ADMIN: _("审计管理员"),
}

# Model permissions each group gets in the admin; rows are still scoped by selectors.
GROUP_PERMISSIONS = {
    STAFF: {
        "zones": ["add", "change", "view"],
        "tracks": ["add", "change", "view"],
        "cultivation": ["add", "change", "view"],
    },
    REVIEWER: {
        "tracks.assignment": ["view", "change"],
        "tracks.score": ["view", "change", "add"],
    },
    # 三员分立: users and their group membership (groups' permissions are defined here, in code) ...
    SYSTEM_ADMIN: {
        "auth.user": ["add", "change", "view"],
        "auth.group": ["view"],
        "accounts.profile": ["add", "change", "view"],
    },
    # ... login lockouts (lifting one deletes its access attempt) and second-factor devices (reset a lost one) ...
    SECURITY_ADMIN: {
        "auth.user": ["view"],
        "axes.accessattempt": ["view", "delete"],
        "axes.accesslog": ["view"],
        "axes.accessfailurelog": ["view"],
        "otp_totp.totpdevice": ["view", "delete"],
        "otp_static.staticdevice": ["view", "delete"],
    },
    # ... and the audit log, read-only, nothing else.
    AUDIT_ADMIN: {"audit.auditevent": ["view"]},
}
# Roles that work in the admin and so need is_staff.
ADMIN_ROLES = {REVIEWER, STAFF, SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN}
# The three administrators (三员); `manage.py create_admin --role system|security|audit` creates them.
ADMINISTRATOR_ROLES = {"system": SYSTEM_ADMIN, "security": SECURITY_ADMIN, "audit": AUDIT_ADMIN}


def group_names(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_group_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_group_names = cached
    return cached


def has_role(user, role: str) -> bool:
    return role in group_names(user)


def is_programme_staff(user) -> bool:
    return has_role(user, STAFF)


def is_reviewer(user) -> bool:
    return has_role(user, REVIEWER)


def is_administrator(user) -> bool:
    """One of the three administrators (系统/安全/审计管理员)."""
    return bool(group_names(user) & set(ADMINISTRATOR_ROLES.values()))


def requires_two_factor(user) -> bool:
    """Whoever works in the admin signs in with a second factor: reviewers, programme staff, the three
    administrators and any other staff or superuser account."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or group_names(user) & ADMIN_ROLES)


def _profile(user):
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.profile
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist: the account has no binding
        return None


def official_province(user):
    """The province a provincial official acts for, or None."""
    profile = _profile(user)
    if profile is not None and has_role(user, OFFICIAL):
        return profile.province
    return None


def preparer_zone(user):
    """The zone a zone preparer acts for, or None."""
    profile = _profile(user)
    if profile is not None and has_role(user, ZONE_PREPARER):
        return profile.zone
    return None


def role_labels(user) -> list[str]:
    return [str(ROLE_LABELS[name]) for name in ROLE_GROUPS if name in group_names(user)]


def sync_group_permissions(sender=None, **kwargs):
    """Create the role groups and give them their admin permissions (idempotent, after every migrate)."""
    from django.contrib.auth.models import Group, Permission

    for name in ROLE_GROUPS:
        group, _created = Group.objects.get_or_create(name=name)
        wanted = []
        for target, actions in GROUP_PERMISSIONS.get(name, {}).items():
            if "." in target:
                app_label, model = target.split(".")
                perms = Permission.objects.filter(
                    content_type__app_label=app_label, content_type__model=model
                )
            else:
                perms = Permission.objects.filter(content_type__app_label=target)
            wanted.extend(p for p in perms if p.codename.split("_", 1)[0] in actions)
        group.permissions.set(wanted)
