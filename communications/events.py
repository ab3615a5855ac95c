"""Events (techday, training, open day): registration within the seats, a waiting list, the
confirmation with its .ics invitation, the reminder, and attendance, which counts as a contact met."""

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from communications.models import Event, Registration, RegistrationStatus
from directory.models import Contact
from home.exports import CalendarEvent, Person, ics_calendar

REMINDER_BEFORE = dt.timedelta(days=2)


class RegistrationError(Exception):
    pass


def taken_seats(event: Event) -> int:
    return event.registrations.filter(status=RegistrationStatus.REGISTERED).count()


def register(*, event: Event, contact: Contact) -> Registration:
    """A seat if one is free, else the waiting list; registering again changes nothing."""
    if not event.registration_open or event.starts_at <= timezone.now():
        raise RegistrationError(_("Registration for this event is closed."))
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)  # one seat count at a time
        existing = Registration.objects.filter(event=event, contact=contact).first()
        if existing and existing.status != RegistrationStatus.CANCELLED:
            return existing
        status = (
            RegistrationStatus.REGISTERED if taken_seats(event) < event.seats else RegistrationStatus.WAITING
        )
        if existing:
            existing.status, existing.registered_at, existing.reminded_at = status, timezone.now(), None
            existing.save(update_fields=["status", "registered_at", "reminded_at"])
            registration = existing
        else:
            registration = Registration.objects.create(event=event, contact=contact, status=status)
        _mail_on_commit(
            registration, "confirmation" if status == RegistrationStatus.REGISTERED else "waiting"
        )
    return registration


def cancel(*, registration: Registration) -> Registration | None:
    """Frees the seat; the first on the waiting list gets it (and is told). Returns who was promoted."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        was_registered = registration.status == RegistrationStatus.REGISTERED
        Registration.objects.filter(pk=registration.pk).update(status=RegistrationStatus.CANCELLED)
        if not was_registered or taken_seats(event) >= event.seats:
            return None
        promoted = (
            event.registrations.filter(status=RegistrationStatus.WAITING)
            .order_by("registered_at", "pk")
            .first()
        )
        if promoted:
            promoted.status = RegistrationStatus.REGISTERED
            promoted.save(update_fields=["status"])
            _mail_on_commit(promoted, "confirmation")
        return promoted


def _mail_on_commit(registration: Registration, kind: str) -> None:
    from communications.tasks import send_event_mail

    transaction.on_commit(lambda: send_event_mail.enqueue(registration.pk, kind))


def calendar_event(event: Event, contact: Contact) -> CalendarEvent:
    return CalendarEvent(
        uid=f"relais-dsi-event-{event.pk}@{settings.MAILBOX_ADDRESS.rpartition('@')[2]}",
        start=event.starts_at,
        end=event.ends_at,
        summary=event.title,
        location=event.location,
        description=event.description,
        organizer=Person("Relais DSI", settings.MAILBOX_ADDRESS),
        attendees=[Person(contact.full_name, contact.email)],
        partstat="ACCEPTED",
        rsvp=False,
    )


def build_registration_mail(registration: Registration, kind: str) -> EmailMultiAlternatives:
    event, contact = registration.event, registration.contact
    with translation.override(settings.LANGUAGE_CODE):
        subject = {
            "confirmation": _("Your registration: %(title)s"),
            "waiting": _("Waiting list: %(title)s"),
            "reminder": _("Reminder: %(title)s"),
        }[kind] % {"title": event.title}
        context = {
            "event": event,
            "contact": contact,
            "kind": kind,
            "starts_at": timezone.localtime(event.starts_at),
            "ends_at": timezone.localtime(event.ends_at),
        }
        body = render_to_string("communications/email/event.txt", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[contact.email],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    if kind != "waiting":
        message.attach("invitation.ics", ics_calendar([calendar_event(event, contact)]), "text/calendar")
    return message


def send_registration_mail(registration_id: int, kind: str) -> bool:
    """Sent unless the registration changed meanwhile (a confirmation for a seat no longer held)."""
    registration = Registration.objects.select_related("event", "contact").filter(pk=registration_id).first()
    expected = RegistrationStatus.WAITING if kind == "waiting" else RegistrationStatus.REGISTERED
    if registration is None or registration.status != expected:
        return False
    build_registration_mail(registration, kind).send()
    return True


def send_due_reminders(now: dt.datetime | None = None) -> int:
    """The reminder to each registered person of an event starting within two days, once."""
    now = now or timezone.now()
    due = Registration.objects.filter(
        status=RegistrationStatus.REGISTERED,
        reminded_at__isnull=True,
        event__starts_at__gt=now,
        event__starts_at__lte=now + REMINDER_BEFORE,
    ).select_related("event", "contact")
    sent = 0
    for registration in due:
        # Claimed first: a second worker (or a rerun) finds it reminded and skips it.
        if Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(reminded_at=now):
            build_registration_mail(registration, "reminder").send()
            sent += 1
    return sent


def record_attendance(*, event: Event, attended_ids: set[int], author=None) -> int:
    """Who came: attendance on the registrations, and an interaction per person present (a contact met,
    shown in the relationship timeline). Returns the number present."""
    from committees.models import Interaction, InteractionKind

    day = timezone.localdate(event.starts_at)
    note = _("Attended the event “%(title)s”") % {"title": event.title}
    present = 0
    with transaction.atomic():
        for registration in event.registrations.exclude(status=RegistrationStatus.CANCELLED):
            came = registration.pk in attended_ids
            if registration.attended != came:
                registration.attended = came
                registration.save(update_fields=["attended"])
            if came:
                present += 1
                Interaction.objects.get_or_create(
                    date=day,
                    kind=InteractionKind.RENDEZ_VOUS,
                    contact_id=registration.contact_id,
                    defaults={"note": note, "author": author},
                )
    return present


def event_measures(event_ids: list[int]) -> dict[int, dict]:
    from django.db.models import Count, Q

    rows = (
        Registration.objects.filter(event_id__in=event_ids)
        .values("event_id")
        .annotate(
            registered=Count("pk", filter=Q(status=RegistrationStatus.REGISTERED)),
            waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
            attended=Count("pk", filter=Q(attended=True)),
        )
    )
    result = {eid: {"registered": 0, "waiting": 0, "attended": 0} for eid in event_ids}
    for row in rows:
        result[row.pop("event_id")] = row
    return result
