"""The demo catalogue: index at /catalogue/, 10 families, 64 services (one retired), a synopsis, news and
events, the words clients use (keywords, company-wide synonyms) and a few recommended results.

Deterministic and idempotent: pages are upserted on their code (or slug) and a new revision is
published only when something changed.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from wagtail.models import Page

from catalogue.demo_content import FAMILIES, KEYWORDS, NEWS, PROMOTIONS, RELATED, SERVICES, SYNONYMS
from catalogue.models import (
    CatalogueIndexPage,
    CatalogueNewsPage,
    ClientTypeOption,
    FamilyPage,
    SearchSynonym,
    ServiceBenefit,
    ServicePage,
    ServiceRelation,
    ServiceStrongPoint,
    SynopsisPage,
)
from home.models import HomePage

CLIENT_TYPE_LETTERS = {"M": "metier", "F": "fonctionnelle", "S": "filiale", "X": "externe"}
INDEX_INTRO = (
    "<p>Tous les services de la DSI, présentés par ce qu'ils vous apportent, avec nos engagements. "
    "Trouvez le bon service et demandez-le en un clic.</p>"
)


def seed() -> dict[str, int]:
    index = ensure_index()
    users = {user.email.lower(): user for user in get_user_model().objects.exclude(email="")}
    families = {}
    for code, title, slug, colour, pictogram, summary, _manager in FAMILIES:
        families[code] = upsert(
            index,
            FamilyPage,
            {"code": code},
            {"title": title, "slug": slug, "colour": colour, "pictogram": pictogram, "summary": summary},
        )
    managers = {row[0]: row[6] for row in FAMILIES}
    options = {option.code: option for option in ClientTypeOption.objects.all()}
    for number, text in enumerate(SERVICES):
        manager_email = managers[text.family]
        upsert(
            families[text.family],
            ServicePage,
            {"code": text.code},
            {
                "title": text.title,
                "slug": text.code.lower(),
                "promise": text.promise,
                "audience": text.audience,
                "how_to_ask": how_to_ask(text),
                "commitment_delay": text.delay,
                "commitment_delay_days": text.delay_days,
                "commitment_hours": text.hours,
                "commitment_availability": text.availability,
                "details": f"<p>{text.details}</p>" if text.details else "",
                "maturity": text.maturity,
                "keywords": KEYWORDS.get(text.code, ""),
                "launched_on": dt.date(2015 + number % 11, 1 + number % 12, 1),
                "product_manager": users.get(manager_email),
                "product_manager_email": manager_email,
            },
            children={
                "benefits": [
                    ServiceBenefit(text=t.split("|")[0], need=(t.split("|") + [""])[1]) for t in text.benefits
                ],
                "strong_points": [ServiceStrongPoint(text=t) for t in text.strong_points],
            },
            many={"client_types": [options[CLIENT_TYPE_LETTERS[c]] for c in text.client_types]},
        )
    services = {page.code: page for page in ServicePage.objects.all()}
    for code, related_codes in RELATED.items():
        upsert(
            services[code].get_parent(),
            ServicePage,
            {"code": code},
            {},
            children={"related_services": [ServiceRelation(service=services[c]) for c in related_codes]},
        )
    upsert(
        index,
        SynopsisPage,
        {"slug": "synopsis"},
        {"title": "L'offre de la DSI en un coup d'œil", "intro": "Tous nos services, famille par famille."},
    )
    for kind, title, slug, date, location, summary, body in NEWS:
        upsert(
            index,
            CatalogueNewsPage,
            {"slug": slug},
            {
                "title": title,
                "kind": kind,
                "date": date,
                "location": location,
                "summary": summary,
                "body": body,
            },
        )
    seed_search(services)
    return {
        "catalogue families": FamilyPage.objects.count(),
        "catalogue services": ServicePage.objects.count(),
        "catalogue news and events": CatalogueNewsPage.objects.count(),
    }


def seed_search(services: dict[str, ServicePage]) -> None:
    """The company-wide synonyms and the recommended results (kept if an editor changed them)."""
    from wagtail.contrib.search_promotions.models import Query, SearchPromotion

    for terms in SYNONYMS:
        SearchSynonym.objects.get_or_create(terms=terms)
    for query_string, codes in PROMOTIONS:
        query = Query.get(query_string)
        if not query.editors_picks.exists():
            for order, code in enumerate(codes):
                SearchPromotion.objects.create(query=query, page=services[code], sort_order=order)


def ensure_index() -> CatalogueIndexPage:
    """The catalogue index at /catalogue/ (migration 0004 creates it; recreate it if it was deleted)."""
    index = CatalogueIndexPage.objects.first()
    if index is None:
        home = HomePage.objects.first() or Page.get_first_root_node()
        index = home.add_child(instance=CatalogueIndexPage(title="Catalogue des services", slug="catalogue"))
    if index.intro != INDEX_INTRO or not index.live:
        index.intro = INDEX_INTRO
        index.save_revision().publish()
    return CatalogueIndexPage.objects.get(pk=index.pk)


def how_to_ask(text) -> str:
    return (
        "<p>Cliquez sur « Demander ce service » : le formulaire est déjà rempli avec le service. "
        "Précisez votre besoin et, si vous en avez une, la date souhaitée.</p>"
        "<p>Vous recevez un accusé de réception avec le délai de réponse, puis vous suivez votre demande "
        "dans le portail. Vous pouvez aussi écrire à la boîte fonctionnelle de la DSI.</p>"
    )


def _child_values(objects) -> list[tuple]:
    return [
        tuple(
            getattr(obj, f.attname)
            for f in obj._meta.concrete_fields
            if f.attname not in {"id", "page_id", "sort_order"}
        )
        for obj in objects
    ]


def upsert(parent, model, key: dict, fields: dict, children: dict | None = None, many: dict | None = None):
    """Create the page under parent, or update it; publish a revision only when something changed."""
    children, many = children or {}, many or {}
    page = model.objects.filter(**key).first()
    if page is None:
        page = model(**key, **fields)
        for name, objects in children.items():
            setattr(page, name, objects)
        for name, objects in many.items():
            setattr(page, name, objects)
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page
    changed = any(getattr(page, name) != value for name, value in fields.items())
    changed |= any(_child_values(getattr(page, n).all()) != _child_values(o) for n, o in children.items())
    changed |= any({o.pk for o in getattr(page, n).all()} != {o.pk for o in objs} for n, objs in many.items())
    if changed or not page.live:
        for name, value in fields.items():
            setattr(page, name, value)
        for name, objects in children.items():
            setattr(page, name, objects)
        for name, objects in many.items():
            setattr(page, name, objects)
        page.save_revision().publish()
    return page
