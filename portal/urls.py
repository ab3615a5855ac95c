from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from home.media import media_urlpatterns
from operations.throttling import ThrottledAuthenticationForm

urlpatterns = [
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=ThrottledAuthenticationForm
        ),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("langue/", login_not_required(set_language), name="set_language"),
    path("", include("operations.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("directory.urls")),
    path("", include("catalogue.urls")),
    path("", include("requests_box.urls")),
    path("", include("committees.urls")),
    path("", include("kpis.urls")),
    # The intranet home is the Wagtail root page; the name lets templates link to it.
    path("", wagtail_views.serve, {"path": ""}, name="home"),
]

# Development only: uploaded files as downloads, never rendered inline (home/media.py).
urlpatterns += media_urlpatterns()

urlpatterns += [path("", include(wagtail_urls))]

handler400 = "home.errors.bad_request"  # French, and 413 for a body larger than the portal reads
