"""Guards of the service layer: the one place a staff-only service refuses anyone else.

A service calls ``require_programme_staff(actor, message)`` with its own refusal (the messages differ by service and
are message ids of their own); a view guard calls it with ``request.user``.
"""

from django.core.exceptions import PermissionDenied

from . import roles


def require_programme_staff(actor, message) -> None:
    """Refuse (PermissionDenied with ``message``) anyone but programme staff (accounts.roles.is_programme_staff)."""
    if not roles.is_programme_staff(actor):
        raise PermissionDenied(message)
