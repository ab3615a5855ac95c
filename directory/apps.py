from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Client directory")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from directory.services import link_contact_on_login

        user_logged_in.connect(link_contact_on_login, dispatch_uid="directory.link_contact_on_login")
