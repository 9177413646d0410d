"""Login, password change and (where e-mail is configured) self-service password reset."""

from functools import wraps

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["password_reset_enabled"] = settings.NTR_PASSWORD_RESET_BY_EMAIL
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view: the policy validates the new password; update_session_auth_hash keeps this session, and
    every other session of the user ends at its next request (its stored password hash no longer matches)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")
    extra_context = {"title": _("修改密码")}

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            actor=self.request.user,
            action="user.password_change",
            obj=form.user,
            after={"by": "self"},
            request=self.request,
        )
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
    extra_context = {"title": _("密码已修改")}


def reset_by_email_only(view):
    """The self-service reset exists only where settings say e-mail works (NTR_PASSWORD_RESET_BY_EMAIL)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.NTR_PASSWORD_RESET_BY_EMAIL:
            raise Http404(_("未启用邮件找回密码，请联系系统管理员重置密码。"))
        return view(request, *args, **kwargs)

    return wrapped


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_context = {"title": _("找回密码")}

    def form_valid(self, form):
        # Recorded without saying whether the address belongs to an account (no account enumeration).
        audit_record(
            actor=None,
            action="user.password_reset_request",
            after={"email": form.cleaned_data["email"]},
            request=self.request,
        )
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"
    extra_context = {"title": _("找回密码")}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    extra_context = {"title": _("设置新密码")}

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(
            actor=None,
            action="user.password_reset",
            obj=form.user,
            after={"by": "email"},
            request=self.request,
        )
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
    extra_context = {"title": _("密码已重置")}
