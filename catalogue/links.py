"""Links from the catalogue to other apps, robust to those apps not being installed yet."""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

NEW_REQUEST_PATH = "/demandes/nouvelle/"


def request_url_for(service) -> str:
    """The request form, pre-filled with the service (the form belongs to the mailbox app)."""
    try:
        base = reverse("requests_box:new_request")
    except NoReverseMatch:
        base = NEW_REQUEST_PATH
    return f"{base}?{urlencode({'service': service.code})}"
