"""Session limits and the second factor, enforced on every request.

``SessionLifetimeMiddleware`` ends a session after ``NTR_SESSION_IDLE_SECONDS`` without a request (30 minutes)
and ``NTR_SESSION_ABSOLUTE_SECONDS`` after the login (12 hours), whatever the activity. It stamps the session at
most once a minute, so a busy user does not write the session on every request.

``TwoFactorMiddleware`` (with ``NTR_REQUIRE_2FA``) lets a reviewer, programme staff or administrator who has only
given a password reach nothing but the second-factor pages and logout: without a device they are sent to
enrolment, with one to verification, and come back to the page they asked for.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

from . import roles
from .signals import LAST_SEEN, LOGIN_AT, TWO_FACTOR_REQUIRED

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
            self.check(request)
        return self.get_response(request)

    def check(self, request):
        peek = _PeekSession(request)
        session = peek.session
        if SESSION_KEY not in session:
            peek.restore()
            return
        now = int(time.time())
        login_at = session.get(LOGIN_AT)
        last_seen = session.get(LAST_SEEN)
        if login_at is None or last_seen is None:
            # A session from before these limits (or made without the login view): the clock starts now.
            session[LOGIN_AT] = login_at or now
            session[LAST_SEEN] = last_seen or now
            return
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


def two_factor_pending(user) -> bool:
    """True when the settings require a second factor of this user and the session has not given one."""
    if not getattr(settings, "NTR_REQUIRE_2FA", False):
        return False
    if not getattr(user, "is_authenticated", False) or not roles.requires_two_factor(user):
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified and is_verified())


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(settings, "NTR_REQUIRE_2FA", False) or not _has_session(request):
            return None
        peek = _PeekSession(request)
        if SESSION_KEY not in peek.session or peek.session.get(TWO_FACTOR_REQUIRED) is False:
            # Anonymous, or an account without an admin role (stamped at login): nothing to ask.
            peek.restore()
            return None
        if not two_factor_pending(request.user):
            return None
        if request.path_info.startswith(settings.STATIC_URL):
            return None
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in TWO_FACTOR_EXEMPT_VIEWS:
            return None
        if "/api/" in request.path_info:
            return JsonResponse({"detail": _("请先完成双因素认证。")}, status=403)
        target = (
            "accounts:two_factor_verify" if user_has_device(request.user) else "accounts:two_factor_setup"
        )
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
