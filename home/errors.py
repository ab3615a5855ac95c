"""The portal's error pages that Django would otherwise answer in bare English."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.csrf import requires_csrf_token

TOO_BIG = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
FALLBACK = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Requête refusée · Relais DSI</title>'
    "</head><body><main><h1>Requête refusée</h1><p>Le portail n'a pas pu lire ce que votre navigateur a "
    'envoyé. <a href="/">Retour à l\'accueil</a></p></main></body></html>'
)


@requires_csrf_token
def bad_request(request, exception, template_name="400.html"):
    """400, or 413 when the body is larger than the portal reads (a 10 MB form): a French page."""
    too_big = isinstance(exception, TOO_BIG)
    status = 413 if too_big else 400
    context = {"too_big": too_big, "limit_mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024) or 1}
    try:
        body = render_to_string(template_name, context, request=request)
    except Exception:  # noqa: BLE001 - an error page must not fail: the plain French page instead
        body = FALLBACK
    return HttpResponse(body, status=status)
