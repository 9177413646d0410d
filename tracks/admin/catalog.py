"""Fields, tracks and aliases."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedModelAdmin, related_history

from ..models import (
    Field,
    Track,
    TrackAlias,
)

# ---------------------------------------------------------------------------------------------------------------
# Catalogue


@admin.register(Field)
class FieldAdmin(AuditedModelAdmin):
    list_display = ["name", "code", "name_en", "order", "track_count"]
    list_display_links = ["name", "code"]
    search_fields = ["name", "code", "name_en"]
    ordering = ["order", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_track_count=Count("tracks"))

    @admin.display(description=_("赛道数"), ordering="_track_count")
    def track_count(self, obj):
        return obj._track_count


class TrackAliasInline(admin.TabularInline):
    model = TrackAlias
    fields = ["name"]
    extra = 1


@admin.register(Track)
class TrackAdmin(AuditedModelAdmin):
    list_display = ["name", "field", "status", "merged_into", "alias_names", "created_at"]
    list_filter = ["status", "field"]
    search_fields = ["name", "name_en", "aliases__name", "pinyin", "pinyin_initials"]
    list_select_related = ["field", "merged_into"]
    autocomplete_fields = ["field"]
    inlines = [TrackAliasInline]
    fields = ["field", "name", "name_en", "description", "status", "merged_into", "proposed_by", "created_at"]
    # Approving a proposed track and merging tracks move nominations and aliases: that is a service's job.
    readonly_fields = ["status", "merged_into", "proposed_by", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description=_("别名"))
    def alias_names(self, obj):
        return "、".join(alias.name for alias in obj.aliases.all()) or "—"

    def audit_history_events(self, obj):
        return related_history(obj, obj.aliases.all())


@admin.register(TrackAlias)
class TrackAliasAdmin(AuditedModelAdmin):
    list_display = ["name", "track", "track_field"]
    search_fields = ["name", "pinyin", "pinyin_initials", "track__name"]
    list_filter = ["track__field"]
    list_select_related = ["track__field"]
    autocomplete_fields = ["track"]

    @admin.display(description=_("领域"), ordering="track__field__order")
    def track_field(self, obj):
        return obj.track.field


# ---------------------------------------------------------------------------------------------------------------
# Cycles and criteria
