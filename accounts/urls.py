from django.urls import path

from accounts import views

urlpatterns = [
    path("connexion/entreprise/", views.CompanySignInView.as_view(), name="oidc_authentication_init"),
    path(
        "connexion/entreprise/retour/",
        views.CompanySignInCallbackView.as_view(),
        name="oidc_authentication_callback",
    ),
]
