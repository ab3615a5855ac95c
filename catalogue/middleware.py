"""Whole-page cache of the catalogue's pages, per user, invalidated by any change to the catalogue.

Browsing the catalogue is the portal's busiest path and its pages change only when an editor
publishes. A page is rendered once per user, language, address and catalogue version, then served
from the cache: the cost of a hit is the session, the user and one aggregate query (the version).

Exactness before speed:
- the key holds the user, the language, the full path (filters, search, page number), today's
  date (news and events depend on it), the catalogue version (any publication, unpublication,
  addition or deletion changes it) and the CSRF cookie (pages carry forms with a token derived from
  it: another browser of the same user gets its own copy);
- only a plain 200 HTML answer to an authenticated GET that sets no cookie is stored; a request
  with pending flash messages is never answered from the cache (the messages would be lost);
- a search (a `q` in the address) is never stored: each one is counted and remembered for its
  follow-up (catalogue.search.analytics), which a stored copy would skip; its ranking costs about
  a millisecond, and the browse page without a query stays cached;
- entries expire after ``CATALOGUE_PAGE_CACHE_SECONDS`` (0 disables the cache), which bounds how
  long a change of the user's roles (their navigation, Wagtail's edit bar) takes to show.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from catalogue.selectors import catalogue_version

PREFIX = "catalogue-page:"


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if not request.path.startswith(settings.CATALOGUE_PAGE_CACHE_PATH):
        return False
    if not request.user.is_authenticated:
        return False
    if "messages" in request.COOKIES or request.session.get("_messages"):
        return False
    if request.GET.get("q", "").strip():
        return False
    return True


def page_cache_key(request, version: str) -> str:
    parts = (
        str(request.user.pk),
        get_language() or "",
        request.get_full_path(),
        timezone.localdate().isoformat(),
        version,
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
    )
    return PREFIX + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _cacheable_response(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and response.get("Content-Type", "").startswith("text/html")
        and "no-store" not in response.get("Cache-Control", "")
    )


class CataloguePageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.CATALOGUE_PAGE_CACHE_SECONDS
        if not seconds or not _cacheable_request(request):
            return self.get_response(request)
        key = page_cache_key(request, catalogue_version())
        stored = cache.get(key)
        if stored is not None:
            headers, content = stored
            return HttpResponse(content, headers=headers)
        response = self.get_response(request)
        if _cacheable_response(response):
            headers = {name: value for name, value in response.items() if name.lower() != "content-length"}
            cache.set(key, (headers, response.content), seconds)
        return response
