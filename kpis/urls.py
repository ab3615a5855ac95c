from django.urls import path

from kpis import views

app_name = "kpis"

urlpatterns = [
    path("indicateurs/", views.dashboard_page, name="dashboard"),
    path("indicateurs/direction/<str:code>/", views.directorate_detail, name="directorate"),
    path("indicateurs/export.csv", views.export_csv, name="export_csv"),
    path("indicateurs/export.pdf", views.export_pdf, name="export_pdf"),
    path("indicateurs/objectifs/", views.target_list, name="targets"),
    path("indicateurs/objectifs/<str:code>/", views.target_list, name="directorate_targets"),
]

# Satisfaction surveys (kpis.survey_views): the public one-time link, results, exports, follow-ups.
from kpis import survey_views  # noqa: E402

urlpatterns += [
    path("enquetes/", survey_views.survey_list, name="survey_list"),
    path("enquetes/suivis/", survey_views.follow_up_list, name="survey_follow_ups"),
    path("enquetes/suivis/<int:pk>/fait/", survey_views.follow_up_done, name="survey_follow_up_done"),
    path("enquetes/repondre/<str:token>/", survey_views.survey_answer, name="survey_answer"),
    path("enquetes/<str:code>/", survey_views.survey_results, name="survey_results"),
    path("enquetes/<str:code>/themes/", survey_views.survey_themes, name="survey_themes"),
    path("enquetes/<str:code>/themes.csv", survey_views.survey_themes_csv, name="survey_themes_csv"),
    path("enquetes/<str:code>/export.csv", survey_views.survey_export_csv, name="survey_export_csv"),
    path("enquetes/<str:code>/export.pdf", survey_views.survey_export_pdf, name="survey_export_pdf"),
    path("enquetes/<str:code>/envoyer/", survey_views.survey_launch, name="survey_launch"),
]
