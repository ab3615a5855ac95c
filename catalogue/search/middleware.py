"""Notes what followed a search in the same session: a result opened, a request sent.

Placed before the catalogue's page cache, so that a result served from the cache counts too.
"""

from django.urls import NoReverseMatch, reverse

from catalogue.links import NEW_REQUEST_PATH
from catalogue.search import analytics


def _new_request_path() -> str:
    try:
        return reverse("requests_box:new_request")
    except NoReverseMatch:
        return NEW_REQUEST_PATH


class SearchFollowUpMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or analytics.SESSION_KEY not in session:
            return response
        if request.method == "GET" and response.status_code == 200:
            analytics.record_opened(session, request.path)
        elif (
            request.method == "POST"
            and response.status_code in (301, 302, 303)
            and request.path == _new_request_path()
        ):
            analytics.record_request(session)
        return response
