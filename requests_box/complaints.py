"""A complaint's own steps (complaint method, seed 001): forwarding it to the DSI team or person
concerned, or answering it and sending them a copy (phase 3); the re-satisfaction check and the
call-back 15 days after resolution, with its reminder (phase 4)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.selectors import relationship_manager_for
from requests_box import notifications
from requests_box.models import EventKind, Kind, Message, Request, Status
from requests_box.services import record_event
from requests_box.workflow import _lock, _save, assign, portal_language, reply_to_client


def _recipient_name(team, user) -> str:
    names = [team.name if team else "", (user.get_full_name() or user.username) if user else ""]
    return " · ".join(name for name in names if name)


def _check_complaint(request: Request, team, user) -> None:
    if request.kind != Kind.RECLAMATION:
        raise ValidationError(_("Only a complaint is forwarded or copied this way."))
    if team is None and user is None:
        raise ValidationError(_("Choose the DSI team or the person concerned."))


@transaction.atomic
def forward_complaint(
    request: Request,
    *,
    actor,
    team=None,
    user=None,
    version: int | None = None,
    note: str = "",
    notify: bool = True,
    now: dt.datetime | None = None,
) -> Request:
    """Give the complaint to the DSI team or person concerned: the request goes into their queue and
    they are told by e-mail (with the note), as for any assignment."""
    current = _lock(request, version)
    _check_complaint(current, team, user)
    current.forwarded_team, current.forwarded_user = team, user
    _save(current, {"forwarded_team", "forwarded_user"})
    with portal_language():
        detail = f"{_recipient_name(team, user)}. {note}".strip(" .")
    record_event(current, EventKind.FORWARDED, actor=actor, detail=detail, at=now)
    return assign(
        current,
        actor=actor,
        assignee=user if user is not None else ...,
        team=team if team is not None else ...,
        detail=note,
        notify=notify,
        now=now,
    )


@transaction.atomic
def answer_with_copy(
    request: Request, *, actor, text: str, team=None, user=None, files=(), version: int | None = None
) -> Message:
    """Answer the client directly, and send the DSI team or person concerned a copy of the answer."""
    current = _lock(request, version)
    _check_complaint(current, team, user)
    message = reply_to_client(current, actor=actor, text=text, files=files)
    current = Request.objects.get(pk=current.pk)
    current.forwarded_team, current.forwarded_user = team, user
    _save(current, {"forwarded_team", "forwarded_user"})
    told = notifications.send_complaint_copy(current, text=message.text, team=team, user=user, actor=actor)
    with portal_language():
        detail = f"{_recipient_name(team, user)} ({', '.join(told) or '—'})"
    record_event(current, EventKind.COPIED, actor=actor, detail=detail)
    return message


@transaction.atomic
def record_satisfaction(
    request: Request, *, actor, note: str, version: int | None = None, now: dt.datetime | None = None
) -> Request:
    current = _lock(request, version)
    if current.status not in (Status.RESOLVED, Status.CLOSED):
        raise ValidationError(_("Check the client's satisfaction once the complaint is resolved."))
    if not note.strip():
        raise ValidationError(_("Say what the client told you."))
    current.satisfaction_checked_at = now or timezone.now()
    current.satisfaction_note = note.strip()
    _save(current, {"satisfaction_checked_at", "satisfaction_note"})
    record_event(current, EventKind.SATISFACTION, actor=actor, detail=note.strip()[:500], at=now)
    return current


def _callback_recipients(request: Request, managers: list[str]) -> list[str]:
    """The relationship manager of the client's directorate, else whoever handled it, else all of them."""
    for user in (relationship_manager_for(request.entity), request.assignee):
        if user is not None and user.is_active and user.email:
            return [user.email]
    return managers


@transaction.atomic
def remind_callbacks(now: dt.datetime | None = None) -> int:
    """On the call-back day, tell (once) whoever calls the client back. Returns how many were reminded."""
    now = now or timezone.now()
    due = list(
        Request.objects.select_for_update(of=("self",))
        .filter(
            kind=Kind.RECLAMATION,
            callback_due__lte=timezone.localtime(now).date(),
            callback_reminded_at__isnull=True,
            satisfaction_checked_at__isnull=True,
            status__in=[Status.RESOLVED, Status.CLOSED],
        )
        .select_related(
            "entity__directorate__relationship_manager",
            "entity__directorate__backup_relationship_manager",
            "assignee",
        )
    )
    managers = None
    for item in due:
        if managers is None:
            managers = notifications.relationship_managers_addresses()
        to = _callback_recipients(item, managers)
        if to:
            notifications.remind_callback(item, to)
        Request.objects.filter(pk=item.pk).update(callback_reminded_at=now)
        record_event(item, EventKind.CALLBACK, detail=", ".join(to), at=now)
    return len(due)
