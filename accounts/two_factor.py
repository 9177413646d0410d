"""TOTP second factor (django-otp): enrolment with a locally drawn QR code, verification, backup codes.

An account has at most one confirmed authenticator ("default") and one set of ten single-use backup codes
("backup"). Enrolling again (from a verified session only) replaces both. A user who lost the phone and the codes
asks the security administrator, who deletes the device in the admin; the next login enrols a new one.
"""

import base64
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record

from .forms import TokenForm

BACKUP_CODE_COUNT = 10
TOTP_NAME = "default"
PENDING_NAME = "pending"
BACKUP_NAME = "backup"


def next_url(request, default: str = "") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    if default:
        return default
    return reverse("admin:index") if request.user.is_staff else reverse("home")


def _with_next(url_name: str, request) -> str:
    target = request.GET.get("next") or request.POST.get("next")
    return reverse(url_name) + (f"?{urlencode({'next': target})}" if target else "")


def qr_data_uri(text: str) -> str:
    """The QR code of text as an SVG data URI, drawn here (no external service sees the secret)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


def grouped_secret(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _is_verified(user) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def backup_codes_replace(user) -> list[str]:
    """A fresh set of single-use backup codes; the previous ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _show_codes(request, codes, *, enrolled: bool):
    return render(
        request,
        "accounts/two_factor_backup_codes.html",
        {"codes": codes, "enrolled": enrolled, "remaining": len(codes), "next": next_url(request)},
    )


@never_cache
@login_required
@sensitive_post_parameters("token")
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    user = request.user
    has_device = user_has_device(user)
    if has_device and not _is_verified(user):
        # Replacing an authenticator needs the current one first.
        return redirect(_with_next("accounts:two_factor_verify", request))
    pending = TOTPDevice.objects.filter(user=user, name=PENDING_NAME, confirmed=False).first()
    if request.method == "POST" and request.POST.get("restart") or pending is None:
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        pending = TOTPDevice.objects.create(user=user, name=PENDING_NAME, confirmed=False)
        if request.method == "POST":
            return redirect(_with_next("accounts:two_factor_setup", request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if pending.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).exclude(pk=pending.pk).delete()
                pending.name = TOTP_NAME
                pending.confirmed = True
                pending.save(update_fields=["name", "confirmed"])
                codes = backup_codes_replace(user)
                audit_record(
                    actor=user,
                    action="2fa.enrol",
                    obj=user,
                    after={"replaced": has_device, "backup_codes": len(codes)},
                    request=request,
                )
            otp_login(request, pending)
            request.session.cycle_key()
            messages.success(request, _("双因素认证已启用。"))
            return _show_codes(request, codes, enrolled=True)
        audit_record(actor=user, action="2fa.failed", obj=user, after={"stage": "enrol"}, request=request)
        form.add_error("token", _("验证码不正确或已过期，请核对手机时间后重试。"))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": qr_data_uri(pending.config_url),
            "secret": grouped_secret(pending),
            "replacing": has_device,
            "required": settings.NTR_REQUIRE_2FA,
            "next": request.GET.get("next") or request.POST.get("next") or "",
        },
    )


@never_cache
@login_required
@sensitive_post_parameters("token")
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    user = request.user
    if not user_has_device(user):
        return redirect(_with_next("accounts:two_factor_setup", request))
    if _is_verified(user):
        return redirect(next_url(request))
    form = TokenForm(request.POST or None, allow_backup=True)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        device = None
        throttled = False
        with transaction.atomic():
            for candidate in devices_for_user(user, confirmed=True, for_verify=True):
                allowed, _details = candidate.verify_is_allowed()
                if not allowed:
                    throttled = True
                    continue
                if candidate.verify_token(token):
                    device = candidate
                    break
        if device is not None:
            backup = isinstance(device, StaticDevice)
            audit_record(
                actor=user,
                action="2fa.verify",
                obj=user,
                after={"method": "backup_code" if backup else "totp"},
                request=request,
            )
            otp_login(request, device)
            request.session.cycle_key()
            if backup:
                remaining = StaticToken.objects.filter(device__user=user).count()
                messages.warning(
                    request,
                    _("您使用了一个备用码，还剩 %(n)d 个。请尽快在“备用码”页面生成新的备用码。")
                    % {"n": remaining},
                )
            return redirect(next_url(request))
        audit_record(actor=user, action="2fa.failed", obj=user, after={"stage": "verify"}, request=request)
        if throttled:
            form.add_error("token", _("验证失败次数过多，请稍候再试。"))
        else:
            form.add_error("token", _("验证码不正确或已过期。"))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": request.GET.get("next") or request.POST.get("next") or ""},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_backup_codes(request):
    user = request.user
    if not user_has_device(user):
        return redirect(_with_next("accounts:two_factor_setup", request))
    if not _is_verified(user):
        return redirect(_with_next("accounts:two_factor_verify", request))
    if request.method == "POST":
        with transaction.atomic():
            codes = backup_codes_replace(user)
            audit_record(
                actor=user, action="2fa.backup_codes", obj=user, after={"count": len(codes)}, request=request
            )
        return _show_codes(request, codes, enrolled=False)
    remaining = StaticToken.objects.filter(device__user=user).count()
    return render(
        request,
        "accounts/two_factor_backup_codes.html",
        {"codes": None, "remaining": remaining, "next": next_url(request)},
    )
