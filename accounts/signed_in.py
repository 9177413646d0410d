"""The "signed in" hint: how a cached public page learns, in the browser, that its reader is signed in.

Public pages are cached and shared, so they never render the user: their header carries a neutral account slot
(templates/includes/header.html). A small script (static/js/account.js) fills the slot from ``/accounts/me/`` — but
only when this cookie says there is someone to ask about, so anonymous readers never make the extra request.

The cookie holds no identity ("1"), is readable by scripts (not HttpOnly: that is its purpose) and lives as long as
the browser session, like the session cookie. It is set at login and cleared at logout, when a session ends (idle
or absolute limit, a revoked account: all log out through ``django.contrib.auth.logout``), when the session cookie
is gone, and by ``/accounts/me/`` when the session behind it has expired. Whatever it says, the slot shows nothing
personal unless ``/accounts/me/`` answers for a signed-in session.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

COOKIE = "ntr_signed_in"
_CHANGE = "_ntr_signed_in"


@receiver(user_logged_in, dispatch_uid="accounts_signed_in_hint_login")
def _signed_in(sender, request, user, **kwargs):
    if request is not None:
        setattr(request, _CHANGE, True)


@receiver(user_logged_out, dispatch_uid="accounts_signed_in_hint_logout")
def _signed_out(sender, request, user, **kwargs):
    if request is not None:
        setattr(request, _CHANGE, False)


def set_hint(response) -> None:
    response.set_cookie(
        COOKIE,
        "1",
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=False,
        samesite="Lax",
    )


def clear_hint(response) -> None:
    response.delete_cookie(COOKIE, path="/", samesite="Lax")


class SignedInHintMiddleware:
    """Sets the hint on the response of a login, clears it on the response of a logout (any logout: the view, the
    session limits) or when the session cookie is gone. Reads no session itself. Place it outside
    ``accounts.middleware.SessionLifetimeMiddleware``, whose logouts it must see."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        change = getattr(request, _CHANGE, None)
        has_hint = COOKIE in request.COOKIES
        if change is True:
            set_hint(response)
        elif has_hint and (change is False or settings.SESSION_COOKIE_NAME not in request.COOKIES):
            clear_hint(response)
        return response
