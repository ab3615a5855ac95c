from django.urls import path

from kpis import views

app_name = "kpis"

urlpatterns = [
    path("indicateurs/", views.dashboard_page, name="dashboard"),
    path("indicateurs/direction/<str:code>/", views.directorate_detail, name="directorate"),
    path("indicateurs/export.csv", views.export_csv, name="export_csv"),
    path("indicateurs/export.pdf", views.export_pdf, name="export_pdf"),
    path("indicateurs/objectifs/", views.target_list, name="targets"),
]
