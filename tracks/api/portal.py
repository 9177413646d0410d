"""/api/v1/portal/… — what a provincial system needs beside its nominations, under the same token (issue 17).

* ``portal/zones/``: the zones the caller may create nominations for (an official: the province's active zones; a
  zone committee: its own zone), so a client needs no province code to find them.
* ``portal/quotas/`` and ``portal/quotas/{cycle_year}/``: per cycle, the province's quota, how much of it is used
  (domain.md: nominations neither draft, withdrawn, rejected, 未推荐 nor 逾期未补正) and the province's own window,
  an extension staff granted included. One province's data: ``Cache-Control: private, no-store`` like all of the
  token API, and never in the public cache (the public ``/api/v1/cycles/`` says nothing per province).
"""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from accounts.scope import scope_of

from .. import selectors
from ..models import Cycle, CycleStatus
from ..services.nominations import province_quota, quota_used, window_for
from .filters import YEAR_MAX, YEAR_MIN
from .nominations import PortalAPIMixin
from .serializers_public import ProvinceRefSerializer, ZoneSerializer


class QuotaSerializer(serializers.Serializer):
    cycle_year = serializers.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX, help_text=_("年度"))
    cycle_status = serializers.ChoiceField(choices=CycleStatus.choices, help_text=_("年度批次所处阶段"))
    province = ProvinceRefSerializer()
    quota = serializers.IntegerField(min_value=0, help_text=_("本省推荐名额"))
    used = serializers.IntegerField(
        min_value=0, help_text=_("已占用名额（已推荐、退回修改、已受理及之后的推荐）")
    )
    remaining = serializers.IntegerField(min_value=0, help_text=_("剩余名额"))
    window_opens_at = serializers.DateTimeField(help_text=_("本省推荐开始时间"))
    window_closes_at = serializers.DateTimeField(help_text=_("本省推荐截止时间（含延期）"))
    window_open = serializers.BooleanField(help_text=_("现在是否在本省推荐窗口期内"))
    extension_closes_at = serializers.DateTimeField(
        allow_null=True, help_text=_("业务管理员为本省批准的延期截止时间；未延期为 null")
    )


def quota_of(cycle: Cycle, province, now=None) -> dict:
    now = now or timezone.now()
    opens, closes, extension = window_for(cycle, province)
    quota = province_quota(cycle, province)
    used = quota_used(cycle, province)
    return {
        "cycle_year": cycle.year,
        "cycle_status": cycle.status,
        "province": province,
        "quota": quota,
        "used": used,
        "remaining": max(quota - used, 0),
        "window_opens_at": opens,
        "window_closes_at": closes,
        "window_open": opens <= now <= closes,
        "extension_closes_at": extension.closes_at if extension is not None else None,
    }


class PortalZoneViewSet(PortalAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """我的国家高新区: the zones the caller may create nominations for."""

    serializer_class = ZoneSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.zones_for(scope_of(self.request)).select_related(
            "province__region", "strategic_area"
        )


class QuotaViewSet(PortalAPIMixin, viewsets.GenericViewSet):
    """本省推荐名额: the province's quota, its use and its window in each cycle past planning, newest first."""

    serializer_class = QuotaSerializer
    pagination_class = None
    lookup_field = "cycle_year"
    lookup_value_regex = r"[0-9]{4}"

    def get_queryset(self):
        return selectors.cycles_public()

    def _province(self):
        return scope_of(self.request).province

    def list(self, request, *args, **kwargs):
        province, now = self._province(), timezone.now()
        rows = [quota_of(cycle, province, now) for cycle in self.get_queryset()]
        return Response(self.get_serializer(rows, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "cycle_year",
                {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX},
                OpenApiParameter.PATH,
                description=_("年度，如 2026"),
            )
        ]
    )
    def retrieve(self, request, *args, **kwargs):
        cycle = self.get_queryset().filter(year=int(kwargs["cycle_year"])).first()
        if cycle is None:
            raise Http404
        return Response(self.get_serializer(quota_of(cycle, self._province())).data)
