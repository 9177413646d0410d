"""Admin building blocks that write every change through the audit log and show an object's history.

``AuditedModelAdmin`` records creates, changes (the field diff only) and deletes of the object and of its inline
rows with ``audit.services``, inside the admin's own transaction, so a change and its audit event commit or roll
back together. It also asks for an optional reason (修改理由) that goes into the event.

``AuditHistoryMixin`` shows the object's audit trail (time, actor, before → after) under its change form.
"""

import datetime
import decimal
import json
import re

from django import forms
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .actions import ACTION_LABELS, VERB_LABELS, action_label
from .services import audit_record, diff, history_for, snapshot

AUDIT_REASON_FIELD = "audit_reason"
EMPTY = "—"
#: how a recorded date-time (ISO 8601 with its offset, mostly UTC) is shown: in the current time zone (Beijing)
DATETIME_DISPLAY = "%Y-%m-%d %H:%M:%S"
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$")


def audit_field_names(model, exclude=()) -> list[str]:
    """The attnames worth recording: editable concrete fields, without the key and automatic timestamps."""
    names = []
    for field in model._meta.concrete_fields:
        if field.primary_key or not field.editable or field.name in exclude or field.attname in exclude:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        names.append(field.attname)
    return names


# ---------------------------------------------------------------------------------------------------------------
# History display


def _field_by_attname(model, name):
    for field in model._meta.concrete_fields:
        if name in (field.attname, field.name):
            return field
    return None


def local_datetime(value) -> str | None:
    """A recorded date-time (an ISO 8601 string with an offset, as the audit log keeps them) in the current time
    zone, to the second; None if ``value`` is not one."""
    if not isinstance(value, str) or not _ISO_DATETIME.match(value):
        return None
    moment = parse_datetime(value)
    if moment is None or timezone.is_naive(moment):
        return None
    return timezone.localtime(moment).strftime(DATETIME_DISPLAY)


def _plain(value) -> str:
    if value is None or value == "":
        return EMPTY
    shown = local_datetime(value)
    if shown is not None:
        return shown
    if value is True:
        return str(_("是"))
    if value is False:
        return str(_("否"))
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        return text if len(text) <= 300 else f"{text[:300]}…"
    return str(value)


def _model_for(object_type: str, default):
    try:
        return apps.get_model(object_type) if object_type else default
    except (LookupError, ValueError):
        return default


def _related_labels(pairs) -> dict:
    """{field: {pk: str(row)}} for the foreign keys the events mention, one query per related model."""
    wanted: dict = {}
    for model, event in pairs:
        for values in (event.before, event.after):
            if not isinstance(values, dict):
                continue
            for name, value in values.items():
                field = _field_by_attname(model, name)
                if (
                    field is not None
                    and field.is_relation
                    and not field.many_to_many
                    and value not in (None, "")
                ):
                    wanted.setdefault(field, set()).add(value)
    labels = {}
    for field, pks in wanted.items():
        rows = field.related_model._default_manager.in_bulk(list(pks))
        labels[field] = {pk: str(row) for pk, row in rows.items()}
    return labels


def _display(model, labels, name, value) -> str:
    field = _field_by_attname(model, name)
    if field is None or value is None or value == "":
        return _plain(value)
    if field.is_relation and not field.many_to_many:
        return labels.get(field, {}).get(value, str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return _plain(value)


def _label(model, name) -> str:
    field = _field_by_attname(model, name)
    if field is None:
        field = next((f for f in model._meta.many_to_many if f.name == name), None)
    return str(field.verbose_name) if field is not None else name


def history_rows(model, events) -> list[dict]:
    """Audit events as rows for a change page: time, actor, action, reason and each change before → after.

    ``model`` is the page's model; events about other rows (inline rows) are labelled with their own model."""
    pairs = [(_model_for(event.object_type, model), event) for event in events]
    labels = _related_labels(pairs)
    rows = []
    for event_model, event in pairs:
        before = event.before if isinstance(event.before, dict) else {}
        after = event.after if isinstance(event.after, dict) else {}
        names = list(dict.fromkeys([*before, *after]))
        changes = [
            {
                "label": _label(event_model, name),
                "before": _display(event_model, labels, name, before.get(name)),
                "after": _display(event_model, labels, name, after.get(name)),
            }
            for name in names
            if before.get(name) != after.get(name)
        ]
        verb = event.action.rsplit(".", 1)[-1]
        # The map's label (audit.actions); an audited page's own create/update/delete just by its verb.
        label = ACTION_LABELS.get(event.action) or VERB_LABELS.get(verb) or action_label(event.action)
        rows.append(
            {
                "at": event.at,
                "actor": event.actor_repr or EMPTY,
                "action": event.action,
                "action_label": str(label),
                "other_object": (
                    gettext("%(label)s：%(value)s")
                    % {"label": event_model._meta.verbose_name, "value": event.object_repr}
                    if event_model is not model
                    else ""
                ),
                "changes": changes,
                "reason": event.reason,
            }
        )
    return rows


class AuditHistoryMixin:
    """Show ``history_for(obj)`` under the change form (templates/admin/audit/change_form.html)."""

    change_form_template = "admin/audit/change_form.html"
    audit_history_limit = 50

    def audit_history_events(self, obj):
        """The events shown on obj's page; override to add the events of rows edited inline."""
        return history_for(obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            events = self.audit_history_events(obj)[: self.audit_history_limit]
            context["audit_history"] = history_rows(self.model, events)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )


# ---------------------------------------------------------------------------------------------------------------
# Audited writes


class AuditedModelAdmin(AuditHistoryMixin, admin.ModelAdmin):
    """A ModelAdmin whose every save and delete (its own and its inlines') writes an AuditEvent with the diff."""

    #: the action prefix, "zone" gives zone.create / zone.update / zone.delete; defaults to the model name
    audit_action_prefix: str | None = None
    #: fields never recorded (for example a password hash)
    audit_exclude_fields: tuple = ()
    #: many-to-many fields recorded as sorted lists of primary keys (for example a user's groups)
    audit_m2m_fields: tuple = ()
    #: ask for an optional 修改理由 written into the event
    audit_ask_reason = True

    # -- helpers ---------------------------------------------------------------------------------------------

    def audit_action(self, verb: str, model=None) -> str:
        if model is None or model is self.model:
            prefix = self.audit_action_prefix or self.model._meta.model_name
        else:
            prefix = model._meta.model_name
        return f"{prefix}.{verb}"

    def audit_snapshot(self, obj) -> dict:
        """The recorded fields as an admin form sees them, so a diff shows only real edits: decimals at the
        column's places (a posted 30 is the stored 30.00), date-times in UTC to the second (admin widgets
        re-post a value in local time without its microseconds)."""
        names = audit_field_names(type(obj), self.audit_exclude_fields)
        values = snapshot(obj, names)
        for field in type(obj)._meta.concrete_fields:
            if field.attname not in values:
                continue
            value = getattr(obj, field.attname)
            if (
                isinstance(field, models.DecimalField)
                and isinstance(value, decimal.Decimal)
                and value.is_finite()
            ):
                values[field.attname] = str(value.quantize(decimal.Decimal(1).scaleb(-field.decimal_places)))
            elif isinstance(field, models.DateTimeField) and isinstance(value, datetime.datetime):
                if value.tzinfo is not None:
                    value = value.astimezone(datetime.UTC)
                values[field.attname] = value.replace(microsecond=0).isoformat()
        return values

    def _m2m_snapshot(self, obj) -> dict:
        return {
            name: sorted(getattr(obj, name).values_list("pk", flat=True)) for name in self.audit_m2m_fields
        }

    def audit_reason(self, form) -> str:
        cleaned = getattr(form, "cleaned_data", None) or {}
        return (cleaned.get(AUDIT_REASON_FIELD) or "").strip()

    def _record(self, request, verb, obj, *, before=None, after=None, reason="", model=None):
        return audit_record(
            actor=request.user,
            action=self.audit_action(verb, model=model),
            obj=obj,
            before=before,
            after=after,
            reason=reason,
            request=request,
        )

    # -- the reason field --------------------------------------------------------------------------------------

    def _may_write(self, request, obj) -> bool:
        return self.has_add_permission(request) if obj is None else self.has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        fields = kwargs.get("fields")
        if fields:
            kwargs["fields"] = [name for name in fields if name != AUDIT_REASON_FIELD]
        form = super().get_form(request, obj, change=change, **kwargs)
        if not self.audit_ask_reason:
            return form
        reason = forms.CharField(
            label=_("修改理由"),
            required=False,
            max_length=500,
            widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
            help_text=_("选填，与本次修改一并记入审计日志。"),
        )
        return type(form.__name__, (form,), {AUDIT_REASON_FIELD: reason})

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.audit_ask_reason:
            return fieldsets
        cleaned = [
            (name, {**options, "fields": [f for f in options.get("fields", ()) if f != AUDIT_REASON_FIELD]})
            for name, options in fieldsets
        ]
        cleaned = [(name, options) for name, options in cleaned if options["fields"]]
        if self._may_write(request, obj):
            cleaned.append((_("审计"), {"fields": [AUDIT_REASON_FIELD]}))
        return cleaned

    # -- the object --------------------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            stored = (
                type(obj)
                ._default_manager.select_for_update(of=("self",))
                .filter(pk=obj.pk)
                .order_by()
                .first()
            )
            if stored is not None:
                before = self.audit_snapshot(stored)
                if self.audit_m2m_fields:
                    obj._audit_m2m_before = self._m2m_snapshot(stored)
        super().save_model(request, obj, form, change)
        after = self.audit_snapshot(obj)
        reason = self.audit_reason(form)
        if before is None:
            self._record(request, "create", obj, after=after, reason=reason)
            obj._audit_m2m_before = {name: [] for name in self.audit_m2m_fields}
        else:
            old, new = diff(before, after)
            if new:
                self._record(request, "update", obj, before=old, after=new, reason=reason)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not self.audit_m2m_fields:
            return
        obj = form.instance
        before = getattr(obj, "_audit_m2m_before", None)
        if before is None:
            return
        old, new = diff(before, self._m2m_snapshot(obj))
        if new:
            self._record(request, "update", obj, before=old, after=new, reason=self.audit_reason(form))

    def delete_model(self, request, obj):
        before = self.audit_snapshot(obj)
        self._record(request, "delete", obj, before=before)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._record(request, "delete", obj, before=self.audit_snapshot(obj))
        super().delete_queryset(request, queryset)

    # -- inline rows -------------------------------------------------------------------------------------------

    def save_formset(self, request, form, formset, change):
        model = formset.model
        reason = self.audit_reason(form)
        existing_ids = [f.instance.pk for f in formset.initial_forms if f.instance.pk is not None]
        stored = model._default_manager.in_bulk(existing_ids) if existing_ids else {}
        before = {pk: self.audit_snapshot(row) for pk, row in stored.items()}
        # Deletions are recorded first, while the rows still have their keys; the transaction keeps it honest.
        for deleted in getattr(formset, "deleted_forms", []):
            row = deleted.instance
            if row.pk is not None and row.pk in before:
                self._record(request, "delete", row, before=before[row.pk], reason=reason, model=model)
        super().save_formset(request, form, formset, change)
        for row in formset.new_objects:
            self._record(request, "create", row, after=self.audit_snapshot(row), reason=reason, model=model)
        for row, _fields in formset.changed_objects:
            old, new = diff(before.get(row.pk, {}), self.audit_snapshot(row))
            if new:
                self._record(request, "update", row, before=old, after=new, reason=reason, model=model)


def related_history(obj, *related: models.QuerySet):
    """History of obj plus the rows of the given querysets (its inline rows), newest first."""
    from django.db.models import Q

    from .models import AuditEvent

    condition = Q(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    for queryset in related:
        ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        if ids:
            condition |= Q(object_type=queryset.model._meta.label_lower, object_id__in=ids)
    return AuditEvent.objects.filter(condition).select_related("actor")
