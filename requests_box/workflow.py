"""The relationship manager's work on a request: status lifecycle, qualification, assignment, answers,
notes, complaint phases and the deadline clock. Every change goes through here.

Every status transition goes through ``change_status``, which saves and then sends
``request_status_changed`` (the contract with the surveys). Every change takes the request's
``version`` the user saw: when someone else changed the request meanwhile, ``StaleRequest`` is raised
and nothing is written (optimistic concurrency).
"""

import datetime as dt
from contextlib import contextmanager
from email.utils import make_msgid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from requests_box.deadlines import compute_deadline
from requests_box.files import store_attachments
from requests_box.history import record_event
from requests_box.models import (
    Direction,
    EventKind,
    Grievance,
    Kind,
    Message,
    Request,
    ResponseType,
    Status,
)
from requests_box.signals import request_status_changed

WARNING_RATIO = 0.75
CALLBACK_DAYS = 15

ALLOWED = {
    Status.NEW: {
        Status.QUALIFIED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.WAITING_CLIENT,
        Status.RESOLVED,
        Status.CANCELLED,
    },
    Status.QUALIFIED: {
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.WAITING_CLIENT,
        Status.RESOLVED,
        Status.CANCELLED,
    },
    Status.ASSIGNED: {
        Status.QUALIFIED,
        Status.IN_PROGRESS,
        Status.WAITING_CLIENT,
        Status.RESOLVED,
        Status.CANCELLED,
    },
    Status.IN_PROGRESS: {Status.ASSIGNED, Status.WAITING_CLIENT, Status.RESOLVED, Status.CANCELLED},
    Status.WAITING_CLIENT: {Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELLED},
    Status.RESOLVED: {Status.CLOSED, Status.REOPENED},
    Status.CLOSED: {Status.REOPENED},
    Status.REOPENED: {
        Status.QUALIFIED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.WAITING_CLIENT,
        Status.RESOLVED,
        Status.CANCELLED,
    },
    Status.CANCELLED: set(),
}
# Only the client cancels (client_actions.cancel_request); only a relationship manager closes or reopens
# from the request page (the client reopens through client_actions.reopen_request).
CLIENT_ONLY = {Status.CANCELLED}
MANAGER_ONLY = {Status.CLOSED, Status.REOPENED}


class StaleRequest(ValidationError):
    """Someone else changed the request since it was displayed."""

    def __init__(self, request: Request):
        super().__init__(
            _("%(ref)s was changed by someone else meanwhile; review it and apply your change again.")
            % {"ref": request.reference}
        )
        self.current = request


@contextmanager
def portal_language():
    """History, stored texts and mails are written in the portal's language (French), whoever acts and
    in whatever language their screen is: a French reader never finds English in them."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


# -- the deadline clock


def set_clock(request: Request) -> None:
    """Warning at 75 % of the allowed time, the time waited for the client not counted."""
    paused = dt.timedelta(seconds=request.paused_seconds)
    allowed = request.deadline - request.received_at - paused
    request.warning_at = request.received_at + paused + allowed * WARNING_RATIO


def commitment_days(service_id: int | None) -> int | None:
    """The response commitment (business days) of the request's service, if it has one."""
    if service_id is None:
        return None
    from catalogue.models import ServicePage

    return ServicePage.objects.filter(pk=service_id).values_list("commitment_delay_days", flat=True).first()


def matrix_deadline(request: Request) -> dt.datetime:
    """The deadline by the matrix (or the service's sooner commitment), moved later by the time already
    waited for the client."""
    base = compute_deadline(
        urgent=request.urgent,
        important=request.important,
        requested=request.requested_deadline,
        received_at=request.received_at,
        commitment_days=commitment_days(request.service_id),
    )
    return base + dt.timedelta(seconds=request.paused_seconds)


def _lock(request: Request, version: int | None) -> Request:
    # No join: every state change starts here, and a service is a Wagtail page (two wide tables).
    # The few changes that show the old entity or service load it when they need it.
    current = Request.objects.select_for_update().get(pk=request.pk)
    if version is not None and current.version != version:
        raise StaleRequest(current)
    return current


def _save(request: Request, fields: set[str]) -> None:
    request.version += 1
    request.save(update_fields=sorted(fields | {"version", "updated"}))


# -- the status lifecycle


@transaction.atomic
def change_status(
    request: Request,
    new_status: str,
    *,
    actor=None,
    version: int | None = None,
    response_type: str = "",
    detail: str = "",
    now: dt.datetime | None = None,
) -> Request:
    """The one way to move a request from one status to another; sends ``request_status_changed``."""
    now = now or timezone.now()
    current = _lock(request, version)
    old = current.status
    if new_status == old:
        return current
    if new_status not in ALLOWED[Status(old)]:
        raise ValidationError(
            _("A request cannot go from “%(old)s” to “%(new)s”.")
            % {"old": Status(old).label, "new": Status(new_status).label}
        )
    fields = {"status"}
    if old == Status.WAITING_CLIENT and current.waiting_since:
        # The clock resumes: the deadline moves later by the time waited.
        waited = max(now - current.waiting_since, dt.timedelta(0))
        current.paused_seconds += int(waited.total_seconds())
        current.deadline += dt.timedelta(seconds=int(waited.total_seconds()))
        current.waiting_since = None
        set_clock(current)
        fields |= {"paused_seconds", "deadline", "waiting_since", "warning_at"}
    if new_status == Status.WAITING_CLIENT:
        current.waiting_since = now
        fields.add("waiting_since")
    if new_status == Status.RESOLVED:
        if response_type not in ResponseType.values:
            raise ValidationError(_("Record the type of answer given to resolve the request."))
        current.response_type = response_type
        current.resolved_at = now
        # The clock's pauses are already in the deadline (moved later when the waiting ended, above).
        current.deadline_met = now <= current.deadline
        fields |= {"response_type", "resolved_at", "deadline_met"}
        if current.kind == Kind.RECLAMATION and current.serious:
            current.callback_due = (timezone.localtime(now) + dt.timedelta(days=CALLBACK_DAYS)).date()
            fields.add("callback_due")
    if new_status == Status.CLOSED:
        if current.kind == Kind.RECLAMATION and current.satisfaction_checked_at is None:
            raise ValidationError(_("A complaint is closed only once the re-satisfaction check is recorded."))
        current.closed_at = now
        fields.add("closed_at")
    if new_status == Status.CANCELLED:
        current.closed_at = now
        current.waiting_since = None
        fields |= {"closed_at", "waiting_since"}
    if new_status == Status.REOPENED:
        current.resolved_at = current.closed_at = current.callback_due = current.deadline_met = None
        current.response_type = ""
        current.warning_notified_at = current.breach_notified_at = None
        # A fresh deadline from now, by the matrix (a date the client asked for that is past no longer
        # holds): reopening a late request does not make it late at once.
        requested = current.requested_deadline
        if requested is not None and requested < timezone.localtime(now).date():
            requested = None
        current.deadline = compute_deadline(
            urgent=current.urgent,
            important=current.important,
            requested=requested,
            received_at=now,
            commitment_days=commitment_days(current.service_id),
        )
        current.warning_at = now + (current.deadline - now) * WARNING_RATIO
        fields |= {
            "resolved_at",
            "deadline_met",
            "closed_at",
            "callback_due",
            "response_type",
            "warning_notified_at",
            "breach_notified_at",
            "deadline",
            "warning_at",
        }
    current.status = new_status
    _save(current, fields)
    with portal_language():
        text = f"{Status(old).label} → {Status(new_status).label}"
        if response_type and new_status == Status.RESOLVED:
            text += f" ({ResponseType(response_type).label})"
        if new_status == Status.REOPENED:
            text += ". " + _("New deadline: %(when)s") % {"when": _show(current.deadline)}
    record_event(current, EventKind.STATUS, actor=actor, detail=f"{text}. {detail}".strip(" ."), at=now)
    request_status_changed.send(
        sender=Request, request=current, old_status=old, new_status=new_status, actor=actor
    )
    return current


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _show(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


@transaction.atomic
def qualify(
    request: Request,
    *,
    actor,
    version: int | None = None,
    kind: str | None = None,
    service=...,
    urgent: bool | None = None,
    important: bool | None = None,
    requested_deadline=...,
    entity=...,
    cause=...,
    serious: bool | None = None,
    founded=...,
    grievance: str | None = None,
    event_kind: str = EventKind.QUALIFIED,
    now: dt.datetime | None = None,
) -> Request:
    """Set the type, service, urgency, importance, entity (and a complaint's codification: cause,
    founded or not, nature of the grievance, seriousness); the deadline follows the matrix. Only what is
    given changes; the history says what changed, in the portal's language."""
    with portal_language():
        return _qualify(
            request,
            actor=actor,
            version=version,
            kind=kind,
            service=service,
            urgent=urgent,
            important=important,
            requested_deadline=requested_deadline,
            entity=entity,
            cause=cause,
            serious=serious,
            founded=founded,
            grievance=grievance,
            event_kind=event_kind,
            now=now,
        )


def _qualify(
    request, *, actor, version, kind, service, urgent, important, requested_deadline, entity, cause,
    serious, founded, grievance, event_kind, now,
) -> Request:  # fmt: skip
    current = _lock(request, version)
    changes, fields = [], set()

    def change(field, value, label, shown=None):
        old = getattr(current, field)
        if old != value:
            changes.append(
                _("%(field)s: %(old)s → %(new)s")
                % {
                    "field": label,
                    "old": _show(shown(old) if shown else old),
                    "new": _show(shown(value) if shown else value),
                }
            )
            setattr(current, field, value)
            fields.add(field)

    if kind is not None:
        change("kind", kind, _("type"), lambda v: Kind(v).label if v else "")
    if service is not ...:
        change("service", service, _("service"))
    if urgent is not None:
        change("urgent", urgent, _("urgent"))
    if important is not None:
        change("important", important, _("important"))
    if requested_deadline is not ...:
        change("requested_deadline", requested_deadline, _("deadline asked by the client"))
    if entity is not ...:
        change("entity", entity, _("entity"))
    if cause is not ...:
        change("cause", cause, _("cause"))
    if serious is not None:
        change("serious", serious, _("serious complaint"))
    if founded is not ...:
        change("founded", founded, _("founded complaint"))
    if grievance is not None:
        change(
            "grievance", grievance, _("nature of the grievance"), lambda v: Grievance(v).label if v else ""
        )
    qualifying = event_kind == EventKind.QUALIFIED and current.status == Status.NEW
    # Once qualified, the matrix gives the deadline (before, the client's date or one week).
    # A new service brings its own response commitment (before qualification, the first deadline holds).
    service_changed = "service" in fields and current.status != Status.NEW
    if fields & {"urgent", "important", "requested_deadline"} or qualifying or service_changed:
        change("deadline", matrix_deadline(current), _("deadline"))
        set_clock(current)
        fields.add("warning_at")
    if not fields - {"warning_at"}:
        return change_status(current, Status.QUALIFIED, actor=actor, now=now) if qualifying else current
    _save(current, fields)
    record_event(current, event_kind, actor=actor, detail="; ".join(changes), at=now)
    if current.status == Status.NEW and event_kind == EventKind.QUALIFIED:
        current = change_status(current, Status.QUALIFIED, actor=actor, now=now)
    if "deadline" in fields and _client_was_promised_another_date(current):
        reply_to_client(current, actor=actor, text=_new_deadline_text(current))
        current = Request.objects.get(pk=current.pk)
    return current


def _client_was_promised_another_date(request: Request) -> bool:
    """A complaint's acknowledgement states a deadline (phase 1); when codifying it changes that date
    (urgent and important: 24 hours), the client is told the new one."""
    return (
        request.kind == Kind.RECLAMATION
        and bool(request.sender_email)
        and request.events.filter(kind=EventKind.ACKNOWLEDGED).exists()
    )


def _new_deadline_text(request: Request) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "Hello,\n\nYour complaint {reference} (“{subject}”) has been examined. We commit to answering "
            "you by {deadline} at the latest.\n\nThe IT department's client relations"
        ).format(reference=request.reference, subject=request.subject, deadline=_show(request.deadline))


@transaction.atomic
def assign(
    request: Request,
    *,
    actor,
    assignee=...,
    team=...,
    version: int | None = None,
    detail: str = "",
    notify: bool = True,
    now: dt.datetime | None = None,
) -> Request:
    """Give the request to a person and/or a team (``...``: leave as it is, ``None``: nobody).

    Whoever is newly given the request is told by e-mail, once, with its link (a team at its address,
    or each of its members when it has none); nobody is told of what they gave themselves."""
    current = _lock(request, version)
    changes, fields = [], set()

    def name(user):
        return (user.get_full_name() or user.username) if user else "—"

    with portal_language():
        if assignee is not ... and current.assignee_id != (assignee.pk if assignee else None):
            changes.append(
                _("%(field)s: %(old)s → %(new)s")
                % {"field": _("assignee"), "old": name(current.assignee), "new": name(assignee)}
            )
            current.assignee = assignee
            fields.add("assignee")
        if team is not ... and current.team_id != (team.pk if team else None):
            old_team = current.team
            changes.append(
                _("team: %(old)s → %(new)s") % {"old": old_team.name if old_team else "—", "new": team or "—"}
            )
            current.team = team
            fields.add("team")
    if not fields:
        return current
    _save(current, fields)
    record_event(
        current, EventKind.ASSIGNED, actor=actor, detail=f"{'; '.join(changes)}. {detail}".strip(" ."), at=now
    )
    given = current.assignee_id or current.team_id
    if given and current.status in (Status.NEW, Status.QUALIFIED, Status.REOPENED):
        current = change_status(current, Status.ASSIGNED, actor=actor, now=now)
    if notify:
        from requests_box.notifications import notify_assignment

        told = notify_assignment(
            current,
            assignee=current.assignee if "assignee" in fields else None,
            team=current.team if "team" in fields else None,
            actor=actor,
            note=detail,
        )
        if told:
            record_event(current, EventKind.NOTIFIED, actor=actor, detail=", ".join(told), at=now)
    return current


@transaction.atomic
def update_request(
    request: Request,
    *,
    actor,
    version: int | None,
    qualification: dict,
    assignment: dict | None = None,
) -> tuple[Request, bool]:
    """The request page's one save: qualification (and, for a relationship manager, assignment) in one
    transaction, against the version the user saw. Returns the request and whether anything changed."""
    current = _lock(request, version)
    before = current.version
    current = qualify(current, actor=actor, **qualification)
    if assignment:
        current = assign(current, actor=actor, **assignment)
    return current, current.version != before


def preview_deadline(request: Request, *, urgent: bool, important: bool, requested) -> dt.datetime:
    """The deadline the matrix would give the request with this urgency, importance and asked date:
    the same computation as saving the qualification (for the request page's live preview)."""
    probe = Request(
        received_at=request.received_at,
        urgent=urgent,
        important=important,
        requested_deadline=requested,
        paused_seconds=request.paused_seconds,
        service_id=request.service_id,
    )
    return matrix_deadline(probe)


# -- answers and notes


def _domain() -> str:
    return settings.MAILBOX_ADDRESS.rsplit("@", 1)[-1] or "relais-dsi.invalid"


@transaction.atomic
def reply_to_client(request: Request, *, actor, text: str, files=(), version: int | None = None) -> Message:
    """An answer by e-mail from the portal; the subject carries the reference so the client's reply
    threads back into the request."""
    current = _lock(request, version)
    if not current.sender_email:
        raise ValidationError(_("This request has no e-mail address to answer to."))
    if not text.strip():
        raise ValidationError(_("Write the answer."))
    last = current.messages.filter(direction=Direction.INBOUND).exclude(message_id="").order_by("-pk").first()
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[{reference}] Re: {subject}").format(
            reference=current.reference, subject=current.subject
        )
    message = Message.objects.create(
        request=current,
        direction=Direction.OUTBOUND,
        channel="email",
        message_id=make_msgid(domain=_domain()),
        sender=settings.DEFAULT_FROM_EMAIL[:255],
        subject=" ".join(subject.split())[:255],
        headers=f"In-Reply-To: {last.message_id}" if last else "",
        text=text.strip(),
        author=actor,
    )
    store_attachments(message, files)
    _save(current, set())
    record_event(current, EventKind.ANSWERED, actor=actor, detail=current.sender_email)
    from requests_box.tasks import send_reply

    send_reply.enqueue(message.pk)
    return message


def build_reply(message: Message) -> EmailMessage:
    request = message.request
    headers = {"Message-ID": message.message_id, settings.MAILBOX_LOOP_HEADER: settings.MAILBOX_ADDRESS}
    if message.headers.startswith("In-Reply-To: "):
        parent = message.headers.removeprefix("In-Reply-To: ").strip()
        headers["In-Reply-To"] = headers["References"] = parent
    mail = EmailMessage(
        subject=message.subject,
        body=message.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[request.sender_email],
        reply_to=[settings.MAILBOX_ADDRESS],
        headers=headers,
    )
    for attachment in message.attachments.all():
        with attachment.file.open("rb") as handle:
            mail.attach(attachment.original_name, handle.read(), attachment.content_type)
    return mail


@transaction.atomic
def add_note(request: Request, *, actor, text: str, files=()) -> Message:
    """An internal note: seen by the DSI only, never sent, never shown to the client."""
    if not text.strip():
        raise ValidationError(_("Write the note."))
    message = Message.objects.create(
        request=request,
        direction=Direction.NOTE,
        channel="intranet",
        sender=(actor.get_full_name() or actor.username)[:255],
        text=text.strip(),
        author=actor,
    )
    store_attachments(message, files)
    record_event(request, EventKind.NOTE, actor=actor)
    return message


def client_replied(request: Request) -> None:
    """A message from the client restarts the clock of a request waiting for them."""
    if request.status == Status.WAITING_CLIENT:
        with portal_language():
            detail = _("the client answered")
        change_status(request, Status.IN_PROGRESS, actor=None, detail=detail)


# -- deadline warnings and breaches, notified once


def _managers_emails() -> list[str]:
    from requests_box.notifications import relationship_managers_addresses

    return relationship_managers_addresses()


@transaction.atomic
def check_deadlines(now: dt.datetime | None = None) -> dict[str, int]:
    """Notify, once each, the requests that reached 75 % of their time and those past their deadline."""
    now = now or timezone.now()
    open_ = Request.objects.exclude(
        status__in=[Status.RESOLVED, Status.CLOSED, Status.CANCELLED, Status.WAITING_CLIENT]
    )
    breaches = list(
        open_.filter(deadline__lte=now, breach_notified_at__isnull=True).select_related("assignee")
    )
    warnings = list(
        open_.filter(warning_at__lte=now, deadline__gt=now, warning_notified_at__isnull=True).select_related(
            "assignee"
        )
    )
    managers = None
    mails = []
    counts = {"breach": len(breaches), "warning": len(warnings)}
    with translation.override(settings.LANGUAGE_CODE):
        for kind, items in (("breach", breaches), ("warning", warnings)):
            for item in items:
                field = "breach_notified_at" if kind == "breach" else "warning_notified_at"
                # Claimed under the row's condition: of two checks running at once, one notifies.
                if not Request.objects.filter(pk=item.pk, **{f"{field}__isnull": True}).update(
                    **{field: now}
                ):
                    counts[kind] -= 1
                    continue
                if item.assignee and item.assignee.email:
                    to = [item.assignee.email]
                else:
                    managers = managers if managers is not None else _managers_emails()
                    to = managers
                title = (
                    _("[{reference}] Deadline passed: {subject}")
                    if kind == "breach"
                    else _("[{reference}] Deadline approaching: {subject}")
                ).format(reference=item.reference, subject=item.subject)
                body = _("Answer deadline: {deadline}\n{url}").format(
                    deadline=_show(item.deadline), url=settings.PORTAL_BASE_URL + item.get_absolute_url()
                )
                if to:
                    mails.append((" ".join(title.split()), body, settings.DEFAULT_FROM_EMAIL, to))
                record_event(
                    item,
                    EventKind.BREACH if kind == "breach" else EventKind.WARNING,
                    detail=", ".join(to),
                    at=now,
                )
    from operations.tasks import send_notification
    from requests_box.complaints import remind_callbacks

    for mail in mails:  # queued in this transaction: sent iff the notice is recorded, even if we die now
        send_notification.enqueue(*mail)
    callbacks = remind_callbacks(now)
    return {"warnings": counts["warning"], "breaches": counts["breach"], "callbacks": callbacks}
