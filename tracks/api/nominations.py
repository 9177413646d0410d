"""The nominations API for provincial systems: the same rules as the portal's pages, through the same services.

``Authorization: Token <key>`` (DRF authtoken: ``manage.py drf_create_token USERNAME`` or the portal's profile
page). Only officials and zone committees may use it. The queryset is ``selectors.nominations_for(user)``, so
another province's nomination is a 404 on every verb. Refusals carry the service's Chinese message:
400 for a rule (window, state, completeness, a zone of another province), 409 for the quota or a stale version.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.response import Response

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
from .fields import IdRelatedField
from .filters import MAX_ID

# Refusals that are a conflict with the current state of other rows rather than a bad request.
CONFLICT_CODES = {"quota_exceeded", "stale", "race"}
CONTENT_FIELDS = ["origin", "cultivation_model", "public_summary", "narrative", *INDICATOR_FIELDS]


class IsPortalUser(permissions.BasePermission):
    message = gettext_lazy("接口仅供省级主管部门和国家高新区管委会使用。")

    def has_permission(self, request, view):
        province, _zone = selectors.portal_scope(request.user)
        return province is not None


class NominationSerializer(serializers.ModelSerializer):
    cycle = IdRelatedField(
        queryset=Cycle.objects.all(), required=False, help_text=gettext_lazy("默认为当前开放推荐的年度批次。")
    )
    zone = IdRelatedField(queryset=Zone.objects.all())
    track = IdRelatedField(queryset=Track.objects.all())
    version = serializers.IntegerField(
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

    def validate_zone(self, zone):
        if self.instance is not None:
            if zone.pk != self.instance.zone_id:
                raise serializers.ValidationError(_("推荐创建后不能更改国家高新区。"))
            return zone
        if not workflow.may_create_for_zone(self.user, zone):
            province, own_zone = selectors.portal_scope(self.user)
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
        if not selectors.tracks_selectable(self.user).filter(pk=track.pk).exists():
            # Another province's proposal (or anything else not selectable) is answered as a track that does not
            # exist: the refusal names nothing the caller may not see, and probing ids tells nothing.
            self.fields["track"].fail("does_not_exist", pk_value=track.pk)
        return track

    def validate_cycle(self, cycle):
        if self.instance is not None and cycle.pk != self.instance.cycle_id:
            raise serializers.ValidationError(_("推荐创建后不能更改年度批次。"))
        return cycle


class ActionSerializer(serializers.Serializer):
    """The body of submit and withdraw: an optional reason (a string field, so a NUL in it is a 400 like any other
    field's, never a 500 at the database)."""

    reason = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default="", trim_whitespace=False
    )


def _refusal(error: DjangoValidationError) -> Response:
    """A service's refusal as an API answer: the message, its code, and field errors where there are any."""
    code = getattr(error, "code", None)
    body = {"detail": _("；").join(error.messages), "code": code or "invalid"}
    if hasattr(error, "error_dict"):
        body["errors"] = {
            ("non_field_errors" if name == NON_FIELD_ERRORS else name): [
                m for e in errors for m in e.messages
            ]
            for name, errors in error.error_dict.items()
        }
        codes = {e.code for errors in error.error_dict.values() for e in errors if e.code}
        if len(codes) == 1 and code is None:
            body["code"] = codes.pop()
    conflict = body["code"] in CONFLICT_CODES
    return Response(body, status=status.HTTP_409_CONFLICT if conflict else status.HTTP_400_BAD_REQUEST)


class NominationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """推荐: list, read, create and edit my nominations; submit (recommend) and withdraw them."""

    serializer_class = NominationSerializer
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated, IsPortalUser]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ["cycle", "status", "zone", "track"]

    def get_queryset(self):
        return selectors.nominations_for(self.request.user).order_by("-cycle__year", "zone__key", "pk")

    def options(self, request, *args, **kwargs):
        # Another province's nomination is a 404 on every verb, OPTIONS included.
        if self.lookup_field in kwargs or self.lookup_url_kwarg in kwargs:
            self.get_object()
        return super().options(request, *args, **kwargs)

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            return _refusal(exc)
        return super().handle_exception(exc)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        cycle = data.get("cycle") or selectors.open_cycle()
        if cycle is None:
            return Response(
                {"detail": _("当前没有开放推荐的年度批次。"), "code": "no_open_cycle"},
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
        body = ActionSerializer(data=request.data if hasattr(request.data, "get") else {})
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

    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """推荐 (省级主管部门): the window must be open and the province's quota not used up."""
        return self._transition(request, "submit")

    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """撤回 (省级主管部门), before acceptance; an optional ``reason``."""
        return self._transition(request, "withdraw")
