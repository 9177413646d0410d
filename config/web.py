"""What every web site answers at fixed addresses: /favicon.ico and /robots.txt (the sitemap is the public site's:
tracks/public/sitemaps.py). Outside the language prefixes, the same bytes for every reader."""

from functools import lru_cache

from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

FAVICON = "favicon.ico"
DAY = 24 * 60 * 60

#: paths no search engine should index: workspaces, sign-in, personal pages and forms (each language)
PRIVATE_PATHS = ["/admin/", "/portal/", "/accounts/", "/my/", "/lists/*/objection/"]


@lru_cache(maxsize=1)
def _favicon() -> bytes:
    path = finders.find(FAVICON)
    if not path:
        raise Http404
    with open(path, "rb") as handle:
        return handle.read()


@require_GET
def favicon(request):
    """The site's icon where browsers look for it first (pages link the same file under /static/)."""
    response = HttpResponse(_favicon(), content_type="image/vnd.microsoft.icon")
    patch_cache_control(response, public=True, max_age=7 * DAY)
    return response


@require_GET
def robots_txt(request):
    lines = ["User-agent: *"]
    for path in PRIVATE_PATHS:
        lines += [f"Disallow: {path}", f"Disallow: /en{path}"]
    lines += [
        "Disallow: /api/v1/portal/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=DAY)
    return response
