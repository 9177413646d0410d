"""The open read-only API at /api/v1/: zones, provinces, fields, tracks, the library and the lists.

Anyone may read it, without signing in; it never authenticates (so it never touches a session or needs a CSRF
token) and answers the same to everybody. Draft lists never appear. Every GET answer carries an ETag (a digest of
the body) and answers If-None-Match with 304; a list's detail is also cached by list version and language and
carries Last-Modified.
"""

from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from publishing.frozen import as_published
from publishing.serve import compiled_answer
from zones.selectors import provinces_public, zones_public

from .. import selectors
from ..models import Criterion, Field
from ..public.caching import (
    etag_for,
    list_not_modified,
    list_response,
    public_list_state,
    shared_answer,
    shared_key,
    shared_not_modified,
    shared_store,
)
from . import serializers_public as s
from .filters import YEAR_MAX, YEAR_MIN, CycleFilter, LibraryFilter, ParkListFilter, TrackFilter, ZoneFilter
from .pagination import StrictPageNumberPagination

API_MAX_AGE = 60


class PublicPagination(StrictPageNumberPagination):
    page_size = 50
    page_query_param = "page"
    page_size_query_param = "page_size"
    max_page_size = 500


class PublicReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    pagination_class = PublicPagination
    filter_backends = [DjangoFilterBackend]

    _shared_cache_key = None

    def list(self, request, *args, **kwargs):
        # A JSON page of a collection is the same for everybody: kept under the public data's generation, so the
        # next reader of the same query is answered from the cache (tracks/public/caching.py).
        if request.method == "GET" and request.accepted_renderer.format == "json":
            if not_modified := shared_not_modified(request, "api", API_MAX_AGE):
                return not_modified
            self._shared_cache_key = shared_key(request, "api")
            answer = shared_answer(request, self._shared_cache_key, API_MAX_AGE)
            if answer is not None:
                return answer
        return super().list(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.has_header("ETag")
        ):
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            response["ETag"] = etag_for(response.content)
            patch_cache_control(response, public=True, max_age=API_MAX_AGE)
            if self._shared_cache_key:
                shared_store(
                    request,
                    "api",
                    self._shared_cache_key,
                    response.content,
                    response["Content-Type"],
                    response["ETag"],
                )
            return get_conditional_response(request, etag=response["ETag"], response=response)
        return response


class ZoneViewSet(PublicReadOnlyViewSet):
    """国家高新区. Filters: `province` (code), `region` (east / central / west / northeast), `search`."""

    serializer_class = s.ZoneSerializer
    filterset_class = ZoneFilter

    def get_queryset(self):
        return zones_public().select_related("province__region").order_by("key")


class ProvinceViewSet(PublicReadOnlyViewSet):
    """省级推荐单位 (GB/T 2260 codes)."""

    serializer_class = s.ProvinceSerializer
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self):
        return provinces_public().order_by("code")


class FieldViewSet(PublicReadOnlyViewSet):
    """领域."""

    serializer_class = s.FieldSerializer
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self):
        return Field.objects.order_by("order", "code")


@extend_schema_view(
    retrieve=extend_schema(
        parameters=[
            OpenApiParameter(
                "year", {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX}, OpenApiParameter.PATH
            )
        ]
    )
)
class CycleViewSet(PublicReadOnlyViewSet):
    """年度批次: each year's round past planning, newest first, with its phase and windows (nothing per province:
    a province's quota and extension are under the token API). Filter: `status` (phase)."""

    serializer_class = s.CycleSerializer
    filterset_class = CycleFilter
    lookup_field = "year"
    lookup_value_regex = r"[0-9]{4}"
    pagination_class = None

    def get_queryset(self):
        return selectors.cycles_public()


class TrackViewSet(PublicReadOnlyViewSet):
    """新赛道 (active ones). Filters: `field` (code), `search` (name, alias, pinyin or initials)."""

    serializer_class = s.TrackSerializer
    filterset_class = TrackFilter

    def get_queryset(self):
        return selectors.tracks_public().prefetch_related("aliases").order_by("field__order", "name")


class LibraryViewSet(PublicReadOnlyViewSet):
    """培育库: (zone, track) pairs in cultivation (exited ones are not public)."""

    serializer_class = s.LibraryEntrySerializer
    filterset_class = LibraryFilter

    def get_queryset(self):
        return (
            selectors.library_public()
            .select_related("entered_cycle", "zone__province")
            .order_by("track__field__order", "track__name", "zone__key")
        )


@extend_schema_view(
    list=extend_schema(description=_("重点新赛道园区榜单（公示中、已发布、已更正的各个版本；草稿不公开）。")),
    retrieve=extend_schema(
        responses=s.ParkListDetailSerializer, description=_("一个版本的榜单及其全部条目。")
    ),
)
class ParkListViewSet(PublicReadOnlyViewSet):
    """Lists on notice, published and superseded; each version has its own id. Filters: `cycle` (year),
    `field` (code), `track` (id), `status` (notice / published / superseded)."""

    serializer_class = s.ParkListSerializer
    filterset_class = ParkListFilter

    def get_queryset(self):
        return selectors.lists_public_with_counts().order_by(
            "-cycle__year", "field__order", "scope", "track__name", "-version"
        )

    def get_serializer_class(self):
        return s.ParkListDetailSerializer if self.action == "retrieve" else s.ParkListSerializer

    def dispatch(self, request, *args, **kwargs):
        # A repeat reader of a list's JSON is answered before the framework's negotiation, authentication and
        # throttling, none of which changes a public answer: a 304 costs two cache reads. Anything else (a first
        # reader, a filter, another format, an ETag that is not current) takes the full path below.
        if self.action_map.get("get") == "retrieve" and request.method == "GET" and not request.GET:
            answer = list_not_modified(request, kwargs.get("pk"), "api")
            if answer is not None:
                patch_vary_headers(answer, ["Accept"])
                return answer
        return super().dispatch(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        if request.accepted_renderer.format != "json":
            # The browsable API (?format=api): the same data as the JSON, from the same writer.
            return Response(list_detail_data(self.get_object(), request))
        if set(request.query_params) & set(self.filterset_class.base_filters):
            self.get_object()  # a filter this list does not pass makes it a 404 (a bad value a 400), as before
        # From the cache when it is there, so a repeat reader's 304 reads no database.
        state, loaded = public_list_state(
            kwargs[self.lookup_url_kwarg or self.lookup_field], queryset=self.get_queryset()
        )
        # A published or superseded version: from its compiled file (compiled now if it is missing).
        if answer := compiled_answer(request, state, loaded):
            return answer

        def render_body() -> bytes:
            return list_detail_json(loaded or self.get_object(), request)

        return list_response(request, state, "api", render=render_body, content_type="application/json")


def list_detail_data(park_list, request=None) -> dict:
    """The API detail of one version of a list: the view's answer (JSON or the browsable API) and the compiled
    file's (publishing.compiler), so the answer has one writer. ``park_list`` comes from
    ``selectors.lists_public_with_counts()``."""
    context = {
        "request": request,
        "criteria": list(Criterion.objects.filter(cycle_id=park_list.cycle_id).order_by("order", "code")),
        "entries": as_published(park_list, list(selectors.list_entries_public(park_list))),
    }
    return s.ParkListDetailSerializer(park_list, context=context).data


def list_detail_json(park_list, request=None) -> bytes:
    return JSONRenderer().render(list_detail_data(park_list, request))
