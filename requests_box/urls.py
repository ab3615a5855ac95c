from django.urls import path

from requests_box import views

app_name = "requests_box"
urlpatterns = [
    path("demandes/", views.my_requests, name="my_requests"),
    path("demandes/nouvelle/", views.new_request, name="new_request"),
    path("demandes/<str:reference>/", views.request_detail, name="request_detail"),
    path(
        "demandes/<str:reference>/pieces-jointes/<int:pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("demandes/<str:reference>/traiter/", views.request_action, name="request_action"),
    path("demandes/<str:reference>/lier/", views.link_sender, name="link_sender"),
    path("boite/", views.mailbox_home, name="mailbox_home"),
    path("boite/tri/", views.triage, name="triage"),
    path("boite/mesures/", views.measures_view, name="measures"),
    path("boite/mesures/<slug:key>.csv", views.measures_csv, name="measures_csv"),
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
