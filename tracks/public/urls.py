"""Public pages, inside i18n_patterns (Chinese unprefixed, English under /en/)."""

from django.urls import path, re_path

from publishing import views as published

from . import views
from .feeds import AnnouncementFeed

app_name = "public"

urlpatterns = [
    path("lists/", views.list_index, name="list_index"),
    # Published lists are files (publishing/): these views answer only when a file is missing, and compile it.
    path("lists/published/", published.published_index, name="list_published_index"),
    path("lists/<int:pk>/", views.list_detail, name="list_detail"),
    re_path(
        r"^lists/(?P<pk>[0-9]+)/download\.(?P<fmt>csv|xlsx|json)$", views.list_download, name="list_download"
    ),
    re_path(r"^lists/(?P<pk>[0-9]+)/canonical\.json$", published.canonical_json, name="list_canonical"),
    path("lists/<int:pk>/objection/", views.objection_form, name="objection_form"),
    path("lists/<int:pk>/objection/receipt/", views.objection_receipt, name="objection_receipt"),
    path("objections/lookup/", views.objection_lookup, name="objection_lookup"),
    re_path(
        r"^lists/(?P<pk>[0-9]+)/objection/captcha\.(?P<fmt>png|wav)$",
        views.objection_captcha,
        name="objection_captcha",
    ),
    path("library/", views.library_index, name="library"),
    path("tracks/", views.track_index, name="track_index"),
    path("tracks/<int:pk>/", views.track_detail, name="track_detail"),
    path("zones/<str:key>/", views.zone_detail, name="zone_detail"),
    path("provinces/", views.province_index, name="province_index"),
    path("provinces/<str:code>/", views.province_detail, name="province_detail"),
    path("announcements/", views.announcement_list, name="announcement_list"),
    path("announcements/<int:pk>/", views.announcement_detail, name="announcement_detail"),
    path("announcements/feed/", AnnouncementFeed(), name="announcement_feed"),
    path("search/", views.search, name="search"),
    path("privacy/", views.privacy, name="privacy"),
    path("my/results/", views.my_results, name="my_results"),
]
