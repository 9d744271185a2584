from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.overview, name="overview"),
    path("reports/<int:pk>/status/", views.report_status, name="report_status"),
    path("reports/<int:pk>/pdf/", views.download_pdf, name="download_pdf"),
    path("reports/<int:pk>/csv/", views.download_csv, name="download_csv"),
    path("p/<slug:partnership_slug>/reports/", views.report_list, name="report_list"),
    path("p/<slug:partnership_slug>/reports/term/<int:term_id>/", views.report_term, name="report_term"),
    path("p/<slug:partnership_slug>/reports/term/<int:term_id>/generate/", views.generate, name="generate"),
]
