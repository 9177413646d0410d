"""Who a user is in the programme. The only place that reads group membership and bindings."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.exceptions import ValidationError
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


def _works_in_admin(*, is_staff: bool, is_superuser: bool, groups: frozenset[str]) -> bool:
    return bool(is_staff or is_superuser or groups & ADMIN_ROLES)


#: the two workspaces (accounts.views.workspace_url gives their addresses)
ADMIN_WORKSPACE = "admin"
PORTAL_WORKSPACE = "portal"
PORTAL_ROLES = {OFFICIAL, ZONE_PREPARER}


def workspace(user) -> str | None:
    """Where a user works, and goes after login: the admin for programme staff, reviewers, the three administrators
    (and any staff or superuser account); the portal for provincial officials and zone preparers; None for an
    account without a role."""
    if not getattr(user, "is_authenticated", False):
        return None
    groups = group_names(user)
    if _works_in_admin(is_staff=user.is_staff, is_superuser=user.is_superuser, groups=groups):
        return ADMIN_WORKSPACE
    if groups & PORTAL_ROLES:
        return PORTAL_WORKSPACE
    return None


def requires_two_factor(user) -> bool:
    """Whoever works in the admin signs in with a second factor: reviewers, programme staff, the three
    administrators and any other staff or superuser account."""
    if not getattr(user, "is_authenticated", False):
        return False
    return _works_in_admin(is_staff=user.is_staff, is_superuser=user.is_superuser, groups=group_names(user))


def is_protected_account(account) -> bool:
    """A superuser or one of the three administrators: only a superuser edits such an account, its profile
    included (三员分立: the system administrator manages programme accounts, never the administrators')."""
    return bool(account.is_superuser or is_administrator(account))


def may_edit_account(actor, account) -> bool:
    """Whether ``actor`` may change ``account`` or its profile (the admin asks; the permissions say the rest)."""
    return bool(actor.is_superuser or not is_protected_account(account))


def editable_accounts(actor, queryset=None):
    """The accounts ``actor`` may edit: ``may_edit_account`` as a queryset (e.g. whom a profile may bind)."""
    if queryset is None:
        queryset = get_user_model()._default_manager.all()
    if actor.is_superuser:
        return queryset
    return queryset.filter(is_superuser=False).exclude(groups__name__in=ADMINISTRATOR_ROLES.values())


# ---------------------------------------------------------------------------------------------------------------
# The account behind a request's session, as the database says now


@dataclass(frozen=True)
class Current:
    """The account a request's session belongs to, read from the database once per request (never what the
    session remembers of the login): active, its groups and flags, and its security stamp (accounts.sessions).
    Requests without a session (the public, API tokens) are anonymous here."""

    user_id: int | None = None
    groups: frozenset[str] = frozenset()
    is_staff: bool = False
    is_superuser: bool = False
    security_stamp: int = 0

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def requires_two_factor(self) -> bool:
        """The same rule as ``requires_two_factor(user)``."""
        return self.is_authenticated and _works_in_admin(
            is_staff=self.is_staff, is_superuser=self.is_superuser, groups=self.groups
        )


ANONYMOUS = Current()
_MEMO = "_ntr_roles_current"


def _load(request) -> Current:
    user_id = request.session.get(SESSION_KEY)
    if user_id is None:
        return ANONYMOUS
    User = get_user_model()
    try:
        pk = User._meta.pk.to_python(user_id)
    except ValidationError:
        return ANONYMOUS
    # One query: the account's flags, stamp and groups (a row per group, LEFT JOINs); none if gone or inactive.
    rows = list(
        User._default_manager.filter(pk=pk, is_active=True).values_list(
            "is_staff", "is_superuser", "profile__security_stamp", "groups__name"
        )
    )
    if not rows:
        return ANONYMOUS
    is_staff, is_superuser, stamp, _group = rows[0]
    return Current(
        user_id=pk,
        groups=frozenset(row[3] for row in rows if row[3] is not None),
        is_staff=is_staff,
        is_superuser=is_superuser,
        security_stamp=stamp or 0,
    )


def current(request, *, peek: bool = False) -> Current:
    """Who the request's session belongs to, memoised on the request.

    A request without a session cookie never loads a session (public pages are cached and must not). Reading the
    session marks the response as varying with the cookie; ``peek=True`` (the middleware's checks, whose answer
    does not depend on the user) leaves that mark as it was."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES or not hasattr(request, "session"):
        return ANONYMOUS
    session = request.session
    was_accessed = session.accessed
    known = getattr(request, _MEMO, None)
    if known is None:
        known = _load(request)
        setattr(request, _MEMO, known)
    session.accessed = was_accessed if peek else True
    return known


def forget(request) -> None:
    """Drop the memo (at login and logout, when the session changes hands)."""
    if hasattr(request, _MEMO):
        delattr(request, _MEMO)


def official_province(user):
    """The province a provincial official acts for, or None (``accounts.scope.Scope`` reads the binding)."""
    from .scope import Scope

    return Scope.of(user).official_province


def preparer_zone(user):
    """The zone a zone preparer acts for, or None (``accounts.scope.Scope`` reads the binding)."""
    from .scope import Scope

    return Scope.of(user).preparer_zone


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
