"""Reference data in the admin: staff add, rename and correct zones; every change is audited.

A zone saved here is marked ``operator_edited`` so that reloading the shipped reference data never overwrites
the correction (zones.reference.load_reference_data keeps such zones as they are).
"""

import re

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AUDIT_REASON_FIELD, AuditedModelAdmin

from .models import Province, Region, StrategicArea, Zone
from .selectors import next_zone_key

ZONE_KEY_RE = re.compile(r"^[0-9]{6}-[0-9]{2,3}$")


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "order", "province_count"]
    search_fields = ["name", "code"]
    ordering = ["order"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_province_count=Count("provinces"))

    @admin.display(description=_("省份数"), ordering="_province_count")
    def province_count(self, obj):
        return obj._province_count

    def get_readonly_fields(self, request, obj=None):
        # The code is the National Bureau of Statistics grouping the rest of the data refers to.
        return ["code"] if obj is not None else []


@admin.register(StrategicArea)
class StrategicAreaAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "name_en", "order", "zone_count"]
    search_fields = ["name", "code", "name_en"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_zone_count=Count("zones"))

    @admin.display(description=_("高新区数"), ordering="_zone_count")
    def zone_count(self, obj):
        return obj._zone_count


class ZoneInline(admin.TabularInline):
    """The province's zones, listed; they are edited on their own page so each change is audited there."""

    model = Zone
    fields = ["key", "name", "city", "approved_year", "is_active", "operator_edited"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False
    ordering = ["key"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Province)
class ProvinceAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "short_name", "region", "strategic_area", "zone_count"]
    list_display_links = ["code", "name"]
    list_filter = ["region", "strategic_area"]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["region", "strategic_area"]
    autocomplete_fields = ["region", "strategic_area"]
    readonly_fields = ["add_zone_link"]
    inlines = [ZoneInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_zone_count=Count("zones"))

    @admin.display(description=_("高新区数"), ordering="_zone_count")
    def zone_count(self, obj):
        return obj._zone_count

    @admin.display(description=_("新增高新区"))
    def add_zone_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = f"{reverse('admin:zones_zone_add')}?province={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("在本省新增高新区（编号自动预填）"))


class ZoneAdminForm(forms.ModelForm):
    class Meta:
        model = Zone
        fields = [
            "key",
            "name",
            "short_name",
            "province",
            "city",
            "approved_year",
            "strategic_area",
            "is_active",
            "source",
        ]

    def clean_key(self):
        key = (self.cleaned_data.get("key") or "").strip()
        if not ZONE_KEY_RE.match(key):
            raise forms.ValidationError(
                _("高新区编号格式应为“省级代码-序号”，如 440000-03。"), code="key_format"
            )
        return key

    def clean(self):
        cleaned = super().clean()
        key, province = cleaned.get("key"), cleaned.get("province")
        if key and province is not None and not key.startswith(f"{province.code}-"):
            self.add_error(
                "key",
                forms.ValidationError(
                    _("编号应以所在省份的行政区划代码 %(code)s 开头，如 %(example)s。"),
                    code="key_province",
                    params={"code": province.code, "example": next_zone_key(province)},
                ),
            )
        return cleaned


@admin.register(Zone)
class ZoneAdmin(AuditedModelAdmin):
    form = ZoneAdminForm
    list_display = [
        "key",
        "name",
        "short_name",
        "province",
        "city",
        "approved_year",
        "strategic_area",
        "is_active",
        "operator_edited",
    ]
    list_display_links = ["key", "name"]
    list_filter = ["province__region", "strategic_area", "is_active", "operator_edited", "province"]
    search_fields = ["key", "name", "short_name", "city", "pinyin", "pinyin_initials"]
    list_select_related = ["province", "strategic_area"]
    autocomplete_fields = ["province", "strategic_area"]
    fieldsets = [
        (
            None,
            {"fields": ["key", "name", "short_name", "province", "city", "approved_year", "strategic_area"]},
        ),
        (_("状态与来源"), {"fields": ["is_active", "source", "operator_edited", "updated_at"]}),
    ]
    list_per_page = 50

    def get_readonly_fields(self, request, obj=None):
        readonly = ["operator_edited", "updated_at"]
        if obj is not None:
            readonly.insert(0, "key")  # a zone's key never changes; names may
        return readonly

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        province_id = initial.get("province")
        if province_id and not initial.get("key"):
            province = Province.objects.filter(pk=province_id).first() if str(province_id).isdigit() else None
            if province is not None:
                initial["key"] = next_zone_key(province)
        return initial

    def save_model(self, request, obj, form, change):
        edited = [name for name in form.changed_data if name != AUDIT_REASON_FIELD]
        if not change or edited:
            # The operator's version wins over the shipped reference data from now on.
            obj.operator_edited = True
        super().save_model(request, obj, form, change)
