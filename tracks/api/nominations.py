"""The nominations API for provincial systems: the same rules as the portal's pages, through the same services.

``Authorization: Token <key>`` (DRF authtoken: ``manage.py drf_create_token USERNAME`` or the portal's profile
page). Only officials and zone committees may use it. The queryset is ``selectors.nominations_for(scope)``, so
another province's nomination is a 404 on every verb. Refusals answer the API's error shape (tracks/api/errors.py)
with the service's Chinese message and a stable code: 400 for a rule (``window_closed``, ``phase``,
``invalid_state``, ``incomplete``, a zone of another province …), 409 for ``quota_exceeded`` or
``version_conflict``. Nothing of it is cached: every answer is ``Cache-Control: private, no-store``.

The schema documents JSON bodies only (what generated clients send); form and multipart bodies are still read, as
v1 always did.
"""

from django.db import models
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.scope import scope_of
from zones.models import Zone

from .. import selectors, workflow
from ..models import Cycle, Nomination, Track, TrackStatus
from ..models.indicators import INDICATOR_FIELDS
from ..services.nominations import (
    EDITABLE_FIELDS,
    nomination_create,
    nomination_transition,
    nomination_update,
)
from .errors import error_body
from .fields import JsonDecimalField, StrictCharField, StrictIdRelatedField, StrictIntegerField
from .filters import MAX_ID, YEAR_MAX, YEAR_MIN, NominationFilter

CONTENT_FIELDS = ["origin", "cultivation_model", "public_summary", "narrative", *INDICATOR_FIELDS]


class IsPortalUser(permissions.BasePermission):
    message = gettext_lazy("接口仅供省级主管部门和国家高新区管委会使用。")

    def has_permission(self, request, view):
        return scope_of(request).is_portal_user


class PortalAPIMixin:
    """What every view of the token API shares: token (or portal session) authentication, portal users only, and
    answers no cache may keep (they are one province's working data)."""

    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated, IsPortalUser]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response


class DeprecatedIdRelatedField(StrictIdRelatedField):
    schema_deprecated = True  # marked deprecated in the schema (tracks.api.schema.IdRelatedFieldExtension)


class CycleYearField(StrictIntegerField):
    """``cycle_year``: the nomination's cycle by its year, read and written (the id in ``cycle`` is deprecated)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", required=False, min_value=YEAR_MIN, max_value=YEAR_MAX, **kwargs)

    def to_representation(self, nomination):
        return nomination.cycle.year

    def run_validation(self, data=serializers.empty):
        # the year, validated as a bounded whole number, merged into the data under its own name (source "*")
        return {"cycle_year": super().run_validation(data)}


class NominationSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.IntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.DecimalField: JsonDecimalField,
    }

    cycle = DeprecatedIdRelatedField(
        queryset=Cycle.objects.all(),
        required=False,
        help_text=gettext_lazy(
            "年度批次的内部编号（已弃用，请用 cycle_year）；默认为当前开放推荐的年度批次。"
        ),
    )
    cycle_year = CycleYearField(help_text=gettext_lazy("年度，如 2026；创建时默认为当前开放推荐的年度批次。"))
    zone = StrictIdRelatedField(queryset=Zone.objects.all())
    track = StrictIdRelatedField(queryset=Track.objects.all())
    version = StrictIntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text=gettext_lazy("修改时可带上读取时的版本号；若已被他人修改，返回 409。"),
    )

    class Meta:
        model = Nomination
        fields = [
            "id",
            "cycle",
            "cycle_year",
            "province",
            "zone",
            "track",
            *CONTENT_FIELDS,
            "status",
            "status_reason",
            "library_entry",
            "submitted_at",
            "status_changed_at",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = [
            "province",
            "status",
            "status_reason",
            "library_entry",
            "submitted_at",
            "status_changed_at",
            "created_at",
            "updated_at",
        ]
        # Uniqueness and every other model rule are checked by the service (one place, one message).
        validators = []

    @property
    def user(self):
        return self.context["request"].user

    @property
    def scope(self):
        return scope_of(self.context["request"])

    def validate_zone(self, zone):
        if self.instance is not None:
            if zone.pk != self.instance.zone_id:
                raise serializers.ValidationError(_("推荐创建后不能更改国家高新区。"))
            return zone
        if not workflow.may_create_for_zone(self.scope, zone):
            province, own_zone = self.scope.province, self.scope.zone
            if own_zone is not None:
                raise serializers.ValidationError(
                    _("您只能为本高新区（%(own)s）创建推荐，不能为「%(zone)s」创建。")
                    % {"own": own_zone.name, "zone": zone.name}
                )
            raise serializers.ValidationError(
                _("「%(zone)s」不属于%(province)s，您不能为其创建推荐。")
                % {"zone": zone.name, "province": province.name}
            )
        return zone

    def validate_track(self, track):
        if self.instance is not None and track.pk == self.instance.track_id:
            return track
        if track.status == TrackStatus.MERGED:
            return track  # the service records the track it was merged into
        if not selectors.tracks_selectable(self.scope).filter(pk=track.pk).exists():
            # Another province's proposal (or anything else not selectable) is answered as a track that does not
            # exist: the refusal names nothing the caller may not see, and probing ids tells nothing.
            self.fields["track"].fail("does_not_exist", pk_value=track.pk)
        return track

    def validate_cycle(self, cycle):
        if self.instance is not None and cycle.pk != self.instance.cycle_id:
            raise serializers.ValidationError(_("推荐创建后不能更改年度批次。"))
        return cycle

    def validate(self, attrs):
        year = attrs.pop("cycle_year", None)
        if year is None:
            return attrs
        cycle = Cycle.objects.filter(year=year).first()
        if cycle is None:
            raise serializers.ValidationError(
                {"cycle_year": [_("%(year)s年度批次不存在。") % {"year": year}]}
            )
        if "cycle" in attrs and attrs["cycle"].pk != cycle.pk:
            raise serializers.ValidationError({"cycle_year": [_("与 cycle 指定的年度批次不一致。")]})
        if self.instance is not None and cycle.pk != self.instance.cycle_id:
            raise serializers.ValidationError({"cycle_year": [_("推荐创建后不能更改年度批次。")]})
        attrs["cycle"] = cycle
        return attrs


class ActionSerializer(serializers.Serializer):
    """The body of submit and withdraw: an optional reason."""

    # A string field, so a NUL in it is a 400 like any other field's, never a 500 at the database.

    reason = StrictCharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        default="",
        trim_whitespace=False,
        help_text=gettext_lazy("理由（可选）"),
    )


class NominationViewSet(
    PortalAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """推荐: list, read, create and edit my nominations; submit (recommend) and withdraw them."""

    serializer_class = NominationSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = NominationFilter
    conflict_actions = ("partial_update", "submit", "withdraw")  # 409: quota_exceeded, version_conflict

    def get_queryset(self):
        return selectors.nominations_for(scope_of(self.request)).order_by("-cycle__year", "zone__key", "pk")

    def options(self, request, *args, **kwargs):
        # Another province's nomination is a 404 on every verb, OPTIONS included.
        if self.lookup_field in kwargs or self.lookup_url_kwarg in kwargs:
            self.get_object()
        return super().options(request, *args, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        cycle = data.get("cycle") or selectors.open_cycle()
        if cycle is None:
            return Response(
                error_body("no_open_cycle", _("当前没有开放推荐的年度批次。")),
                status=status.HTTP_400_BAD_REQUEST,
            )
        nomination = nomination_create(
            actor=request.user,
            cycle=cycle,
            zone=data["zone"],
            track=data["track"],
            data={name: value for name, value in data.items() if name in CONTENT_FIELDS},
            request=request,
        )
        nomination = self.get_queryset().get(pk=nomination.pk)
        return Response(self.get_serializer(nomination).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        if not kwargs.get("partial"):
            return Response(status=status.HTTP_405_METHOD_NOT_ALLOWED)
        nomination = self.get_object()
        serializer = self.get_serializer(nomination, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        changes = {name: value for name, value in data.items() if name in EDITABLE_FIELDS}
        nomination_update(
            actor=request.user,
            nomination=nomination,
            data=changes,
            version=data.get("version"),
            request=request,
        )
        nomination = self.get_queryset().get(pk=nomination.pk)
        return Response(self.get_serializer(nomination).data)

    def _transition(self, request, action_name):
        nomination = self.get_object()
        if request.data is None:  # a JSON null: no body is {}, anything but an object is a 400
            raise serializers.ValidationError(
                {"non_field_errors": [_("请求体应为 JSON 对象，或不带请求体。")]}
            )
        body = ActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        nomination_transition(
            actor=request.user,
            nomination=nomination,
            action=action_name,
            reason=body.validated_data["reason"] or "",
            request=request,
        )
        nomination = self.get_queryset().get(pk=nomination.pk)
        return Response(self.get_serializer(nomination).data)

    @extend_schema(request=ActionSerializer, responses=NominationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """推荐 (省级主管部门): the window must be open and the province's quota not used up."""
        return self._transition(request, "submit")

    @extend_schema(request=ActionSerializer, responses=NominationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """撤回 (省级主管部门), before acceptance; an optional ``reason``."""
        return self._transition(request, "withdraw")
