"""Login, password change and (where e-mail is configured) self-service password reset."""

from functools import wraps

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.services import audit_record

from . import roles
from .signed_in import clear_hint

WORKSPACE_URLS = {roles.ADMIN_WORKSPACE: "admin:index", roles.PORTAL_WORKSPACE: "portal:dashboard"}


def workspace_url(user) -> str | None:
    """The address of the user's workspace (roles.workspace) in the current language, or None."""
    name = WORKSPACE_URLS.get(roles.workspace(user))
    return reverse(name) if name else None


def _home_urls() -> set[str]:
    urls = set()
    for code, _name in settings.LANGUAGES:
        with override(code):
            urls.add(reverse("home"))
    return urls


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["password_reset_enabled"] = settings.NTR_PASSWORD_RESET_BY_EMAIL
        return context

    def get_success_url(self):
        """The page the user came for (``next``), else their workspace: an official or zone preparer to the
        portal, staff, reviewers and the three administrators to the admin; never the public home page, whose
        cached header cannot greet them."""
        target = self.get_redirect_url()
        if target and target.split("?", 1)[0] not in _home_urls():
            return target
        return workspace_url(self.request.user) or resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@require_GET
def account(request):
    """The header's neutral account link: the workspace when signed in, the login page otherwise."""
    if request.user.is_authenticated:
        return redirect(workspace_url(request.user) or reverse("accounts:login"))
    return redirect("accounts:login")


@never_cache
@require_GET
def me(request):
    """Who is signed in, for the account slot of cached pages (static/js/account.js): the name, the links the
    personal header shows and what logging out needs, in the language of the URL. Personal: never cached. When no
    one is signed in (the session expired) it says so and clears the "signed in" hint."""
    user = request.user
    if not user.is_authenticated:
        response = JsonResponse({"authenticated": False})
        clear_hint(response)
        return response
    links = []
    if roles.workspace(user) == roles.ADMIN_WORKSPACE:
        links.append({"url": reverse("admin:index"), "label": _g("管理后台")})
    body = {
        "authenticated": True,
        "language": get_language(),
        "name": user.get_username(),
        "label": _g("当前用户：%(name)s") % {"name": user.get_username()},
        "links": links,
        "logout": {"url": reverse("accounts:logout"), "label": _g("退出"), "csrf": get_token(request)},
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


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
