"""E-mails the DSI's own people receive about requests: a request given to them (or to their team), the
copy of a complaint's answer, the call-back reminder. Always in the portal's language, always with the
request's link, always sent once the change is committed."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from directory.roles import RELATIONSHIP_MANAGERS
from requests_box.models import Request


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _url(request: Request) -> str:
    return settings.PORTAL_BASE_URL + request.get_absolute_url()


def _send_on_commit(mails: list[tuple[str, str, str, list[str]]]) -> None:
    if mails:
        transaction.on_commit(lambda: send_mass_mail(mails, fail_silently=False))


def _mail(template: str, subject: str, context: dict, to: list[str]) -> tuple[str, str, str, list[str]]:
    body = render_to_string(f"requests_box/email/{template}.txt", context)
    return (" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, to)


def addresses_of(users: Iterable) -> list[str]:
    return sorted({u.email for u in users if u is not None and u.is_active and u.email})


def team_addresses(team, *, skip: Iterable = ()) -> list[str]:
    """A team is told at its own address when it has one, otherwise each of its members."""
    if team.email:
        return [team.email]
    skipped = {u.pk for u in skip if u is not None}
    return addresses_of(m for m in team.members.all() if m.pk not in skipped)


def notify_assignment(request: Request, *, assignee=None, team=None, actor=None, note: str = "") -> list[str]:
    """Tell whoever was just given the request (a person, a team), once, with its link. Nobody is told of
    a request they gave themselves. Returns the addresses told."""
    mails, told = [], []
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "request": request,
            "deadline": timezone.localtime(request.deadline),
            "url": _url(request),
            "actor": _name(actor),
            "note": note,
        }
        if assignee is not None and assignee != actor:
            to = addresses_of([assignee])
            if to:
                subject = _("[{reference}] A request is assigned to you: {subject}").format(
                    reference=request.reference, subject=request.subject
                )
                mails.append(_mail("assigned", subject, {**context, "to_name": _name(assignee)}, to))
                told += to
        if team is not None:
            # Whoever holds the request personally knows it already.
            to = [a for a in team_addresses(team, skip=[actor, request.assignee]) if a not in told]
            if to:
                subject = _("[{reference}] Request given to {team}: {subject}").format(
                    reference=request.reference, team=team.name, subject=request.subject
                )
                mails.append(_mail("assigned", subject, {**context, "team": team.name}, to))
                told += to
    _send_on_commit(mails)
    return told


def send_complaint_copy(request: Request, *, text: str, team=None, user=None, actor=None) -> list[str]:
    """Phase 3 of a complaint answered directly: the DSI team or person concerned gets a copy."""
    to = addresses_of([user]) if user is not None else []
    if team is not None:
        to = sorted(set(to) | set(team_addresses(team, skip=[actor])))
    if not to:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[{reference}] Copy of the answer to a complaint: {subject}").format(
            reference=request.reference, subject=request.subject
        )
        context = {"request": request, "text": text, "url": _url(request), "actor": _name(actor)}
        _send_on_commit([_mail("complaint_copy", subject, context, to)])
    return to


def remind_callback(request: Request, recipients: list[str]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[{reference}] Call the client back today: {subject}").format(
            reference=request.reference, subject=request.subject
        )
        context = {"request": request, "url": _url(request)}
        _send_on_commit([_mail("callback", subject, context, recipients)])


def relationship_managers_addresses() -> list[str]:
    users = get_user_model().objects.filter(groups__name=RELATIONSHIP_MANAGERS, is_active=True)
    return addresses_of(users)
