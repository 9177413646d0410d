"""/api/v1/nominations/… and /api/v1/portal/… — the token API of the provincial portal (included from
config/urls.py)."""

from rest_framework.routers import SimpleRouter

from .nominations import NominationViewSet
from .portal import PortalZoneViewSet, QuotaViewSet

router = SimpleRouter()
router.register("nominations", NominationViewSet, basename="api-nomination")
router.register("portal/zones", PortalZoneViewSet, basename="api-portal-zone")
router.register("portal/quotas", QuotaViewSet, basename="api-portal-quota")

urlpatterns = router.urls
