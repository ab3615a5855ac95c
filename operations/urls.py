from django.urls import path

from operations import health, views

urlpatterns = [
    path("sante/", health.health, name="health"),
    path("deblocage/", views.unlock_request, name="unlock_request"),
    path("deblocage/<str:token>/", views.unlock_link, name="unlock_link"),
    path("mon-profil/authentification/", views.authenticator_setup, name="authenticator_setup"),
]
