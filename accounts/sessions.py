"""Ending every session of an account: the security stamp.

Each account has a number, ``Profile.security_stamp``, copied into its session at login and compared on every
request (``accounts.middleware.SessionLifetimeMiddleware``): a session whose copy differs is logged out. Raising
the number (``security_stamp_bump``) therefore ends all of the account's sessions at their next request, on every
app server, without finding them in the session store. It is raised when the account's roles change (groups,
staff or superuser flag, its province or zone binding), when it is deactivated and when its API tokens are
revoked (``accounts.signals`` and ``accounts.tokens`` call it).

A password change needs no stamp: Django already ends the other sessions, whose stored password hash no longer
matches. A login creates the account's profile if it has none, so every account with a session has its stamp.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from audit.services import audit_record

from .models import Profile

#: the session key holding the account's stamp as it was at login
SECURITY_STAMP = "_ntr_security_stamp"


def session_stamp(session) -> int:
    """The stamp a session was opened with (0 for sessions older than the stamp: they match an unraised one)."""
    return session.get(SECURITY_STAMP, 0)


def session_stamp_refresh(request, user=None) -> None:
    """Copy the account's stamp into this request's session: at login, and to keep the session in which the
    account itself made the change that raised it (as ``update_session_auth_hash`` does for a password). The
    account gets its profile here if it has none, so that an account with a session always has its stamp's row."""
    user = user or request.user
    if getattr(user, "is_authenticated", False) and hasattr(request, "session"):
        profile, _created = Profile.objects.get_or_create(user_id=user.pk)
        request.session[SECURITY_STAMP] = profile.security_stamp


def security_stamp_bump(
    *, user_id, reason: str, details: dict | Callable[[], dict] | None = None, actor=None, request=None
) -> bool:
    """End every session of the account at its next request; returns False when there was none to end.

    An account that never logged in has no session: nothing is raised, so creating accounts and giving them their
    first roles leaves no trace here. ``request`` (the account's own) keeps its session.
    ``details`` (or a function returning them, called only when something is raised) go into the audit event
    beside the reason: which groups, which flag."""
    User = get_user_model()
    with transaction.atomic():
        raised = Profile.objects.filter(user_id=user_id).update(security_stamp=F("security_stamp") + 1)
        if not raised:
            # Every login makes sure of a profile (session_stamp_refresh): none means no session since this
            # stamp exists; one from before it (a login on record) still gets ended.
            if not User._default_manager.filter(pk=user_id, last_login__isnull=False).exists():
                return False
            Profile.objects.get_or_create(user_id=user_id)
            Profile.objects.filter(user_id=user_id).update(security_stamp=F("security_stamp") + 1)
        if callable(details):
            details = details()
        audit_record(
            actor=actor,
            action="user.sessions_end",
            obj=User._default_manager.get(pk=user_id),
            after={"reason": reason, **(details or {})},
            request=request,
        )
    if request is not None and getattr(request.user, "pk", None) == user_id:
        session_stamp_refresh(request)
    return True
