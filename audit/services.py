"""The one way to write the audit log."""

import datetime
import decimal
import ipaddress
import uuid

from django.conf import settings
from django.db import models

from .models import AuditEvent


def _jsonable(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(item) for item in value]
    if hasattr(value, "name") and hasattr(value, "url"):  # a FieldFile
        return value.name or ""
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict:
    """The concrete field values of a row, JSON-ready, for before/after records."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    return {name: _jsonable(getattr(instance, name)) for name in names}


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that changed, as a (before, after) pair."""
    changed = [key for key in after if before.get(key) != after.get(key)]
    return {k: before.get(k) for k in changed}, {k: after.get(k) for k in changed}


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the header a trusted TLS proxy sets (settings.NTR_CLIENT_IP_HEADER,
    which the proxy must overwrite, never append to). Axes uses the same function for its lockouts."""
    if request is None:
        return None
    meta = getattr(request, "META", None) or {}
    header = getattr(settings, "NTR_CLIENT_IP_HEADER", "")
    value = (meta.get(header) if header else None) or meta.get("REMOTE_ADDR") or ""
    value = value.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _event(*, user, action: str, obj, before, after, reason: str, ip_address) -> AuditEvent:
    return AuditEvent(
        actor=user,
        actor_repr=user.get_username() if user else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        reason=reason,
        ip_address=ip_address,
    )


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    request=None,
) -> AuditEvent:
    """Append one event. Call it inside the transaction of the change it records."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = _event(
        user=user,
        action=action,
        obj=obj,
        before=before,
        after=after,
        reason=reason,
        ip_address=client_ip(request),
    )
    event.save(force_insert=True)
    return event


def audit_records_bulk(
    *, actor, action: str, records: list[tuple], reason: str = "", request=None
) -> list[AuditEvent]:
    """Append one event per (obj, before, after) in ``records``, each as ``audit_record`` builds it, in one insert.
    Call it inside the transaction of the changes it records."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    ip_address = client_ip(request)
    events = [
        _event(
            user=user,
            action=action,
            obj=obj,
            before=before,
            after=after,
            reason=reason,
            ip_address=ip_address,
        )
        for obj, before, after in records
    ]
    return AuditEvent.objects.bulk_create(events)


def history_for(obj: models.Model):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related(
        "actor"
    )
