"""Fixed vocabularies of the catalogue."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Maturity(models.TextChoices):
    NOUVEAU = "nouveau", _("New")
    EN_DEPLOIEMENT = "en_deploiement", _("Being deployed")
    MATURE = "mature", _("Mature")
    EN_DECLIN = "en_declin", _("Declining")
    RETIRE = "retire", _("Retired")


class NeedType(models.TextChoices):
    """The client's needs, SPECIFIC (see the seeds' 002 document)."""

    SECURITE = "securite", _("Security")
    PERFORMANCE = "performance", _("Performance")
    ENVIRONNEMENT = "environnement", _("Environment")
    CONSIDERATION = "consideration", _("Consideration")
    IMAGE = "image", _("Image")
    FINANCES = "finances", _("Finances")
    INNOVATION = "innovation", _("Innovation")
    CONFORT = "confort", _("Comfort")
