"""/api/v1/ — the open read-only API (included from config/urls.py, outside i18n_patterns)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import public

router = DefaultRouter()
router.register("zones", public.ZoneViewSet, basename="zone")
router.register("provinces", public.ProvinceViewSet, basename="province")
router.register("fields", public.FieldViewSet, basename="field")
router.register("cycles", public.CycleViewSet, basename="cycle")
router.register("tracks", public.TrackViewSet, basename="track")
router.register("library", public.LibraryViewSet, basename="library")
router.register("lists", public.ParkListViewSet, basename="list")

urlpatterns = [path("", include((router.urls, "api-public")))]
