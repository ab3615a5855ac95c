"""Issue 15, item 4: the back office's choosers and listings show a model only to whoever may see it.

The red team listed every contact at `/admin/snippets/choose/directory/contact/results/` as the
catalogue editor and as a product manager, while `/annuaire/` answered them 403; the same for
interactions, projects, subscriptions and meetings. Every snippet of the portal is requested here
through every chooser and listing URL, as each role, and the row's name must appear only for the
relationship managers (who hold the models' permissions; the CIO reads them in the portal only).
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from wagtail.snippets.models import get_snippet_models

from catalogue.models import CatalogueIndexPage, FamilyPage, SearchSynonym, ServicePage
from committees.models import Committee, Interaction, Level, Meeting, Project
from communications.models import Audience, Campaign, Event, PlanItem
from directory.models import Contact
from home.backoffice import GuardedSnippetChooserViewSet
from kpis.models import Subscription, Survey
from requests_box.models import ComplaintCause, PreventiveAction, RoutingRule, Team

ROLES = ["user_a", "correspondent_a", "product_manager", "relationship_manager", "cio", "editor"]
ALLOWED = {"relationship_manager"}
# Models that are not client data: whoever edits them (permissions granted in migrations) sees them.
ALLOWED_BY_MODEL = {
    SearchSynonym: {"editor"},
    # Communication: editors compose campaigns, events and the plan, and choose audiences by name.
    Campaign: {"relationship_manager", "editor"},
    Event: {"relationship_manager", "editor"},
    PlanItem: {"relationship_manager", "editor"},
    Audience: {"relationship_manager", "editor"},
}
CHOOSER_URLS = ["choose", "choose_results", "search", "chosen", "chosen_multiple", "create"]
LISTING_URLS = ["list", "list_results", "edit", "usage", "history", "delete"]


@pytest.fixture
def rows(entity_a, directorate_a, user_a):
    """One row of every snippet model, each with a name found nowhere else."""
    index = CatalogueIndexPage.objects.get()
    family = index.add_child(instance=FamilyPage(title="Poste", slug="poste", code="POSTE", colour="#1f4e8c"))
    service = family.add_child(instance=ServicePage(title="Messagerie", slug="messagerie", code="MAIL"))
    contact = Contact.objects.create(
        email="zoe.confidentielle@groupe-aurelia.fr",
        first_name="Zoe",
        last_name="Confidentielle",
        entity=entity_a,
    )
    committee = Committee.objects.create(
        name="Comite Secret", directorate=directorate_a, level=Level.TACTIQUE, starts_on=dt.date(2026, 1, 15)
    )
    made = [
        directorate_a,
        entity_a,
        contact,
        committee,
        Meeting.objects.create(committee=committee, scheduled_at=timezone.now(), location="Salle Secrete"),
        Interaction.objects.create(
            date=dt.date(2026, 3, 2), kind="visite", contact=contact, note="rencontre"
        ),
        Project.objects.create(code="PRJ-SECRET", name="Projet Secret", entity=entity_a),
        Subscription.objects.create(service=service, entity=entity_a, start=dt.date(2026, 1, 1)),
        Survey.objects.create(code="enquete-secrete", title="Enquete Secrete", kind="barometre"),
        Team.objects.create(name="Equipe Secrete"),
        RoutingRule.objects.create(name="Regle Secrete"),
        ComplaintCause.objects.create(name="Cause Secrete"),
        PreventiveAction.objects.create(title="Action Secrete"),
        SearchSynonym.objects.create(terms="synonymesecret, motsecret"),
        Audience.objects.create(name="Audience Secrete"),
        Campaign.objects.create(title="Campagne Secrete", subject="Objet"),
        Event.objects.create(title="Evenement Secret", starts_at=timezone.now(), ends_at=timezone.now()),
        PlanItem.objects.create(date=dt.date(2026, 5, 1), subject="Plan Secret", channel="email"),
    ]
    return {type(obj): obj for obj in made}


def urls_of(model, obj) -> dict[str, str]:
    app, name = model._meta.app_label, model._meta.model_name
    chooser, listing = f"wagtailsnippetchoosers_{app}_{name}", f"wagtailsnippets_{app}_{name}"
    urls = {
        "choose": reverse(f"{chooser}:choose"),
        "choose_results": reverse(f"{chooser}:choose_results"),
        "search": reverse(f"{chooser}:choose_results") + "?q=" + str(obj).split()[0],
        "chosen": reverse(f"{chooser}:chosen", args=[obj.pk]),
        "chosen_multiple": reverse(f"{chooser}:chosen_multiple") + f"?id={obj.pk}",
        "create": reverse(f"{chooser}:create"),
    }
    for kind in LISTING_URLS:
        args = [] if kind in ("list", "list_results") else [obj.pk]
        urls[kind] = reverse(f"{listing}:{kind}", args=args)
    return urls


def test_every_snippet_of_the_portal_has_a_permission_checked_chooser():
    models = get_snippet_models()
    assert models, "no snippet registered"
    for model in models:
        assert isinstance(model.snippet_viewset.chooser_viewset, GuardedSnippetChooserViewSet), model


@pytest.mark.parametrize("role", ROLES)
def test_choosers_and_listings_show_rows_only_to_who_may_see_them(role, request, rows, client):
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert set(rows) == set(get_snippet_models()), "a snippet model has no row in this test"
    leaks = []
    for model, obj in rows.items():
        marker = escape(str(obj))
        for kind, url in urls_of(model, obj).items():
            response = client.get(url)
            body = response.content.decode()
            if role in ALLOWED_BY_MODEL.get(model, ALLOWED):
                assert response.status_code < 400 or kind == "create", (url, response.status_code)
                if kind in ("choose_results", "search", "list_results"):
                    assert marker in body, (url, marker)
            elif response.status_code not in (302, 403, 404) or marker in body:
                leaks.append(f"{url} ({response.status_code})")
    assert not leaks, f"{role} sees what the portal refuses them:\n" + "\n".join(leaks)


def test_the_red_team_request_answers_403_to_the_editor_and_the_product_manager(
    client, rows, editor, product_manager, relationship_manager
):
    url = "/admin/snippets/choose/directory/contact/results/"
    for user in (editor, product_manager):
        client.force_login(user)
        response = client.get(url)
        # Wagtail turns the refusal into a redirect to the dashboard with its "no permission" message.
        assert response.status_code in (302, 403) and b"Confidentielle" not in response.content
    client.force_login(relationship_manager)
    assert b"Confidentielle" in client.get(url).content


def test_the_site_history_report_lists_changes_only_to_who_may_see_the_model(
    client, rows, relationship_manager, editor, product_manager
):
    from wagtail.log_actions import log

    contact = rows[Contact]
    log(instance=contact, action="wagtail.edit", user=relationship_manager)
    url = reverse("wagtailadmin_reports:site_history")
    for user in (editor, product_manager):
        client.force_login(user)
        response = client.get(url)
        assert b"Confidentielle" not in response.content
        assert b"Confidentielle" not in client.get(url, {"export": "csv"}).getvalue()
    client.force_login(relationship_manager)
    assert b"Confidentielle" in client.get(url).content
