from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from accounts.forms import PortalLoginForm
from accounts.views import AdminLogoutView, LogoutView
from home.media import media_urlpatterns

# Wagtail's login page loads its icons and JavaScript catalogue before anyone is logged in: without
# this, LoginRequiredMiddleware answers them with the portal's login page (drawn inside Wagtail's).
for pattern in wagtailadmin_urls.urlpatterns:
    if getattr(pattern, "name", None) in ("wagtailadmin_sprite", "wagtailadmin_javascript_catalog"):
        login_not_required(pattern.callback)

urlpatterns = [
    path(
        "connexion/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=PortalLoginForm),
        name="login",
    ),
    path("deconnexion/", LogoutView.as_view(), name="logout"),
    path("", include("accounts.urls")),
    path("langue/", login_not_required(set_language), name="set_language"),
    path("", include("operations.urls")),
    path("", include("home.urls")),
    # Wagtail's logout also ends the company (OpenID) session when the login came from it.
    path("admin/logout/", AdminLogoutView.as_view()),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("directory.urls")),
    path("", include("catalogue.urls")),
    path("", include("requests_box.urls")),
    path("", include("committees.urls")),
    path("", include("kpis.urls")),
    path("", include("communications.urls")),
    # The intranet home is the Wagtail root page; the name lets templates link to it.
    path("", wagtail_views.serve, {"path": ""}, name="home"),
]

# Development only: uploaded files as downloads, never rendered inline (home/media.py).
urlpatterns += media_urlpatterns()

urlpatterns += [path("", include(wagtail_urls))]

handler400 = "home.errors.bad_request"  # French, and 413 for a body larger than the portal reads
