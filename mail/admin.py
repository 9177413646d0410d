"""The outbox in the admin (programme staff): every e-mail row with its status, attempts and last error (filter by
status, event, recipient; resend a failed or uncertain row; cancel one not sent); bulk mail batches to read and send
or cancel, and the form to write one; the daily rules (on or off) and their log."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import roles
from accounts.scope import scope_of
from audit.admin_mixins import AuditedModelAdmin

from . import services
from .events import EVENTS
from .models import MailBatch, MailRule, OutboxMessage, OutboxStatus, RuleFiring
from .rules import RULES


class StaffOnlyAdmin(admin.ModelAdmin):
    """Mail is programme staff's: nobody else sees it (the rows hold people's addresses)."""

    def _staff(self, request) -> bool:
        return scope_of(request).sees_everything

    def has_module_permission(self, request):
        return self._staff(request)

    def has_view_permission(self, request, obj=None):
        return self._staff(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OutboxStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("状态")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*OutboxStatus.choices, ("uncertain", _("状态不明（发送租约已过期）"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "uncertain":
            return queryset.filter(status=OutboxStatus.SENDING, lease_until__lt=timezone.now())
        if value in OutboxStatus.values:
            return queryset.filter(status=value)
        return queryset


class EventFilter(admin.SimpleListFilter):
    title = gettext_lazy("事件")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return [(code, str(event.subject)) for code, event in EVENTS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(event=self.value()) if self.value() else queryset


@admin.register(OutboxMessage)
class OutboxMessageAdmin(StaffOnlyAdmin):
    list_display = [
        "created_at",
        "to_email",
        "recipient",
        "subject",
        "event_label",
        "status_label",
        "attempts",
        "sent_at",
    ]
    list_filter = [OutboxStatusFilter, EventFilter, "essential", "language"]
    search_fields = ["to_email", "subject", "recipient__username", "message_id"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["resend", "cancel"]
    change_list_template = "admin/mail/outboxmessage/change_list.html"
    fields = [
        "status_label",
        "recipient",
        "to_email",
        "language",
        "event_label",
        "essential",
        "subject",
        "body",
        "link",
        "message_id",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "lease_until",
        "sent_at",
        "batch",
    ]
    readonly_fields = fields

    def get_actions(self, request):
        return super().get_actions(request) if self._staff(request) else {}

    @admin.display(description=gettext_lazy("事件"), ordering="event")
    def event_label(self, obj):
        event = EVENTS.get(obj.event)
        return str(event.subject) if event else obj.event

    @admin.display(description=gettext_lazy("状态"), ordering="status")
    def status_label(self, obj):
        if obj.uncertain():
            return format_html(
                '<span class="mail-uncertain">{}</span>', _("状态不明（发送租约已过期，可能已发出）")
            )
        return obj.get_status_display()

    @admin.display(description=gettext_lazy("正文"))
    def body(self, obj):
        return format_html('<pre class="mail-body">{}</pre>', obj.body_text)

    @admin.action(description=gettext_lazy("重新发送所选的失败或状态不明的邮件"))
    def resend(self, request, queryset):
        try:
            count = services.outbox_resend(actor=request.user, messages=list(queryset), request=request)
        except PermissionDenied as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(request, _("已将 %(n)s 封邮件重新排入发送队列。") % {"n": count}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("取消所选的未发送邮件"))
    def cancel(self, request, queryset):
        try:
            count = services.outbox_cancel(actor=request.user, messages=list(queryset), request=request)
        except PermissionDenied as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(request, _("已取消 %(n)s 封邮件。") % {"n": count}, messages.SUCCESS)

    def changelist_view(self, request, extra_context=None):
        extra = {}
        if self._staff(request):
            missing = services.users_without_address()
            extra = {
                "mail_configured": services.mail_configured(),
                "uncertain": services.uncertain_count(),
                "without_address": list(missing[:50]),
                "without_address_count": missing.count(),
                "compose_url": reverse("admin:mail_mailbatch_add"),
            }
        return super().changelist_view(request, {**(extra_context or {}), **extra})


# ---------------------------------------------------------------------------------------------------------------
# Bulk mail: write one, read a batch, send or cancel it


class ComposeForm(forms.Form):
    AUDIENCES = [
        ("officials", gettext_lazy("全部省级主管部门")),
        ("preparers", gettext_lazy("全部高新区管委会")),
        ("reviewers", gettext_lazy("全部评审专家")),
        ("panel", gettext_lazy("某一领域的评审专家")),
    ]
    audience = forms.ChoiceField(label=gettext_lazy("收件人"), choices=AUDIENCES)
    field = forms.ModelChoiceField(
        label=gettext_lazy("领域（收件人为某一领域的评审专家时）"), queryset=None, required=False
    )
    subject = forms.CharField(label=gettext_lazy("主题"), max_length=120)
    body = forms.CharField(label=gettext_lazy("正文"), widget=forms.Textarea(attrs={"rows": 10, "cols": 80}))
    notice = forms.CharField(
        label=gettext_lazy("站内通知（可选）"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("同时在收件人的站内通知中显示的一句话。"),
    )

    def __init__(self, *args, **kwargs):
        from tracks.models import Field

        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = Field.objects.order_by("order", "code")

    def clean(self):
        data = super().clean()
        if data.get("audience") == "panel" and not data.get("field"):
            self.add_error("field", _("请选择领域。"))
        return data

    def recipients(self):
        from tracks.models import ReviewerProfile

        data = self.cleaned_data
        users = get_user_model().objects.filter(is_active=True)
        if data["audience"] == "officials":
            return list(users.filter(groups__name=roles.OFFICIAL).distinct().order_by("username"))
        if data["audience"] == "preparers":
            return list(users.filter(groups__name=roles.ZONE_PREPARER).distinct().order_by("username"))
        reviewers = ReviewerProfile.objects.filter(is_active=True, user__is_active=True)
        if data["audience"] == "panel":
            reviewers = reviewers.filter(fields=data["field"])
        return [r.user for r in reviewers.select_related("user").distinct().order_by("name", "pk")]


@admin.register(MailBatch)
class MailBatchAdmin(StaffOnlyAdmin):
    list_display = [
        "created_at",
        "title",
        "status",
        "recipient_count",
        "created_by",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status"]
    list_select_related = ["created_by", "decided_by"]
    change_form_template = "admin/mail/mailbatch/review.html"

    def has_add_permission(self, request):
        return self._staff(request)

    @admin.display(description=gettext_lazy("收件人数"))
    def recipient_count(self, obj):
        return obj.messages.count()

    def add_view(self, request, form_url="", extra_context=None):
        if not self._staff(request):
            raise PermissionDenied
        form = ComposeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                result = services.mail_bulk(
                    actor=request.user,
                    recipients=form.recipients(),
                    event="adhoc",
                    title=data["subject"],
                    template="mail/adhoc",
                    notice=(lambda user: data["notice"]) if data["notice"] else None,
                    context_for=lambda user: {"subject": data["subject"], "body": data["body"]},
                    request=request,
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, _("；").join(getattr(error, "messages", [str(error)])))
            else:
                if result.batch is not None:
                    self.message_user(
                        request,
                        _("收件人超过 %(n)s 名：请核对收件人和邮件内容后再发送。")
                        % {"n": services.BULK_REVIEW_OVER},
                        messages.WARNING,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:mail_mailbatch_change", args=[result.batch.pk])
                    )
                self.message_user(
                    request, _("已发送给 %(n)s 名收件人。") % {"n": len(result.messages)}, messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:mail_outboxmessage_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("撰写群发邮件"),
            "opts": self.opts,
            "form": form,
            "limit": services.BULK_REVIEW_OVER,
        }
        return TemplateResponse(request, "admin/mail/mailbatch/compose.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        batch = self.get_object(request, unquote(object_id))
        if batch is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, batch):
            raise PermissionDenied
        if request.method == "POST":
            op = request.POST.get("op")
            try:
                if op == "send":
                    services.mail_batch_approve(actor=request.user, batch=batch, request=request)
                    self.message_user(request, _("群发已确认发送。"), messages.SUCCESS)
                elif op == "cancel":
                    services.mail_batch_cancel(actor=request.user, batch=batch, request=request)
                    self.message_user(request, _("群发已取消，不会发送。"), messages.SUCCESS)
                else:
                    self.message_user(request, _("未知的操作。"), messages.ERROR)
            except ValidationError as error:
                self.message_user(request, _("；").join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        rows = list(batch.messages.select_related("recipient").order_by("pk"))
        samples = {}
        for row in rows:
            if row.status != OutboxStatus.NO_ADDRESS and row.language not in samples:
                samples[row.language] = row
        context = {
            **self.admin_site.each_context(request),
            "title": _("群发审核：%(title)s") % {"title": batch.title},
            "opts": self.opts,
            "original": batch,
            "batch": batch,
            "rows": rows,
            "samples": list(samples.values()),
            "no_address": [r for r in rows if r.status == OutboxStatus.NO_ADDRESS],
            "pending": batch.status == MailBatch.Status.REVIEW,
        }
        return TemplateResponse(request, self.change_form_template, context)


# ---------------------------------------------------------------------------------------------------------------
# The daily rules and their log


@admin.register(MailRule)
class MailRuleAdmin(AuditedModelAdmin):
    list_display = ["label", "description", "enabled", "changed_by", "changed_at"]
    fields = ["label", "description", "enabled"]
    readonly_fields = ["label", "description"]
    list_select_related = ["changed_by"]

    def has_module_permission(self, request):
        return scope_of(request).sees_everything

    def has_view_permission(self, request, obj=None):
        return scope_of(request).sees_everything

    def has_change_permission(self, request, obj=None):
        return scope_of(request).sees_everything

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("规则"))
    def label(self, obj):
        rule = RULES.get(obj.code)
        return str(rule.label) if rule else obj.code

    @admin.display(description=gettext_lazy("说明"))
    def description(self, obj):
        rule = RULES.get(obj.code)
        return str(rule.description) if rule else ""

    def save_model(self, request, obj, form, change):
        obj.changed_by = request.user
        obj.changed_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(RuleFiring)
class RuleFiringAdmin(StaffOnlyAdmin):
    list_display = ["fired_at", "rule_label", "object_key", "due_on", "step", "user"]
    list_filter = ["rule"]
    search_fields = ["object_key", "user__username"]
    list_select_related = ["user"]
    fields = ["rule", "object_key", "due_on", "step", "user", "fired_at"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("规则"), ordering="rule")
    def rule_label(self, obj):
        rule = RULES.get(obj.rule)
        return str(rule.label) if rule else obj.rule
