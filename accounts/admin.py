"""Accounts in the admin: the system administrator binds a user to the province or zone it acts for."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

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

    @admin.display(description=_("姓名"), ordering="profile__display_name")
    def display_name(self, obj):
        profile = getattr(obj, "profile", None)
        return (profile.display_name if profile else "") or "—"

    @admin.display(description=_("角色"))
    def role_names(self, obj):
        names = [group.name for group in obj.groups.all()]
        return "、".join(str(roles.ROLE_LABELS.get(name, name)) for name in names) or "—"

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
