"""A URLconf for test_access_matrix's self-check: the project's, with two views more and without ``healthz``."""

from django.http import HttpResponse
from django.urls import path

from config import urls


def _view(request, **kwargs):
    return HttpResponse("")


urlpatterns = [
    *(entry for entry in urls.urlpatterns if getattr(entry, "name", None) != "healthz"),
    path("secret-report/", _view, name="secret_report"),
    path("secret/<int:pk>/", _view, name="secret_item"),
]
