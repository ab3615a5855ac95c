from django.urls import path
from wagtail import views as wagtail_views

from catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("catalogue/parcourir/", views.browse, name="browse"),
    # The catalogue index page lives at /catalogue/ (see demo.py and migration 0004): name it for links.
    path("catalogue/", wagtail_views.serve, {"path": "catalogue/"}, name="index"),
]
