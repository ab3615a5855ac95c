"""Background work of the operations app."""

from django.core.mail import send_mail
from django_tasks import task


@task()
def send_notification(subject: str, body: str, from_email: str, to: list[str]) -> int:
    """One notification e-mail, enqueued in the transaction that decided it: it leaves iff that
    transaction committed, and a worker lost while sending it runs it again (operations/queue.py)."""
    return send_mail(subject, body, from_email, to, fail_silently=False)
