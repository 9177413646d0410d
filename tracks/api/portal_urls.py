"""/api/v1/nominations/… — the token API of the provincial portal (included from config/urls.py)."""

from rest_framework.routers import SimpleRouter

from .nominations import NominationViewSet

router = SimpleRouter()
router.register("nominations", NominationViewSet, basename="api-nomination")

urlpatterns = router.urls
