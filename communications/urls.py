from django.urls import path

from communications import views

app_name = "communications"
urlpatterns = [
    path("communication/", views.campaign_list, name="campaign_list"),
    path("communication/campagnes/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("communication/campagnes/<int:pk>/apercu/", views.campaign_preview, name="campaign_preview"),
    path("communication/campagnes/<int:pk>/test/", views.campaign_send_test, name="campaign_send_test"),
    path("communication/campagnes/<int:pk>/envoyer/", views.campaign_queue, name="campaign_queue"),
    path("communication/campagnes/<int:pk>/annuler/", views.campaign_cancel, name="campaign_cancel"),
    path(
        "communication/campagnes/<int:pk>/lettre/",
        views.campaign_fill_newsletter,
        name="campaign_fill_newsletter",
    ),
    path("communication/audiences/<int:pk>/", views.audience_detail, name="audience_detail"),
    path("communication/audiences/<int:pk>/exclure/", views.audience_exclude, name="audience_exclude"),
    path("communication/plan/", views.plan, name="plan"),
    path("evenements/", views.event_list, name="event_list"),
    path("evenements/<int:pk>/", views.event_detail, name="event_detail"),
    path("evenements/<int:pk>/inscription/", views.event_register, name="event_register"),
    path("evenements/<int:pk>/desinscription/", views.event_unregister, name="event_unregister"),
    path("evenements/<int:pk>/invitation.ics", views.event_ics, name="event_ics"),
    path("evenements/<int:pk>/presences/", views.event_attendance, name="event_attendance"),
    # Links in the mails: no login, the signed token is the credential.
    path("desabonnement/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("lien/<str:token>/", views.click, name="click"),
]
