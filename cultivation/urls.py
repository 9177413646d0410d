"""精准性培育 pages, inside i18n_patterns under /cultivation/ (Chinese unprefixed, English under /en/)."""

from django.urls import path

from . import views

app_name = "cultivation"

urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    path("entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/measures/new/", views.measure_create, name="measure_create"),
    path("measures/<int:pk>/attachment/", views.measure_attachment, name="measure_attachment"),
    path("measures/<int:pk>/remove/", views.measure_remove, name="measure_remove"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("report/", views.report_index, name="report_index"),
    path("report/<int:year>/", views.report_page, name="report"),
    path("report/<int:year>/download.xlsx", views.report_xlsx, name="report_xlsx"),
]
