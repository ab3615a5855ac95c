"""The survey e-mails: the invitation and the reminder, each carrying the person's one-time link."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kpis.models import SurveyInvitation


def answer_url(invitation: SurveyInvitation) -> str:
    return settings.PORTAL_BASE_URL + reverse("kpis:survey_answer", args=[invitation.token])


def build_invitation_mail(invitation: SurveyInvitation, *, reminder: bool = False) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "survey": invitation.survey,
            "contact": invitation.contact,
            "request": invitation.request,
            "url": answer_url(invitation),
            "expires_at": timezone.localtime(invitation.expires_at) if invitation.expires_at else None,
            "reminder": reminder,
        }
        body = render_to_string("kpis/surveys/email/invitation.txt", context)
        if reminder:
            subject = _("Reminder: {title}").format(title=invitation.survey.title)
        elif invitation.request_id:
            subject = _("[{reference}] How did we do? One minute to tell us").format(
                reference=invitation.request.reference
            )
        else:
            subject = _("Your opinion counts: {title}").format(title=invitation.survey.title)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.contact.email],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
