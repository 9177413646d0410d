from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import web
from tracks import views as track_views
from tracks.public.sitemaps import sitemap_xml

urlpatterns = [
    path("healthz", track_views.healthz, name="healthz"),
    path("readyz", track_views.readyz, name="readyz"),
    path("favicon.ico", web.favicon, name="favicon"),
    path("robots.txt", web.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap_xml, name="sitemap"),
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
# under /api/ (tracks/api/errors.py), the site's own pages in the page's language elsewhere (config/errors.py).
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
