"""Confirmation pages of the round's irreversible or public steps, in the admin.

Every such step (a cycle's next phase, closing a scope's review, a list's notice or publication) shows its gate
(tracks.workflow.Gate): the checks (a refusing one stops it; one that may be passed needs a written reason), what the
step changes or makes public, and what is still pending. The step itself is the service's; these pages only present
its gate and pass the reason on.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AuditEvent

from .. import workflow
from ..models import CycleStatus


class GateReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text=gettext_lazy(
            "检查全部通过时可不填；有检查以理由放行时必填，记入审计日志并显示在阶段记录中。"
        ),
    )

    def __init__(self, *args, gate=None, **kwargs):
        super().__init__(*args, **kwargs)
        if gate is not None and not any(check.severity == workflow.OVERRIDE for check in gate.checks):
            del self.fields["reason"]  # a step whose checks all refuse takes no reason: nothing to pass over
        elif gate is not None and gate.overrides:
            self.fields["reason"].required = True
            self.fields["reason"].label = _("继续的理由")


def gate_page(
    model_admin,
    request,
    *,
    gate,
    title,
    intro,
    submit,
    cancel_url,
    apply,
    done_message,
    history=None,
    extra_fields=None,
):
    """GET: the gate. POST (apply=yes): ``apply(reason, form)`` (the service) and back to ``cancel_url`` with
    ``done_message``; a refusal from the service is shown on the page, which is rendered again with the gate as
    it stands now. ``extra_fields`` adds fields (e.g. a new notice end) to the form."""
    applying = request.method == "POST" and request.POST.get("apply") == "yes"
    form = GateReasonForm(request.POST if applying else None, gate=gate)
    for name, field in (extra_fields or {}).items():
        form.fields[name] = field
    if applying and form.is_valid():
        try:
            result = apply(form.cleaned_data.get("reason", ""), form)
        except (ValidationError, PermissionDenied) as error:
            messages_ = error.messages if isinstance(error, ValidationError) else [str(error)]
            for message in messages_:
                form.add_error(None, message)
        else:
            model_admin.message_user(request, done_message(result), messages.SUCCESS)
            return HttpResponseRedirect(cancel_url)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "gate": gate,
        "form": form,
        "intro": intro,
        "submit": submit,
        "cancel_url": cancel_url,
        "history": history,
    }
    return TemplateResponse(request, "admin/tracks/gate/confirm.html", context)


def phase_history(cycle) -> list[dict]:
    """The cycle's phase changes, oldest first, with who, the checks passed with a reason and the reason."""
    rows = []
    events = AuditEvent.objects.filter(
        object_type="tracks.cycle", object_id=str(cycle.pk), action="cycle.advance"
    ).order_by("at", "pk")
    for event in events:
        before, after = event.before or {}, event.after or {}
        rows.append(
            {
                "at": event.at,
                "actor": event.actor_repr,
                "source": _phase_label(before.get("status")),
                "target": _phase_label(after.get("status")),
                "overridden": [
                    _("%(label)s：%(value)s")
                    % {"label": c.get("label") or c.get("code"), "value": c.get("detail", "")}
                    for c in after.get("overridden") or []
                ],
                "reason": event.reason,
            }
        )
    return rows


def _phase_label(value) -> str:
    try:
        return str(CycleStatus(value).label)
    except ValueError:
        return value or "—"
