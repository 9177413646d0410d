"""/api/v1/nominations/… and /api/v1/portal/… — the token API of the provincial portal (included from
config/urls.py)."""

from django.urls import re_path
from rest_framework.routers import SimpleRouter

from .attachments import attachment_detail, attachment_list
from .nominations import NominationViewSet
from .portal import PortalZoneViewSet, QuotaViewSet

router = SimpleRouter()
router.register("nominations", NominationViewSet, basename="api-nomination")
router.register("portal/zones", PortalZoneViewSet, basename="api-portal-zone")
router.register("portal/quotas", QuotaViewSet, basename="api-portal-quota")

urlpatterns = [
    *router.urls,
    re_path(
        r"^nominations/(?P<nomination_id>[^/.]+)/attachments/$",
        attachment_list,
        name="api-nomination-attachment-list",
    ),
    re_path(
        r"^nominations/(?P<nomination_id>[^/.]+)/attachments/(?P<pk>[^/.]+)/$",
        attachment_detail,
        name="api-nomination-attachment-detail",
    ),
]
