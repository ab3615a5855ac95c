from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsBoxConfig(AppConfig):
    name = "requests_box"
    verbose_name = _("Functional mailbox")
