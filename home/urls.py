from django.urls import path

from home import report_views

urlpatterns = [
    path("pdf/<str:token>/", report_views.report_page, name="report"),
    path("pdf/<str:token>/etat/", report_views.report_status, name="report_status"),
    path("pdf/<str:token>/telecharger/", report_views.report_download, name="report_download"),
    path("pdf/<str:token>/relancer/", report_views.report_retry, name="report_retry"),
]
