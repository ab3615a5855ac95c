"""The campaign e-mail: personalised, in the portal's charter (family colours and pictograms inline),
HTML and text parts, unsubscribe headers, links counted by a redirect and a bounce address per delivery."""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from catalogue.pictograms import pictogram_markup
from communications.models import Campaign
from communications.unsubscribe import unsubscribe_url
from directory.models import Contact

MERGE_FIELDS = ("first_name", "last_name", "entity", "directorate")
_MERGE = re.compile(r"\{\{\s*(\w+)\s*\}\}")
CLICK_SALT = "communications.click"


class TemplateProblem(ValueError):
    """A merge field that does not exist or a malformed one, in French for the editor."""


def check_merge_fields(text: str) -> list[str]:
    problems = []
    for name in _MERGE.findall(text):
        if name not in MERGE_FIELDS:
            problems.append(
                _("Unknown merge field {{ %(name)s }}: use one of %(fields)s.")
                % {"name": name, "fields": ", ".join("{{ " + f + " }}" for f in MERGE_FIELDS)}
            )
    rest = _MERGE.sub("", text)
    if any(mark in rest for mark in ("{{", "}}", "{%", "%}")):
        problems.append(_("A merge field is not closed or not written as {{ first_name }}."))
    return problems


def merge(text: str, contact: Contact) -> str:
    values = {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "entity": contact.entity.name if contact.entity_id else "",
        "directorate": contact.entity.directorate.name if contact.entity_id else "",
    }
    return _MERGE.sub(lambda m: values.get(m.group(1), ""), text)


def page_link(page) -> str:
    """The portal address of a page (relative to the portal's public address)."""
    parts = page.get_url_parts()
    return settings.PORTAL_BASE_URL + parts[2] if parts else ""


def leaflet_link() -> str:
    return settings.PORTAL_BASE_URL + reverse("catalogue:print", kwargs={"kind": "leaflet"})


@dataclass
class ServiceBlock:
    title: str
    promise: str
    url: str
    family_title: str
    colour: str
    text_colour: str
    pictogram: str


@dataclass
class NewsBlock:
    title: str
    summary: str
    url: str
    date: object
    is_event: bool


@dataclass
class Content:
    services: list[ServiceBlock] = field(default_factory=list)
    news: list[NewsBlock] = field(default_factory=list)
    leaflet_url: str = ""
    unpublished: list[str] = field(default_factory=list)


def campaign_content(campaign: Campaign) -> Content:
    """The catalogue content of the campaign, read once per campaign (not per recipient)."""
    content = Content(leaflet_url=leaflet_link() if campaign.link_leaflet else "")
    for service in campaign.services.order_by("title"):
        if not service.live:
            content.unpublished.append(service.title)
            continue
        family = service.family
        content.services.append(
            ServiceBlock(
                title=service.title,
                promise=service.promise,
                url=page_link(service),
                family_title=family.title if family else "",
                colour=getattr(family, "colour", "#1f4e8c"),
                text_colour=getattr(family, "text_colour", "#ffffff"),
                pictogram=str(pictogram_markup(family, size=40)) if family else "",
            )
        )
    for news in campaign.news_pages.order_by("-date"):
        if not news.live:
            content.unpublished.append(news.title)
            continue
        content.news.append(
            NewsBlock(news.title, news.summary, page_link(news), news.date, news.kind == "event")
        )
    return content


def click_url(delivery_id: int | None, url: str) -> str:
    """The counted redirect to a portal link; previews and tests (no delivery) link straight."""
    if delivery_id is None or not url:
        return url
    token = signing.dumps([delivery_id, url], salt=CLICK_SALT, compress=True)
    return settings.PORTAL_BASE_URL + reverse("communications:click", args=[token])


def read_click(token: str) -> tuple[int, str] | None:
    try:
        delivery_id, url = signing.loads(token, salt=CLICK_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    # Only the portal's own pages: the redirect is no open relay to elsewhere.
    if not isinstance(url, str) or not url.startswith(settings.PORTAL_BASE_URL + "/"):
        return None
    return delivery_id, url


def delivery_tag(campaign_id: int, delivery_id: int) -> str:
    """`<campaign>-<delivery>-<mac>`: names the delivery in the bounce address and a header."""
    mac = salted_hmac("communications.bounce", f"{campaign_id}-{delivery_id}").hexdigest()[:10]
    return f"{campaign_id}-{delivery_id}-{mac}"


def bounce_address(tag: str) -> str:
    """The functional mailbox with a plus tag (VERP): bounces come back there, naming the delivery."""
    local, _sep, domain = settings.MAILBOX_ADDRESS.rpartition("@")
    return f"{local}+c{tag}@{domain}"


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def build_message(
    campaign: Campaign,
    contact: Contact,
    *,
    content: Content | None = None,
    delivery_id: int | None = None,
    to: str | None = None,
    test: bool = False,
) -> EmailMultiAlternatives:
    """The mail of a campaign for one contact (for `to` when sending a test to oneself)."""
    content = content or campaign_content(campaign)
    with translation.override(settings.LANGUAGE_CODE):

        def link(url):
            return click_url(delivery_id, url)

        context = {
            "campaign": campaign,
            "contact": contact,
            "subject": merge(campaign.subject, contact),
            "paragraphs": paragraphs(merge(campaign.intro, contact)),
            "services": [{"block": s, "link": link(s.url)} for s in content.services],
            "news": [{"block": n, "link": link(n.url)} for n in content.news],
            "leaflet_link": link(content.leaflet_url) if content.leaflet_url else "",
            "portal_link": link(settings.PORTAL_BASE_URL + "/"),
            "unsubscribe_url": unsubscribe_url(contact.pk, campaign.kind, campaign.pk),
            "kind_label": campaign.get_kind_display(),
            "test": test,
        }
        text = render_to_string("communications/email/campaign.txt", context)
        html = render_to_string("communications/email/campaign.html", context)
        subject = " ".join(context["subject"].split())
        if test:
            subject = _("[TEST] %(subject)s") % {"subject": subject}
    headers = {
        "From": settings.DEFAULT_FROM_EMAIL,
        "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
        "Precedence": "bulk",
    }
    envelope_from = settings.DEFAULT_FROM_EMAIL
    if delivery_id is not None:
        tag = delivery_tag(campaign.pk, delivery_id)
        headers["X-Relais-Campaign"] = tag
        envelope_from = bounce_address(tag)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=envelope_from,
        to=[to or contact.email],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message
