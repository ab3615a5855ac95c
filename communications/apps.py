from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunicationsConfig(AppConfig):
    name = "communications"
    verbose_name = _("Communication")

    def ready(self):
        from communications.receivers import on_mail_ignored
        from requests_box import signals

        # The mailbox's signal for the automatic mails it sets aside (bounces among them).
        mail_ignored = getattr(signals, "mail_ignored", None)
        if mail_ignored is not None:
            mail_ignored.connect(on_mail_ignored, dispatch_uid="communications.bounces")
