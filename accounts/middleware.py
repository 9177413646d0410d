"""Session limits, the security stamp and the second factor, enforced on every request.

``SessionLifetimeMiddleware`` ends a session whose account is gone or deactivated, or whose security stamp is no
longer the account's (its roles changed, its API tokens were revoked: accounts.sessions), then one after
``NTR_SESSION_IDLE_SECONDS`` without a request (30 minutes) and ``NTR_SESSION_ABSOLUTE_SECONDS`` after the login
(12 hours), whatever the activity. It stamps the session at most once a minute, so a busy user does not write the
session on every request.

``TwoFactorMiddleware`` (with ``NTR_REQUIRE_2FA``) lets a reviewer, programme staff or administrator who has only
given a password reach nothing but the second-factor pages and logout: without a device they are sent to
enrolment, with one to verification, and come back to the page they asked for. Whether the account needs a second
factor is read on each request (``roles.current``), so a role given during a session asks for it at once.

Both read the account once per request with one query (``roles.current``), only for requests that carry a
session cookie; the groups it read are handed to ``request.user`` so views do not read them again.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django_otp import user_has_device

from . import roles
from .sessions import session_stamp
from .signals import LAST_SEEN, LOGIN_AT

TOUCH_EVERY_SECONDS = 60

#: views a password-only session of an admin role may reach
TWO_FACTOR_EXEMPT_VIEWS = {
    "accounts:login",
    "accounts:logout",
    "accounts:two_factor_setup",
    "accounts:two_factor_verify",
    "set_language",
    "healthz",
    "readyz",
}


def _has_session(request) -> bool:
    # Requests without a session cookie (the public reading the lists) never load a session: nothing to check.
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def _is_api(request) -> bool:
    return "/api/" in request.path_info


def _with_known_groups(request, known: roles.Current) -> None:
    """Let ``roles.group_names(request.user)`` use the groups ``roles.current`` has just read, without loading
    the user now (a view that never looks at the user must not read the session)."""
    user = request.user

    def seeded():
        if getattr(user, "pk", None) == known.user_id:
            user._role_group_names = known.groups
        return user

    request.user = SimpleLazyObject(seeded)


class _PeekSession:
    """Read the session without marking it accessed, unless the caller keeps the mark.

    A public page a signed-in user opens must stay cacheable (no ``Vary: Cookie``) when its view never looks at
    the user; these checks read the few keys they need and put the flag back. Whatever later evaluates
    ``request.user`` reads the session again and sets the flag itself."""

    def __init__(self, request):
        self.session = request.session
        self.was_accessed = self.session.accessed

    def restore(self):
        self.session.accessed = self.was_accessed


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_session(request):
            response = self.check(request)
            if response is not None:
                return response
        return self.get_response(request)

    def check(self, request):
        peek = _PeekSession(request)
        session = peek.session
        if SESSION_KEY not in session:
            peek.restore()
            return None
        known = roles.current(request, peek=True)
        if not known.is_authenticated:
            # The account was deleted or deactivated (Django would only ignore the session): end it.
            request.ntr_logout_reason = "inactive"
            logout(request)
            return None
        if session_stamp(session) != known.security_stamp:
            return self.end_revoked(request)
        _with_known_groups(request, known)
        now = int(time.time())
        login_at = session.get(LOGIN_AT)
        last_seen = session.get(LAST_SEEN)
        if login_at is None or last_seen is None:
            # A session from before these limits (or made without the login view): the clock starts now.
            session[LOGIN_AT] = login_at or now
            session[LAST_SEEN] = last_seen or now
            return None
        reason = ""
        if now - login_at > settings.NTR_SESSION_ABSOLUTE_SECONDS:
            reason = "absolute"
        elif now - last_seen > settings.NTR_SESSION_IDLE_SECONDS:
            reason = "idle"
        if reason:
            request.ntr_logout_reason = reason
            logout(request)
            if reason == "idle":
                text = _("您已超过30分钟未操作，为保护账户安全已自动退出，请重新登录。")
            else:
                text = _("本次登录已超过12小时，为保护账户安全已自动退出，请重新登录。")
            messages.warning(request, text)
        elif now - last_seen >= TOUCH_EVERY_SECONDS:
            session[LAST_SEEN] = now
        else:
            peek.restore()
        return None

    def end_revoked(self, request):
        """The account's roles or credentials changed after this session began: log it out, and ask for a new
        login (a page: the login page, coming back here; the API: 401, unless a token authenticates the call)."""
        request.ntr_logout_reason = "revoked"
        logout(request)
        text = _("您的账户角色或安全设置已变更，为保护账户安全已退出登录，请重新登录。")
        if _is_api(request):
            if request.META.get("HTTP_AUTHORIZATION"):
                return None
            response = JsonResponse({"detail": text}, status=401)
            response["WWW-Authenticate"] = "Token"
            return response
        messages.warning(request, text)
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")


def _is_verified(user) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(settings, "NTR_REQUIRE_2FA", False) or not _has_session(request):
            return None
        peek = _PeekSession(request)
        if not roles.current(request, peek=True).requires_two_factor:
            # Anonymous, or an account without an admin role as the database says now: nothing to ask.
            peek.restore()
            return None
        if not request.user.is_authenticated or _is_verified(request.user):
            # (not authenticated: Django refused the session, e.g. the password changed since; the view decides)
            return None
        if request.path_info.startswith(settings.STATIC_URL):
            return None
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in TWO_FACTOR_EXEMPT_VIEWS:
            return None
        if _is_api(request):
            return JsonResponse({"detail": _("请先完成双因素认证。")}, status=403)
        target = (
            "accounts:two_factor_verify" if user_has_device(request.user) else "accounts:two_factor_setup"
        )
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
