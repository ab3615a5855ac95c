"""Uploaded files in development (DEBUG): served as downloads, never rendered by the browser.

Production has no `/media/` route at all (attachments go through the portal's permission-checked
views, which send them as `attachment` with a safe type). In development, Django's `static.serve`
would show an uploaded `page.html` inline, running its scripts with the portal's origin: here only
raster images (which pages show) stay inline; anything else is an `application/octet-stream` download.
"""

import posixpath
import re

from django.conf import settings
from django.urls import re_path
from django.utils.http import content_disposition_header
from django.views import static

INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"}


def serve_media(request, path):
    response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if (
        response.status_code == 200
        and response.headers.get("Content-Type", "").split(";")[0] not in INLINE_TYPES
    ):
        response.headers["Content-Type"] = "application/octet-stream"
        response.headers["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=posixpath.basename(path)
        )
    return response


def media_urlpatterns() -> list:
    """The development route for MEDIA_URL; none when DEBUG is off."""
    if not settings.DEBUG:
        return []
    prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    return [re_path(rf"^{prefix}(?P<path>.*)$", serve_media)]
