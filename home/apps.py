from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Intranet home")

    def ready(self):
        from home.exports import protect_wagtail_exports

        protect_wagtail_exports()  # Wagtail's report exports use the portal's CSV rule too
