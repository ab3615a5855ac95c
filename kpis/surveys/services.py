"""Writes of the survey engine: one function per state change, called by receivers, tasks, views and tests.

Sending rules: a post-request invitation is scheduled when a request is closed, sent after the survey's
delay only if the request is still closed, cancelled when the request is reopened, and skipped when the
contact already had a post-request survey in the last `contact_cap_days`. Campaigns (barometer,
catalogue) invite their audience at once and remind those who have not answered.
"""

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from directory.models import Contact
from kpis.models import (
    InvitationStatus,
    Survey,
    SurveyAnswer,
    SurveyFollowUp,
    SurveyInvitation,
    SurveyKind,
    SurveyScore,
    SurveyThemeComment,
    Theme,
)
from kpis.surveys import mail
from kpis.surveys.scoring import is_low

logger = logging.getLogger(__name__)

CLOSED = "closed"  # requests_box.models.Status.CLOSED
FOLLOW_UP_DAYS = 15  # as for complaints: call the client back about 15 days later
CAMPAIGN_KINDS = (SurveyKind.BAROMETRE, SurveyKind.CATALOGUE)


def new_token() -> str:
    """256 random bits, URL-safe: unguessable, and unique in practice (the column is unique anyway)."""
    return secrets.token_urlsafe(32)


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def _expiry(survey: Survey, sent_at: dt.datetime) -> dt.datetime:
    expires = sent_at + dt.timedelta(days=survey.link_valid_days)
    if survey.closes_on is not None:
        expires = min(expires, _end_of_day(survey.closes_on))
    return expires


# --- Audience --------------------------------------------------------------------------------------


def audience(survey: Survey, today: dt.date | None = None) -> QuerySet[Contact]:
    """The contacts a campaign invites: each filled criterion restricts (AND), its values widen (OR)."""
    today = today or timezone.localdate()
    contacts = Contact.objects.exclude(email="").filter(
        Q(is_active=True),
        Q(entity__active_from__isnull=True) | Q(entity__active_from__lte=today),
        Q(entity__active_until__isnull=True) | Q(entity__active_until__gt=today),
    )
    directorate_ids = list(survey.directorates.values_list("pk", flat=True))
    entity_ids = list(survey.entities.values_list("pk", flat=True))
    if directorate_ids:
        contacts = contacts.filter(entity__directorate_id__in=directorate_ids)
    if entity_ids:
        contacts = contacts.filter(entity_id__in=entity_ids)
    if survey.client_types:
        contacts = contacts.filter(entity__client_type__in=survey.client_types)
    if survey.segments:
        contacts = contacts.filter(entity__segment__in=survey.segments)
    if survey.roles:
        contacts = contacts.filter(role__in=survey.roles)
    return contacts.order_by("pk")


# --- Post-request surveys -----------------------------------------------------------------------------


def post_request_survey(today: dt.date) -> Survey | None:
    """The post-request survey in force: open today, the most recently opened first."""
    return (
        Survey.objects.filter(kind=SurveyKind.POST_DEMANDE)
        .filter(Q(opens_on__isnull=True) | Q(opens_on__lte=today))
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))
        .order_by("-opens_on", "-pk")
        .first()
    )


def _capped(contact_id: int, survey: Survey, at: dt.datetime, exclude_pk: int | None = None) -> bool:
    """True when the contact had (or is about to have) a post-request survey within the cap."""
    since = at - dt.timedelta(days=survey.contact_cap_days)
    others = SurveyInvitation.objects.filter(contact_id=contact_id, survey__kind=SurveyKind.POST_DEMANDE)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return others.filter(
        Q(status__in=[InvitationStatus.SENT, InvitationStatus.ANSWERED], sent_at__gt=since)
        | Q(status=InvitationStatus.PENDING)
    ).exists()


def schedule_post_request_survey(*, request, now: dt.datetime | None = None) -> SurveyInvitation | None:
    """Called when a request becomes closed: a pending invitation, due after the survey's delay."""
    now = now or timezone.now()
    survey = post_request_survey(timezone.localdate(now))
    contact = request.contact
    if survey is None or contact is None or not contact.email:
        return None
    existing = SurveyInvitation.objects.filter(request=request, status=InvitationStatus.PENDING).first()
    if existing is not None:
        return existing
    due_at = now + dt.timedelta(hours=survey.send_delay_hours)
    invitation = SurveyInvitation(
        survey=survey,
        contact=contact,
        entity_id=contact.entity_id,
        request=request,
        token=new_token(),
        due_at=due_at,
    )
    if _capped(contact.pk, survey, due_at):
        invitation.status = InvitationStatus.SKIPPED
        invitation.status_reason = "contact_cap"
    invitation.save()
    if invitation.status == InvitationStatus.PENDING:
        transaction.on_commit(lambda: _defer_send(invitation))
    return invitation


def _defer_send(invitation: SurveyInvitation) -> None:
    """Enqueue the sending at its due time when the backend can defer; otherwise the periodic run sends it."""
    from kpis.surveys import tasks

    backend = tasks.send_invitation.get_backend()
    if backend.supports_defer:
        tasks.send_invitation.using(run_after=invitation.due_at).enqueue(invitation.pk)


def cancel_post_request_survey(*, request) -> int:
    """Called when a request is reopened: its pending invitation is cancelled (a sent one stays)."""
    return SurveyInvitation.objects.filter(request=request, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.CANCELLED, status_reason="reopened"
    )


# --- Sending -----------------------------------------------------------------------------------------


def _skip(invitation: SurveyInvitation, reason: str) -> bool:
    invitation.status = InvitationStatus.SKIPPED
    invitation.status_reason = reason
    invitation.save(update_fields=["status", "status_reason"])
    return False


def send_invitation(invitation_id: int, now: dt.datetime | None = None) -> bool:
    """Send one due invitation, re-checking the rules at send time; True when a mail left."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = (
            SurveyInvitation.objects.select_for_update()
            .filter(pk=invitation_id, status=InvitationStatus.PENDING, due_at__lte=now)
            .first()
        )
        if invitation is None:
            return False
        invitation = SurveyInvitation.objects.select_related("survey", "contact", "request").get(
            pk=invitation.pk
        )
        survey = invitation.survey
        if not survey.is_open_on(timezone.localdate(now)):
            return _skip(invitation, "survey_closed")
        if invitation.request_id is not None:
            if invitation.request.status != CLOSED:
                return _skip(invitation, "not_closed")
            if _capped(invitation.contact_id, survey, now, exclude_pk=invitation.pk):
                return _skip(invitation, "contact_cap")
        invitation.status = InvitationStatus.SENT
        invitation.sent_at = now
        invitation.expires_at = _expiry(survey, now)
        invitation.save(update_fields=["status", "sent_at", "expires_at"])
        # Sent inside the transaction: if the SMTP server refuses, the invitation stays pending.
        mail.build_invitation_mail(invitation).send(fail_silently=False)
    return True


def send_due_invitations(now: dt.datetime | None = None) -> int:
    """Send every invitation whose time has come; one failure does not stop the others."""
    now = now or timezone.now()
    due = SurveyInvitation.objects.filter(status=InvitationStatus.PENDING, due_at__lte=now)
    sent = 0
    for invitation_id in due.order_by("due_at", "pk").values_list("pk", flat=True):
        try:
            sent += send_invitation(invitation_id, now)
        except Exception:
            logger.exception("Survey invitation %s could not be sent", invitation_id)
    return sent


# --- Campaigns ---------------------------------------------------------------------------------------


def invite_audience(survey: Survey, now: dt.datetime | None = None) -> int:
    """Create the campaign's invitations for its audience (those already invited keep theirs)."""
    if survey.kind not in CAMPAIGN_KINDS:
        raise ValueError("only barometer and catalogue surveys are sent to an audience")
    now = now or timezone.now()
    invited = set(survey.invitations.filter(request__isnull=True).values_list("contact_id", flat=True))
    new = [
        SurveyInvitation(survey=survey, contact_id=pk, entity_id=entity_id, token=new_token(), due_at=now)
        for pk, entity_id in audience(survey, timezone.localdate(now)).values_list("pk", "entity_id")
        if pk not in invited
    ]
    SurveyInvitation.objects.bulk_create(new, batch_size=500)
    return len(new)


def send_reminders(now: dt.datetime | None = None) -> int:
    """Remind those who have not answered a campaign, at the survey's reminder days after sending."""
    now = now or timezone.now()
    candidates = (
        SurveyInvitation.objects.filter(
            status=InvitationStatus.SENT,
            request__isnull=True,
            expires_at__gt=now,
            survey__kind__in=CAMPAIGN_KINDS,
        )
        .select_related("survey", "contact")
        .order_by("pk")
    )
    reminded = 0
    for invitation in candidates:
        schedule = invitation.survey.reminder_schedule
        if invitation.reminders_sent >= len(schedule):
            continue
        if invitation.sent_at + dt.timedelta(days=schedule[invitation.reminders_sent]) > now:
            continue
        with transaction.atomic():
            # Counted first, under the row's condition: a parallel run cannot send the same reminder twice.
            claimed = SurveyInvitation.objects.filter(
                pk=invitation.pk, status=InvitationStatus.SENT, reminders_sent=invitation.reminders_sent
            ).update(reminders_sent=invitation.reminders_sent + 1)
            if not claimed:
                continue
            try:
                mail.build_invitation_mail(invitation, reminder=True).send(fail_silently=False)
            except Exception:
                logger.exception("Survey reminder %s could not be sent", invitation.pk)
                transaction.set_rollback(True)
                continue
        reminded += 1
    return reminded


# --- Answering ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkState:
    invitation: SurveyInvitation | None
    state: str  # "open", "answered", "expired", "unknown"


def link_state(token: str, now: dt.datetime | None = None) -> LinkState:
    now = now or timezone.now()
    invitation = (
        SurveyInvitation.objects.select_related("survey", "request").filter(token=token).first()
        if token
        else None
    )
    if invitation is None or invitation.status in (InvitationStatus.PENDING, InvitationStatus.CANCELLED):
        return LinkState(None, "unknown")
    if invitation.status == InvitationStatus.ANSWERED:
        return LinkState(invitation, "answered")
    if invitation.status != InvitationStatus.SENT or (invitation.expires_at and invitation.expires_at <= now):
        return LinkState(invitation, "expired")
    if invitation.survey.closes_on and timezone.localdate(now) > invitation.survey.closes_on:
        return LinkState(invitation, "expired")
    return LinkState(invitation, "open")


def submit_answer(
    *,
    token: str,
    nps: int | None,
    csat: int | None,
    comment: str = "",
    choices: list[str] | None = None,
    scores: dict[int, int] | None = None,
    theme_comments: dict[str, str] | None = None,
    now: dt.datetime | None = None,
) -> tuple[str, SurveyAnswer | None]:
    """Store the answer of a one-time link, once: ("saved", answer) or (state, None) when refused.

    `scores` ({question id: value}) and `theme_comments` ({theme: text}) answer the themed questions;
    a score for a question of another survey, or outside its question's scale, is refused (ValueError).

    The invitation is claimed by a conditional UPDATE (sent -> answered) in the answer's transaction:
    of two simultaneous submits, one claims it and the other updates no row and stores nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        link = link_state(token, now)
        if link.state != "open":
            return link.state, None
        invitation = link.invitation
        claimed = SurveyInvitation.objects.filter(pk=invitation.pk, status=InvitationStatus.SENT).update(
            status=InvitationStatus.ANSWERED
        )
        if not claimed:
            return "answered", None
        survey = invitation.survey
        contact = Contact.objects.only("pk", "entity_id").get(pk=invitation.contact_id)
        anonymous = survey.anonymous
        answered_at = now
        if anonymous:
            # The day only: an exact time could be matched against the invitation's mails.
            answered_at = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time.min))
        answer = SurveyAnswer.objects.create(
            survey=survey,
            kind=survey.kind,
            answered_at=answered_at,
            contact=None if anonymous else contact,
            entity_id=contact.entity_id,
            request=None if anonymous else invitation.request,
            nps=nps if survey.ask_nps else None,
            csat=csat if survey.ask_csat else None,
            comment=comment.strip(),
            choices=[choice for choice in (choices or []) if choice in survey.options],
        )
        record_themed_answers(answer, scores=scores or {}, theme_comments=theme_comments or {})
        if survey.kind == SurveyKind.POST_DEMANDE and is_low(answer.nps, answer.csat):
            create_follow_up(
                answer, request=None if anonymous else invitation.request, today=timezone.localdate(now)
            )
    return "saved", answer


def record_themed_answers(
    answer: SurveyAnswer, *, scores: dict[int, int], theme_comments: dict[str, str]
) -> None:
    """The scores of the themed questions and the comments per theme of one answer."""
    if not scores and not theme_comments:
        return
    questions = {question.pk: question for question in answer.survey.questions.all()}
    rows = []
    for question_id, value in scores.items():
        question = questions.get(question_id)
        if question is None or value not in question.values:
            raise ValueError(f"score {value!r} for question {question_id} is not on the survey's scale")
        rows.append(SurveyScore(answer=answer, question=question, value=value))
    SurveyScore.objects.bulk_create(rows)
    asked = {question.theme for question in questions.values()}
    comments = [
        SurveyThemeComment(answer=answer, theme=theme, text=text.strip()[:2000])
        for theme, text in theme_comments.items()
        if theme in Theme.values and theme in asked and text.strip()
    ]
    SurveyThemeComment.objects.bulk_create(comments)


def create_follow_up(answer: SurveyAnswer, *, request=None, today: dt.date | None = None) -> SurveyFollowUp:
    """A low score after a request: the relationship manager calls back and checks satisfaction again."""
    today = today or timezone.localdate()
    scores = ", ".join(
        part
        for part in (
            f"NPS {answer.nps}" if answer.nps is not None else "",
            f"CSAT {answer.csat}/5" if answer.csat is not None else "",
        )
        if part
    )
    reference = f"{request.reference} · " if request is not None else ""
    return SurveyFollowUp.objects.create(
        survey_id=answer.survey_id,
        answer=answer,
        contact_id=answer.contact_id,
        entity_id=answer.entity_id,
        request=request,
        reason=f"{reference}{scores}"[:200],
        due_on=today + dt.timedelta(days=FOLLOW_UP_DAYS),
    )


def complete_follow_up(
    *, follow_up: SurveyFollowUp, user, note: str = "", now: dt.datetime | None = None
) -> None:
    follow_up.done_at = now or timezone.now()
    follow_up.done_by = user
    follow_up.note = note
    follow_up.save(update_fields=["done_at", "done_by", "note"])
