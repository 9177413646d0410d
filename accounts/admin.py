"""Accounts in the admin: the system administrator binds a user to the province or zone it acts for."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.admin_mixins import AuditedModelAdmin
from audit.services import audit_record

from . import roles
from .models import Profile

User = get_user_model()


class ProfileInline(admin.StackedInline):
    model = Profile
    fk_name = "user"
    can_delete = False
    max_num = 1
    min_num = 0
    extra = 1
    fields = ["display_name", "phone", "province", "zone"]
    verbose_name = _("账户归属")
    verbose_name_plural = _("账户归属（省级主管部门绑定省份，高新区管委会绑定高新区）")


@admin.register(Profile)
class ProfileAdmin(AuditedModelAdmin):
    list_display = ["user", "display_name", "province", "zone", "phone"]
    list_filter = ["province"]
    search_fields = ["user__username", "display_name", "phone", "province__name", "zone__name"]
    list_select_related = ["user", "province", "zone"]
    autocomplete_fields = ["user"]
    fields = ["user", "display_name", "phone", "province", "zone"]

    # -- 三员分立: the same rule as the user records (roles.may_edit_account) ----------------------------------

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        return roles.may_edit_account(request.user, obj.user)

    def get_readonly_fields(self, request, obj=None):
        # A profile belongs to its account: it is not moved to another one.
        return ["user"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = roles.editable_accounts(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    """Django's user admin with the account binding inline; changes to users and their groups are audited."""

    inlines = [ProfileInline]
    list_display = [
        "username",
        "display_name",
        "role_names",
        "binding",
        "email",
        "is_staff",
        "is_active",
        "last_login",
    ]
    list_select_related = ["profile__province", "profile__zone"]
    audit_exclude_fields = ("password", "last_login")
    audit_m2m_fields = ("groups", "user_permissions")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    # -- 三员分立: the system administrator manages programme accounts, never the administrators' own ---------

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # No superuser flag and no per-user permissions: a user's rights come from the role groups only.
        hidden = {"is_superuser", "user_permissions"}
        return [
            (name, {**options, "fields": [f for f in options.get("fields", ()) if f not in hidden]})
            for name, options in fieldsets
        ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            # The three administrator roles are given on the server (manage.py create_admin), not in the admin.
            kwargs["queryset"] = Group.objects.exclude(name__in=roles.ADMINISTRATOR_ROLES.values())
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if not allowed or obj is None:
            return allowed
        # A superuser or one of the three administrators (including oneself: use 修改密码) is read-only here.
        return roles.may_edit_account(request.user, obj)

    @admin.display(description=_("姓名"), ordering="profile__display_name")
    def display_name(self, obj):
        profile = getattr(obj, "profile", None)
        return (profile.display_name if profile else "") or "—"

    @admin.display(description=_("角色"))
    def role_names(self, obj):
        names = [group.name for group in obj.groups.all()]
        return (
            pgettext("list separator", "、").join(str(roles.ROLE_LABELS.get(name, name)) for name in names)
            or "—"
        )

    @admin.display(description=_("归属"))
    def binding(self, obj):
        profile = getattr(obj, "profile", None)
        if profile is None:
            return "—"
        return profile.zone or profile.province or "—"

    def user_change_password(self, request, id, form_url=""):
        # The hash is never recorded; the event says who set whose password, when.
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, id)
                if user is not None:
                    audit_record(
                        actor=request.user,
                        action="user.password_change",
                        obj=user,
                        after={"has_usable_password": user.has_usable_password()},
                        request=request,
                    )
        return response


# ---------------------------------------------------------------------------------------------------------------
# The security administrator: lifting login lockouts and resetting lost second-factor devices, both audited.


def _replace_registration(model, admin_class):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, admin_class)


class LockoutAdmin(AccessAttemptAdmin):
    """Axes' failed-login records; deleting one lifts that lockout (解除锁定), recorded in the audit log."""

    actions = ["unlock", "cleanup_expired_attempts"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_change_permission(self, request, obj=None):
        return False

    def _record_unlock(self, request, attempt):
        audit_record(
            actor=request.user,
            action="login.unlock",
            obj=attempt,
            before={
                "username": attempt.username,
                "ip_address": attempt.ip_address,
                "failures_since_start": attempt.failures_since_start,
            },
            request=request,
        )

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._record_unlock(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for attempt in queryset:
                self._record_unlock(request, attempt)
            super().delete_queryset(request, queryset)

    @admin.action(description=_("解除所选账户的登录锁定"), permissions=["delete"])
    def unlock(self, request, queryset):
        count = len(queryset)
        self.delete_queryset(request, queryset)
        self.message_user(
            request, ngettext("已解除 %(n)d 条登录锁定。", "已解除 %(n)d 条登录锁定。", count) % {"n": count}
        )


_replace_registration(AccessAttempt, LockoutAdmin)


class AuditedDeviceDeleteMixin:
    """Deleting a device (the user lost the phone) is recorded; the next login enrols a new one."""

    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def _record_reset(self, request, device):
        audit_record(
            actor=request.user,
            action="2fa.reset",
            obj=device.user,
            before={"device": device._meta.label_lower, "name": device.name, "confirmed": device.confirmed},
            request=request,
        )

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._record_reset(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for device in queryset.select_related("user"):
                self._record_reset(request, device)
            super().delete_queryset(request, queryset)


class AuditedTOTPDeviceAdmin(AuditedDeviceDeleteMixin, TOTPDeviceAdmin):
    pass


class AuditedStaticDeviceAdmin(AuditedDeviceDeleteMixin, StaticDeviceAdmin):
    pass


_replace_registration(TOTPDevice, AuditedTOTPDeviceAdmin)
_replace_registration(StaticDevice, AuditedStaticDeviceAdmin)


# The admin's own 修改密码 page (a user changing their own password) is recorded like the account page's.
_admin_password_change = admin.site.password_change


def _audited_admin_password_change(request, extra_context=None):
    response = _admin_password_change(request, extra_context=extra_context)
    if request.method == "POST" and response.status_code == 302:
        audit_record(
            actor=request.user,
            action="user.password_change",
            obj=request.user,
            after={"by": "self"},
            request=request,
        )
    return response


admin.site.password_change = _audited_admin_password_change
