from django.urls import path

from directory import views

app_name = "directory"
urlpatterns = [
    path("annuaire/", views.entity_list, name="entity_list"),
    path("annuaire/<str:code>/", views.entity_detail, name="entity_detail"),
    path("mon-profil/", views.my_profile, name="my_profile"),
    path("mon-portefeuille/", views.my_portfolio, name="my_portfolio"),
]
