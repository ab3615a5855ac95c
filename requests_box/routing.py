"""Routing rules: ordered, the first active rule whose conditions all hold routes a new request."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from requests_box import workflow
from requests_box.history import record_event
from requests_box.models import EventKind, Request, RoutingRule


def active_rules() -> list[RoutingRule]:
    return list(
        RoutingRule.objects.filter(active=True)
        .select_related("family", "assign_to", "assign_to_team")
        .order_by("order", "pk")
    )


def _words(value: str) -> list[str]:
    return [word.strip().lower() for word in value.split(",") if word.strip()]


def rule_matches(rule: RoutingRule, request: Request) -> bool:
    """All the rule's conditions hold (an empty condition holds for any request)."""
    if rule.service_id and request.service_id != rule.service_id:
        return False
    if rule.family_id:
        service = request.service
        if service is None or not service.path.startswith(rule.family.path):
            return False
    entity = request.entity
    if rule.directorate_id and (entity is None or entity.directorate_id != rule.directorate_id):
        return False
    if rule.client_type and (entity is None or entity.client_type != rule.client_type):
        return False
    if rule.kind and request.kind != rule.kind:
        return False
    if rule.sender_domain:
        domain = request.sender_email.rsplit("@", 1)[-1].lower() if "@" in request.sender_email else ""
        wanted = rule.sender_domain.strip().lower().lstrip("@")
        if domain != wanted and not domain.endswith("." + wanted):
            return False
    words = _words(rule.subject_words)
    return not words or any(word in request.subject.lower() for word in words)


def matching_rule(request: Request, rules: list[RoutingRule] | None = None) -> RoutingRule | None:
    for rule in active_rules() if rules is None else rules:
        if rule_matches(rule, request):
            return rule
    return None


@transaction.atomic
def route(request: Request, *, actor=None) -> RoutingRule | None:
    """Apply the first matching rule's actions; returns the rule, or None when none matched."""
    rule = matching_rule(request)
    if rule is None:
        return None
    request.refresh_from_db()
    changes = {}
    if rule.set_kind:
        changes["kind"] = rule.set_kind
    if rule.set_urgent:
        changes["urgent"] = True
    if rule.set_important:
        changes["important"] = True
    if changes:
        request = workflow.qualify(request, actor=actor, event_kind=EventKind.ROUTED, **changes)
    record_event(request, EventKind.ROUTED, actor=actor, detail=str(rule))
    assignee = rule.assign_to
    if assignee is None and rule.assign_to_product_manager and request.service_id:
        assignee = request.service.product_manager
    team = rule.assign_to_team if rule.assign_to_team_id and rule.assign_to_team.active else None
    if assignee is not None or team is not None:
        request = workflow.assign(
            request,
            assignee=assignee if assignee is not None else ...,
            team=team if team is not None else ...,
            actor=actor,
            detail=str(rule),
        )
    recipients = [address.strip() for address in rule.notify.split(",") if address.strip()]
    if recipients:
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("[{reference}] New request routed by “{rule}”: {subject}").format(
                reference=request.reference, rule=rule.name, subject=request.subject
            )
        body = settings.PORTAL_BASE_URL + request.get_absolute_url()
        transaction.on_commit(
            lambda: send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, recipients)
        )
    return rule
