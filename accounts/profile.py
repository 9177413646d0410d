"""个人设置 (/accounts/profile/): the page every role has. The e-mail address, the language of notices and e-mail,
whether to receive e-mail for non-essential notices; for reviewers, their standing conflicts of interest (回避)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import audit_record
from zones.models import Province, Zone

from . import roles
from .models import Profile
from .scope import Scope


class PreferencesForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("电子邮箱"),
        required=False,
        max_length=254,
        help_text=gettext_lazy("系统通知、评审邀请和截止提醒发送到这个地址。"),
    )
    current_password = forms.CharField(
        label=gettext_lazy("当前密码（修改邮箱时填写）"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    language = forms.ChoiceField(label=gettext_lazy("通知和邮件的语言"), choices=settings.LANGUAGES)
    email_notices = forms.BooleanField(
        label=gettext_lazy("接收非必要通知的邮件（如推荐受理、榜单公示）"),
        required=False,
        help_text=gettext_lazy("评审邀请、截止提醒、退回修改等必要通知总会发送邮件。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        data = super().clean()
        email = (data.get("email") or "").strip()
        changed = self.user.email and email.lower() != self.user.email.lower()
        if changed and not self.user.check_password(data.get("current_password") or ""):
            self.add_error("current_password", _("修改邮箱须输入正确的当前密码。"))
        data["email"] = email
        return data


class ConflictForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("回避对象"),
        choices=[
            ("zone", gettext_lazy("高新区")),
            ("province", gettext_lazy("省份")),
            ("organisation", gettext_lazy("单位")),
        ],
        widget=forms.RadioSelect,
    )
    zone = forms.ModelChoiceField(label=gettext_lazy("高新区"), queryset=Zone.objects.none(), required=False)
    province = forms.ModelChoiceField(
        label=gettext_lazy("省份"), queryset=Province.objects.none(), required=False
    )
    organisation = forms.CharField(
        label=gettext_lazy("单位"),
        required=False,
        max_length=128,
        help_text=gettext_lazy("推荐材料不写明单位，单位回避由业务管理员在指派时核对。"),
    )
    reason = forms.CharField(
        label=gettext_lazy("回避理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("例如：曾在该高新区任职；与该单位有合作项目。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.filter(is_active=True).order_by("province__code", "key")
        self.fields["province"].queryset = Province.objects.order_by("code")

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == "zone" and not data.get("zone"):
            self.add_error("zone", _("请选择高新区。"))
        if kind == "province" and not data.get("province"):
            self.add_error("province", _("请选择省份。"))
        if kind == "organisation" and not (data.get("organisation") or "").strip():
            self.add_error("organisation", _("请填写单位名称。"))
        return data


def _profile_of(user):
    return Profile.objects.filter(user=user).first()


@login_required
def profile(request):
    from tracks.models import ConflictDeclaration
    from tracks.services.conflicts import conflict_declare_standing, reviewer_of

    user = request.user
    stored = _profile_of(user)
    reviewer = reviewer_of(user)
    initial = {
        "email": user.email,
        "language": getattr(stored, "language", "") or settings.LANGUAGE_CODE,
        "email_notices": getattr(stored, "email_notices", True),
    }
    preferences = PreferencesForm(initial=initial, user=user)
    conflict = ConflictForm() if reviewer is not None else None
    if request.method == "POST":
        op = request.POST.get("op")
        if op == "preferences":
            preferences = PreferencesForm(request.POST, user=user)
            if preferences.is_valid():
                _save_preferences(request, preferences.cleaned_data, stored)
                messages.success(request, _("个人设置已保存。"))
                return redirect("accounts:profile")
        elif op == "conflict" and reviewer is not None:
            conflict = ConflictForm(request.POST)
            if conflict.is_valid():
                data = conflict.cleaned_data
                kind = data["kind"]
                try:
                    declaration = conflict_declare_standing(
                        actor=user,
                        zone=data["zone"] if kind == "zone" else None,
                        province=data["province"] if kind == "province" else None,
                        organisation=data["organisation"] if kind == "organisation" else "",
                        reason=data["reason"],
                        request=request,
                    )
                except (ValidationError, PermissionDenied) as error:
                    conflict.add_error(None, _("；").join(getattr(error, "messages", [str(error)])))
                else:
                    message = _("回避申报已记录。")
                    if declaration.removed:
                        message += _("涉及的 %(n)s 项评审任务已撤回并另行分配。") % {
                            "n": len(declaration.removed)
                        }
                    messages.success(request, message)
                    return redirect("accounts:profile")
        else:
            return HttpResponseBadRequest(_("未知的操作。"))
    declarations = []
    if reviewer is not None:
        declarations = list(
            ConflictDeclaration.objects.filter(reviewer=reviewer)
            .select_related("zone", "province", "nomination__zone", "nomination__track", "nomination__cycle")
            .order_by("-declared_at", "-pk")
        )
    return render(
        request,
        "accounts/profile.html",
        {
            "title": _("个人设置"),
            "preferences": preferences,
            "conflict": conflict,
            "reviewer": reviewer,
            "declarations": declarations,
            "roles": roles.role_labels(user),
            "binding": getattr(stored, "province", None) or getattr(stored, "zone", None),
            "portal_user": Scope.of(user).is_portal_user,
            "personal": True,
        },
    )


def _save_preferences(request, data, stored):
    user = request.user
    before = {
        "email": user.email,
        "language": getattr(stored, "language", settings.LANGUAGE_CODE),
        "email_notices": getattr(stored, "email_notices", True),
    }
    after = {"email": data["email"], "language": data["language"], "email_notices": data["email_notices"]}
    with transaction.atomic():
        if user.email != data["email"]:
            user.email = data["email"]
            user.save(update_fields=["email"])
        if stored is None:
            Profile.objects.create(user=user, language=data["language"], email_notices=data["email_notices"])
        else:
            stored.language = data["language"]
            stored.email_notices = data["email_notices"]
            stored.save(update_fields=["language", "email_notices"])
        if before != after:
            audit_record(
                actor=user, action="user.preferences", obj=user, before=before, after=after, request=request
            )
