"""Fields, tracks and aliases; staff approve proposed tracks or merge them (tracks.services.catalog)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from accounts.scope import scope_of
from audit.admin_mixins import AuditedModelAdmin, related_history

from ..models import (
    Field,
    Track,
    TrackAlias,
    TrackStatus,
)
from ..services import catalog as catalog_services
from .common import _error_text

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


class TrackMergeForm(forms.Form):
    target = forms.ModelChoiceField(
        label=_("并入赛道"),
        queryset=Track.objects.none(),
        help_text=_("所选赛道的推荐、培育库条目和别名移入该赛道，原名称成为它的别名。"),
    )
    reason = forms.CharField(
        label=_("理由"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3, "cols": 80})
    )

    def __init__(self, *args, sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = (
            Track.objects.filter(status=TrackStatus.ACTIVE)
            .exclude(pk__in=[source.pk for source in sources])
            .select_related("field")
            .order_by("field__order", "name")
        )


@admin.register(Track)
class TrackAdmin(AuditedModelAdmin):
    list_display = ["name", "field", "status", "merged_into", "alias_names", "proposed_by", "created_at"]
    list_filter = ["status", "field"]
    search_fields = ["name", "name_en", "aliases__name", "pinyin", "pinyin_initials"]
    list_select_related = ["field", "merged_into", "proposed_by"]
    autocomplete_fields = ["field"]
    inlines = [TrackAliasInline]
    actions = ["approve_tracks", "merge_tracks"]
    change_form_template = "admin/tracks/track/change_form.html"
    fields = ["field", "name", "name_en", "description", "status", "merged_into", "proposed_by", "created_at"]
    # Approving a proposed track and merging tracks move nominations and aliases: that is a service's job.
    readonly_fields = ["status", "merged_into", "proposed_by", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description=_("别名"))
    def alias_names(self, obj):
        return pgettext("list separator", "、").join(alias.name for alias in obj.aliases.all()) or "—"

    def audit_history_events(self, obj):
        return related_history(obj, obj.aliases.all())

    # -- proposals: approve or merge (tracks.services.catalog) ---------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not scope_of(request).is_programme_staff:
            actions.pop("approve_tracks", None)
            actions.pop("merge_tracks", None)
        return actions

    def get_urls(self):
        return [
            path(
                "<int:object_id>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name="tracks_track_approve",
            ),
            path(
                "<int:object_id>/merge/",
                self.admin_site.admin_view(self.merge_view),
                name="tracks_track_merge",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if obj is not None and scope_of(request).is_programme_staff:
            extra_context["may_approve"] = obj.status == TrackStatus.PROPOSED
            extra_context["may_merge"] = obj.status != TrackStatus.MERGED
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("批准所选待审核赛道"))
    def approve_tracks(self, request, queryset):
        self._approve(request, list(queryset))

    def _approve(self, request, tracks):
        done = 0
        for track in tracks:
            try:
                catalog_services.track_approve(actor=request.user, track=track, request=request)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(
                    request,
                    gettext("%(label)s：%(value)s") % {"label": track, "value": _error_text(error)},
                    messages.ERROR,
                )
            else:
                done += 1
        if done:
            self.message_user(request, gettext("已批准 %(n)s 个新赛道。") % {"n": done}, messages.SUCCESS)

    def approve_view(self, request, object_id):
        if not scope_of(request).is_programme_staff:
            raise PermissionDenied
        track = self.get_object(request, str(object_id))
        if track is None:
            raise Http404
        if request.method == "POST":
            self._approve(request, [track])
        return HttpResponseRedirect(reverse("admin:tracks_track_change", args=[track.pk]))

    @admin.action(description=_("将所选赛道并入另一赛道…"))
    def merge_tracks(self, request, queryset):
        return self._merge(request, list(queryset.select_related("field").order_by("name")))

    def merge_view(self, request, object_id):
        if not scope_of(request).is_programme_staff:
            raise PermissionDenied
        track = self.get_object(request, str(object_id))
        if track is None:
            raise Http404
        response = self._merge(request, [track], single=True)
        if response is None:
            return HttpResponseRedirect(reverse("admin:tracks_track_change", args=[track.pk]))
        return response

    def _merge(self, request, sources, single=False):
        applying = request.method == "POST" and request.POST.get("apply") == "yes"
        form = TrackMergeForm(request.POST if applying else None, sources=sources)
        if applying and form.is_valid():
            target, reason = form.cleaned_data["target"], form.cleaned_data["reason"]
            for source in sources:
                try:
                    catalog_services.track_merge(
                        actor=request.user, source=source, target=target, reason=reason, request=request
                    )
                except (ValidationError, PermissionDenied) as error:
                    self.message_user(
                        request,
                        gettext("%(label)s：%(value)s") % {"label": source, "value": _error_text(error)},
                        messages.ERROR,
                    )
                else:
                    self.message_user(
                        request,
                        gettext("「%(source)s」已并入「%(target)s」。")
                        % {"source": source.name, "target": target.name},
                        messages.SUCCESS,
                    )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("合并新赛道"),
            "opts": self.model._meta,
            "form": form,
            "sources": sources,
            "single": single,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/tracks/track/merge.html", context)


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
