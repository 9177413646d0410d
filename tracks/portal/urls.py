from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("nominations/", views.nomination_list, name="nomination_list"),
    path("nominations/new/", views.nomination_create_view, name="nomination_create"),
    path("nominations/export.xlsx", views.nominations_export, name="nominations_export"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination_detail"),
    path("nominations/<int:pk>/edit/", views.nomination_edit, name="nomination_edit"),
    path("nominations/<int:pk>/print/", views.nomination_print, name="nomination_print"),
    path("nominations/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path(
        "nominations/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "nominations/<int:pk>/attachments/<int:attachment_pk>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("nominations/<int:pk>/discard/", views.nomination_discard_view, name="nomination_discard"),
    path("nominations/<int:pk>/<slug:action>/", views.nomination_action, name="nomination_action"),
    path("letter/", views.recommendation_letter, name="letter"),
    path("tracks/search/", views.track_search, name="track_search"),
    path("library/", views.library_list, name="library_list"),
    path("library/<int:pk>/", views.library_detail, name="library_detail"),
    path("library/<int:pk>/reports/<int:year>/", views.monitoring_edit, name="monitoring_edit"),
    path("excel/template.xlsx", views.excel_template, name="excel_template"),
    path("excel/import/", views.excel_import, name="excel_import"),
    path("profile/", views.profile, name="profile"),
]
