"""The company sign-in's web side: starting an OpenID Connect sign-in, its return, and logging out
(of the provider too when the session came from it). Each failure ends on the login page with a
French message; local administrators can always use the form there."""

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView
from wagtail.admin.views.account import LogoutView as WagtailLogoutView

from accounts import conf

PROVIDER_UNREACHABLE = _(
    "The company sign-in service is not answering, so signing in with your company account is "
    "impossible for the moment. Try again in a few minutes; if it lasts, contact the IT service desk."
)
PROVIDER_REFUSED = _("The company sign-in was cancelled or refused. You can try again.")
ACCOUNT_DISABLED = _(
    "Your account is disabled on the portal (for instance after leaving the company). "
    "If this is a mistake, contact the IT service desk."
)
SIGN_IN_FAILED = _(
    "Signing in with your company account failed. Try again; if it lasts, contact the IT service desk."
)
SIGN_IN_EXPIRED = _("This sign-in attempt has expired. Please sign in again.")


def _back_to_login(request, message) -> HttpResponseRedirect:
    messages.error(request, message)
    return redirect("login")


@method_decorator(login_not_required, name="dispatch")
class CompanySignInView(OIDCAuthenticationRequestView):
    """/connexion/entreprise/: sends the browser to the provider's sign-in page."""

    def get(self, request):
        from accounts.oidc import provider_reachable

        if not conf.oidc_enabled():
            raise Http404
        if not provider_reachable():
            return _back_to_login(request, PROVIDER_UNREACHABLE)
        return super().get(request)


@method_decorator(login_not_required, name="dispatch")
class CompanySignInCallbackView(OIDCAuthenticationCallbackView):
    """/connexion/entreprise/retour/: the provider sends the browser back here with a code."""

    def get(self, request):
        from accounts.oidc import forget_reachable

        if not conf.oidc_enabled():
            raise Http404
        self.user = None
        try:
            return super().get(request)
        except requests.RequestException:
            forget_reachable()
            return _back_to_login(request, PROVIDER_UNREACHABLE)
        except SuspiciousOperation:  # an unknown state: an old tab, or a forged return
            return _back_to_login(request, SIGN_IN_EXPIRED)

    def login_failure(self):
        if self.request.GET.get("error"):
            message = PROVIDER_REFUSED
        elif self.user is not None and not self.user.is_active:
            message = ACCOUNT_DISABLED
        else:
            message = SIGN_IN_FAILED
        return _back_to_login(self.request, message)


class ProviderLogoutMixin:
    """Logs out of the portal and, when the session came from the OpenID provider, out of it too."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        if id_token and conf.oidc_enabled() and settings.OIDC_OP_LOGOUT_ENDPOINT:
            from accounts.oidc import provider_logout_url

            return HttpResponseRedirect(provider_logout_url(request, id_token))
        return response


class LogoutView(ProviderLogoutMixin, auth_views.LogoutView):
    """/deconnexion/"""


class AdminLogoutView(ProviderLogoutMixin, WagtailLogoutView):
    """Wagtail's /admin/logout/"""
