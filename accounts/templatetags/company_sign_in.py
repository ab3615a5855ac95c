"""`{% company_sign_in as company %}`: which company sign-in the login pages offer."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from accounts import conf

register = template.Library()


@register.simple_tag(takes_context=True)
def company_sign_in(context) -> dict:
    oidc = conf.oidc_enabled()
    url = ""
    if oidc:
        url = reverse("oidc_authentication_init")
        next_url = context.get("next") or ""
        if next_url:
            url += "?" + urlencode({"next": next_url})
    return {"oidc": oidc, "ldap": conf.ldap_enabled(), "url": url}
