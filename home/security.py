"""Content-Security-Policy for every response (Django 5.2 has none built in).

Two policies:

- The portal's own pages get a strict one: scripts and style sheets only from the portal itself,
  no inline script, no `eval`, no plugin, no foreign frame, forms posting only to the portal.
  The only concession is `style-src-attr 'unsafe-inline'`: the catalogue colours its family
  tiles with `style="--family-colour: …"` attributes (custom properties set from the family's
  colour). Style *attributes* cannot run code nor load anything; `<style>` elements stay refused.
- Wagtail's back office (`/admin/`) gets a looser one: Wagtail 8 still ships inline `<script>`
  blocks (page editor, choosers, StreamField templates) and inline styles, and shows user avatars
  from Gravatar. It keeps `object-src 'none'`, `base-uri 'self'`, `form-action 'self'` and
  `frame-ancestors 'self'` (the live preview is a same-origin frame).

Both are sent as enforcing `Content-Security-Policy` headers. `CSP_REPORT_ONLY = True` in the
settings turns them into `Content-Security-Policy-Report-Only` (to try a change on production
without breaking it).
"""

from django.conf import settings

PORTAL_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "style-src-elem": ["'self'"],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}

ADMIN_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", "https://www.gravatar.com"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "media-src": ["'self'", "blob:"],
    "worker-src": ["'self'", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}

ADMIN_PREFIX = "/admin/"


def render_policy(policy: dict[str, list[str]]) -> str:
    return "; ".join(f"{directive} {' '.join(sources)}" for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Adds the portal's or the back office's Content-Security-Policy to every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policies = (None, "", "")

    def _policies(self) -> tuple[str, str]:
        # Forms may end on these origins too: the company sign-in provider's logout (accounts/).
        extra = list(getattr(settings, "CSP_FORM_ACTION_EXTRA", []))
        if extra != self.policies[0]:
            self.policies = (
                extra,
                render_policy({**PORTAL_POLICY, "form-action": PORTAL_POLICY["form-action"] + extra}),
                render_policy({**ADMIN_POLICY, "form-action": ADMIN_POLICY["form-action"] + extra}),
            )
        return self.policies[1], self.policies[2]

    def __call__(self, request):
        portal, admin = self._policies()
        response = self.get_response(request)
        header = (
            "Content-Security-Policy-Report-Only"
            if getattr(settings, "CSP_REPORT_ONLY", False)
            else "Content-Security-Policy"
        )
        if header not in response.headers:
            policy = admin if request.path.startswith(ADMIN_PREFIX) else portal
            response.headers[header] = policy
        return response
