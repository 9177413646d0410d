"""API tokens (DRF authtoken) of portal users: created or rotated on the profile page, never shown twice, and
revoked by the user, or by the system when the password changes or the account is deactivated."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from audit.services import audit_record

from .sessions import security_stamp_bump

#: why tokens were revoked, as recorded in the audit log
REVOKED_BY_USER = "user"
REVOKED_PASSWORD_CHANGE = "password_change"  # noqa: S105 - a reason, not a password
REVOKED_DEACTIVATED = "deactivated"


def api_token_rotate(*, user, request=None) -> Token:
    """Issue a new token for the user; any previous one stops working at once."""
    with transaction.atomic():
        previous = Token.objects.filter(user=user).first()
        if previous is not None:
            previous.delete()
        token = Token.objects.create(user=user)
        audit_record(
            actor=user,
            action="apitoken.rotate" if previous is not None else "apitoken.create",
            obj=user,
            # Only a fingerprint: the key itself never enters the log.
            after={"token_prefix": token.key[:4]},
            request=request,
        )
    return token


def api_token_revoke(*, user, reason: str = REVOKED_BY_USER, actor=None, request=None) -> bool:
    """Delete the user's tokens. Revoked on request (a leaked token), it also ends the user's other sessions
    (the request's own session, if it is the user's, stays). Revoked because the password changed or the account
    was deactivated, the sessions end by that change itself (Django's password hash check; the deactivation's
    own stamp), and the change is audited on its own: ``actor`` may then be None."""
    if actor is None and reason == REVOKED_BY_USER:
        actor = user
    with transaction.atomic():
        deleted, _rows = Token.objects.filter(user=user).delete()
        if deleted:
            audit_record(
                actor=actor, action="apitoken.revoke", obj=user, after={"reason": reason}, request=request
            )
            if reason == REVOKED_BY_USER:
                security_stamp_bump(user_id=user.pk, reason="apitoken.revoke", actor=actor, request=request)
    return bool(deleted)
