"""Helpers the tracks admin modules share."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def _error_text(error: ValidationError | PermissionDenied) -> str:
    if isinstance(error, ValidationError):
        return gettext("；").join(error.messages)
    return str(error) or str(_("您没有执行该操作的权限。"))


class ReadOnlyAdminMixin:
    """Viewable only: rows written by services or by the people they belong to."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        return self.fields or []


def _message_errors(admin_obj, request, label, error):
    admin_obj.message_user(
        request,
        gettext("%(label)s：%(value)s") % {"label": label, "value": _error_text(error)},
        messages.ERROR,
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 4, "cols": 80}))


def _action_form(admin_obj, request, queryset, *, title, intro, submit, reason_label, reason_required=True):
    """The intermediate page of an admin action that needs a reason; returns (form or None when applied, page)."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    form.fields["reason"].label = reason_label
    form.fields["reason"].required = reason_required
    if "apply" in request.POST and form.is_valid():
        return form.cleaned_data["reason"], None
    page = TemplateResponse(
        request,
        "admin/tracks/lists/action_reason.html",
        {
            **admin_obj.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "submit": submit,
            "objects": list(queryset),
            "form": form,
            "action": request.POST.get("action", ""),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": admin_obj.model._meta,
        },
    )
    return None, page
