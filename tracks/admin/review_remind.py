"""催办 (the review desk): who has not finished — invitations not answered, accepted but not scored, drafts not
submitted — and how late, per panel or for the whole cycle; remind everyone listed, the ones ticked, or one.

The old desk button (a POST without ``scope``) still reminds every overdue reviewer at once."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import CycleStatus, Field
from ..services import reminders as reminder_services
from ..services import review as review_services
from .review_desk import _context, _cycle, _redirect_desk, _report, _require_staff


def remind_view(model_admin, request, year):
    _require_staff(request)
    cycle = _cycle(year)
    field_id = request.POST.get("field") or request.GET.get("field")
    field = get_object_or_404(Field, pk=field_id) if field_id else None
    url = reverse("admin:tracks_review_remind", args=[cycle.year]) + (f"?field={field.pk}" if field else "")
    if request.method == "POST":
        scope = request.POST.get("scope")
        if not scope:
            return _remind_overdue(model_admin, request, cycle)
        ids = None
        if scope == "selected":
            ids = [int(pk) for pk in request.POST.getlist("reviewer") if pk.isdigit()]
            if not ids:
                model_admin.message_user(request, _("请至少勾选一名专家。"), messages.WARNING)
                return HttpResponseRedirect(url)
        try:
            result = reminder_services.reminders_send_to(
                actor=request.user, cycle=cycle, field=field, reviewer_ids=ids, request=request
            )
        except (ValidationError, PermissionDenied) as error:
            _report(model_admin, request, error)
            return HttpResponseRedirect(url)
        if result.batch is not None:
            model_admin.message_user(
                request,
                _("催办对象超过 %(n)s 名：请核对收件人和邮件内容后确认发送。") % {"n": 10},
                messages.WARNING,
            )
            return HttpResponseRedirect(reverse("admin:mail_mailbatch_change", args=[result.batch.pk]))
        model_admin.message_user(
            request,
            _("已向 %(n)s 名专家发送催办（站内通知和邮件）。") % {"n": len(result.messages)},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(url)
    rows = reminder_services.pending_assignments(cycle, field=field)
    context = _context(
        model_admin,
        request,
        _("%(cycle)s 评审催办") % {"cycle": cycle},
        cycle=cycle,
        field=field,
        fields=Field.objects.filter(tracks__nominations__cycle=cycle).distinct().order_by("order", "code"),
        groups=reminder_services.by_reviewer(rows),
        pending=len(rows),
        states=reminder_services.STATE_LABELS,
        review_open=cycle.status == CycleStatus.REVIEW,
        desk_url=f"{reverse('admin:tracks_review_desk')}?cycle={cycle.year}",
    )
    return TemplateResponse(request, "admin/tracks/review/remind.html", context)


def _remind_overdue(model_admin, request, cycle):
    try:
        count = review_services.reminders_send(actor=request.user, cycle=cycle, request=request)
    except (ValidationError, PermissionDenied) as error:
        _report(model_admin, request, error)
    else:
        if count:
            model_admin.message_user(
                request, _("已向 %(n)s 名逾期专家发送站内催办提醒。") % {"n": count}, messages.SUCCESS
            )
        else:
            model_admin.message_user(request, _("当前没有逾期的评审任务。"))
    return _redirect_desk(cycle)
