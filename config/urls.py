from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from tracks import views as track_views

urlpatterns = [
    path("healthz", track_views.healthz, name="healthz"),
    path("readyz", track_views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The open API first: its readers are the many (the portal's token API has one route of its own).
    path("api/v1/", include("tracks.api.public_urls")),
    path("api/v1/", include("tracks.api.portal_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
urlpatterns += i18n_patterns(
    path("", track_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("portal/", include("tracks.portal.urls")),
    path("cultivation/", include("cultivation.urls")),
    path("", include("tracks.public.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

# Errors of paths no view answered (a URL no route matches, an uncaught exception): JSON in the API's error shape
# under /api/, the site's own pages elsewhere (tracks/api/errors.py).
handler400 = "tracks.api.errors.handler400"
handler403 = "tracks.api.errors.handler403"
handler404 = "tracks.api.errors.handler404"
handler500 = "tracks.api.errors.handler500"
