from django.urls import path
from wagtail import views as wagtail_views

from catalogue import views
from catalogue.printing import views as print_views
from catalogue.search import views as search_views

app_name = "catalogue"
urlpatterns = [
    path("catalogue/parcourir/", views.browse, name="browse"),
    path("catalogue/suggestions/", search_views.suggestions, name="suggest"),
    # Outside /catalogue/: never stored by the catalogue's page cache (the counts change with every search).
    path("recherches-du-catalogue/", search_views.insights, name="search_insights"),
    path("recherches-du-catalogue/mot-cle/", search_views.add_keyword, name="add_keyword"),
    # A service's clients (product managers): outside /catalogue/ as well, never cached.
    path("clients-des-services/", views.service_clients_list, name="service_clients_list"),
    path("clients-des-services/<str:code>/", views.service_clients, name="service_clients"),
    path("catalogue/imprimer/fiche/<str:code>/", views.print_document, {"kind": "sheet"}, name="print_sheet"),
    path("catalogue/imprimer/fiche/<str:code>/brouillon/", views.print_draft_sheet, name="print_draft_sheet"),
    path("catalogue/imprimer/<str:kind>/brouillon/", print_views.draft_document, name="print_draft"),
    path("catalogue/imprimer/<str:kind>/", views.print_document, name="print"),
    path("catalogue/imprimer/<str:kind>/etat/", views.print_status, name="print_status"),
    # The catalogue index page lives at /catalogue/ (see demo.py and migration 0004): name it for links.
    path("catalogue/", wagtail_views.serve, {"path": "catalogue/"}, name="index"),
]
