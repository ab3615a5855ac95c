"""The login forms of the portal and of Wagtail: throttled (operations/throttling.py), and clear
when the company directory could not be reached."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import conf
from operations.throttling import ThrottledAdminLoginForm, ThrottledAuthenticationForm

_UNREACHABLE = "_relais_directory_unreachable"

DIRECTORY_UNREACHABLE = _(
    "The company directory is not answering, so signing in with your company account is impossible "
    "for the moment. Try again in a few minutes; if it lasts, contact the IT service desk."
)


def mark_directory_unreachable(request) -> None:
    setattr(request, _UNREACHABLE, True)


def directory_unreachable(request) -> bool:
    return bool(getattr(request, _UNREACHABLE, False))


class CompanyAccountMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if conf.ldap_enabled():
            self.fields["username"].label = _("Company login")
            self.fields["username"].help_text = _("The login and password of your company (Windows) account.")

    def get_invalid_login_error(self):
        if self.request is not None and directory_unreachable(self.request):
            return forms.ValidationError(DIRECTORY_UNREACHABLE, code="directory_unreachable")
        return super().get_invalid_login_error()


class PortalLoginForm(CompanyAccountMixin, ThrottledAuthenticationForm):
    """The portal's login page (/connexion/)."""


class AdminLoginForm(CompanyAccountMixin, ThrottledAdminLoginForm):
    """Wagtail's login page (setting WAGTAILADMIN_USER_LOGIN_FORM)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail's form declares the field without a label: "Password", in English, on a French page.
        self.fields["password"].label = _("Password")
