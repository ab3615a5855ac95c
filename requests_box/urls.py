from django.urls import path

from requests_box import views

app_name = "requests_box"
urlpatterns = [
    path("demandes/", views.my_requests, name="my_requests"),
    path("demandes/nouvelle/", views.new_request, name="new_request"),
    path("demandes/a-traiter/", views.work_queue, name="work_queue"),
    path("demandes/avis-sur-mes-services/", views.service_feedback, name="service_feedback"),
    path("demandes/<str:reference>/", views.request_detail, name="request_detail"),
    path(
        "demandes/<str:reference>/pieces-jointes/<int:pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("demandes/<str:reference>/traiter/", views.request_action, name="request_action"),
    path("demandes/<str:reference>/echeance/", views.deadline_preview, name="deadline_preview"),
    path("demandes/<str:reference>/message/", views.client_message, name="client_message"),
    path("demandes/<str:reference>/annuler/", views.client_cancel, name="client_cancel"),
    path("demandes/<str:reference>/rouvrir/", views.client_reopen, name="client_reopen"),
    path("demandes/<str:reference>/lier/", views.link_sender, name="link_sender"),
    path("demandes/<str:reference>/confirmer-expediteur/", views.confirm_sender, name="confirm_sender"),
    path("boite/", views.mailbox_home, name="mailbox_home"),
    path("boite/tri/", views.triage, name="triage"),
    path("boite/mesures/", views.measures_view, name="measures"),
    path("boite/mesures/<slug:key>.csv", views.measures_csv, name="measures_csv"),
    path("boite/reclamations/", views.complaint_tables, name="complaint_tables"),
    path("boite/reclamations/<slug:key>.csv", views.complaint_tables_csv, name="complaint_tables_csv"),
    path("boite/rappels/", views.callbacks, name="callbacks"),
    path("boite/rappels/<str:reference>/", views.callback_done, name="callback_done"),
    path("boite/actions-preventives/", views.preventive_actions, name="preventive_actions"),
    path("boite/regles/tester/", views.rule_test, name="rule_test"),
    path("boite/saisie/", views.manual_entry, name="manual_entry"),
    path("boite/inconnus/", views.unknown_senders, name="unknown_senders"),
    path("boite/quarantaine/", views.quarantine_list, name="quarantine_list"),
    path("boite/quarantaine/<int:pk>/", views.quarantine_detail, name="quarantine_detail"),
    path("boite/quarantaine/<int:pk>/brut/", views.quarantine_raw, name="quarantine_raw"),
    path("boite/ignores/", views.ignored_list, name="ignored_list"),
    path("boite/ignores/<int:pk>/brut/", views.ignored_raw, name="ignored_raw"),
]
