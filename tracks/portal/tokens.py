"""API tokens of portal users (DRF authtoken): created or rotated on the profile page, never shown twice."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from audit.services import audit_record


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


def api_token_revoke(*, user, request=None) -> bool:
    with transaction.atomic():
        deleted, _rows = Token.objects.filter(user=user).delete()
        if deleted:
            audit_record(actor=user, action="apitoken.revoke", obj=user, request=request)
    return bool(deleted)
