"""The committees' window on the functional mailbox: a client's requests in their relationship timeline.

Reads `requests_box.Request` through the app registry, so the committees app works while the mailbox
is absent; returns nothing then.
"""

from django.apps import apps
from django.urls import NoReverseMatch
from django.utils import timezone

TIMELINE_LIMIT = 200


def request_model():
    try:
        return apps.get_model("requests_box", "Request")
    except LookupError:
        return None


def request_events(*, contact=None, entity=None) -> list:
    from committees.selectors import TimelineEvent

    Request = request_model()
    if Request is None:
        return []
    queryset = Request.objects.all()
    if contact is not None:
        queryset = queryset.filter(contact=contact)
    if entity is not None:
        queryset = queryset.filter(entity=entity)
    events = []
    for item in queryset.order_by("-received_at")[:TIMELINE_LIMIT]:
        try:
            url = item.get_absolute_url() if hasattr(item, "get_absolute_url") else ""
        except NoReverseMatch:
            url = ""
        label = " · ".join(
            str(part) for part in (getattr(item, "reference", ""), getattr(item, "subject", "")) if part
        )
        kind_display = item.get_kind_display() if hasattr(item, "get_kind_display") else ""
        events.append(
            TimelineEvent(
                timezone.localtime(item.received_at).date(),
                "request",
                label or str(item),
                kind_display,
                url,
                badge=getattr(item, "kind", ""),
            )
        )
    return events
