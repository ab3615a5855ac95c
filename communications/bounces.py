"""Bounces of campaign mails, matched to their delivery and never turned into requests.

Each campaign mail leaves with a bounce address naming its delivery (the functional mailbox with a
plus tag, `relais-dsi+c<campaign>-<delivery>-<mac>@…`) and the same tag in an `X-Relais-Campaign`
header; a delivery status notification carries one or the other (its recipient, or the returned
headers). The tag's MAC makes a forged bounce unable to mark someone else's delivery.
"""

import re

from django.utils import timezone
from django.utils.crypto import constant_time_compare

from communications.mail import delivery_tag
from communications.models import Delivery, DeliveryStatus

_TAG = re.compile(rb"(?:\+c|X-Relais-Campaign:\s*)(\d{1,12})-(\d{1,12})-([0-9a-f]{10})", re.I)


def find_delivery(raw: bytes) -> Delivery | None:
    for match in _TAG.finditer(raw[:2_000_000]):
        campaign_id, delivery_id = int(match.group(1)), int(match.group(2))
        expected = delivery_tag(campaign_id, delivery_id)
        if constant_time_compare(expected, f"{campaign_id}-{delivery_id}-{match.group(3).decode().lower()}"):
            delivery = Delivery.objects.filter(pk=delivery_id, campaign_id=campaign_id).first()
            if delivery is not None:
                return delivery
    return None


def record_bounce(raw: bytes) -> bool:
    """Mark the delivery a bounce names as bounced; True when the mail was a campaign's bounce."""
    delivery = find_delivery(raw)
    if delivery is None:
        return False
    Delivery.objects.filter(pk=delivery.pk).exclude(status=DeliveryStatus.BOUNCED).update(
        status=DeliveryStatus.BOUNCED, bounced_at=timezone.now()
    )
    return True
