"""Sign-in events in the audit log: every login, logout, failed login and lockout (等保: 身份鉴别与安全审计)."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.services import audit_record

from . import roles

#: session keys of accounts.middleware.SessionLifetimeMiddleware
LOGIN_AT = "_ntr_login_at"
LAST_SEEN = "_ntr_last_seen"
#: whether the account must give a second factor (an admin role), stamped at login for TwoFactorMiddleware
TWO_FACTOR_REQUIRED = "_ntr_2fa_required"


def _attempted_username(credentials) -> str:
    return str((credentials or {}).get("username") or "")[:150]


@receiver(user_logged_in, dispatch_uid="accounts_audit_login")
def record_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGIN_AT] = now
        request.session[LAST_SEEN] = now
        request.session[TWO_FACTOR_REQUIRED] = roles.requires_two_factor(user)
    audit_record(actor=user, action="login", obj=user, request=request)


@receiver(user_logged_out, dispatch_uid="accounts_audit_logout")
def record_logout(sender, request, user, **kwargs):
    if user is None:  # logout of a session that had no user: nothing happened
        return
    reason = getattr(request, "ntr_logout_reason", "") if request is not None else ""
    if reason:
        audit_record(
            actor=user, action="session.expired", obj=user, after={"reason": reason}, request=request
        )
    else:
        audit_record(actor=user, action="logout", obj=user, request=request)


@receiver(user_login_failed, dispatch_uid="accounts_audit_login_failed")
def record_login_failed(sender, credentials, request=None, **kwargs):
    # The password never reaches the log: Django has already masked it in credentials; only the name is kept.
    audit_record(
        actor=None,
        action="login.failed",
        after={"username": _attempted_username(credentials), "path": getattr(request, "path", "")},
        request=request,
    )


@receiver(user_locked_out, dispatch_uid="accounts_audit_locked_out")
def record_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    audit_record(
        actor=None,
        action="login.locked",
        after={"username": str(username or "")[:150], "ip_address": ip_address},
        request=request,
    )
