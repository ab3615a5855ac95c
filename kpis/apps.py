from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    name = "kpis"
    verbose_name = _("Indicators")

    def ready(self):
        from kpis import aggregates, freshness

        freshness.connect()
        aggregates.connect()
        from kpis.surveys import receivers  # noqa: F401 - connects the post-request survey trigger
