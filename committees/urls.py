from django.urls import path

from committees import views

app_name = "committees"
urlpatterns = [
    path("comites/", views.committee_list, name="committee_list"),
    path("comites/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("comites/<int:pk>/planifier/", views.committee_plan, name="committee_plan"),
    path("comites/reunions/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("comites/reunions/<int:pk>/presences/", views.meeting_record, name="meeting_record"),
    path("comites/reunions/<int:pk>/decisions/", views.meeting_add_decision, name="meeting_add_decision"),
    path("comites/reunions/<int:pk>/actions/", views.meeting_add_action, name="meeting_add_action"),
    path("comites/reunions/<int:pk>/publier/", views.meeting_publish, name="meeting_publish"),
    path("comites/reunions/<int:pk>/annuler/", views.meeting_cancel, name="meeting_cancel"),
    path("comites/reunions/<int:pk>/inviter/", views.meeting_invite, name="meeting_invite"),
    path("comites/reunions/<int:pk>/invitation.ics", views.meeting_ics, name="meeting_ics"),
    path("comites/reunions/<int:pk>/compte-rendu.pdf", views.meeting_pdf, name="meeting_pdf"),
    path("comites/reunions/<int:pk>/dossier/", views.meeting_pack, name="meeting_pack"),
    path("comites/reunions/<int:pk>/dossier.pdf", views.meeting_pack_pdf, name="meeting_pack_pdf"),
    path("comites/reunions/<int:pk>/dossier/joindre/", views.meeting_pack_attach, name="meeting_pack_attach"),
    path("comites/reunions/<int:pk>/dossier-joint.pdf", views.meeting_pack_file, name="meeting_pack_file"),
    path("comites/mes-actions/", views.my_actions, name="my_actions"),
    path("comites/actions/<int:pk>/statut/", views.action_status, name="action_status"),
    path("relation/", views.not_met, name="not_met"),
    path("relation/prochains-contacts/", views.next_due, name="next_due"),
    path("relation/contacts/<int:pk>/", views.contact_timeline, name="contact_timeline"),
    path("relation/contacts/<int:pk>/interaction/", views.record_interaction, name="record_interaction"),
    path("relation/entites/<str:code>/", views.entity_timeline, name="entity_timeline"),
    path("relation/projets/", views.project_list, name="project_list"),
    path(
        "relation/projets/depuis-demande/<str:reference>/",
        views.project_from_request,
        name="project_from_request",
    ),
]
