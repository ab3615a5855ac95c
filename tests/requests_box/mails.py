"""Small builders of raw mail bytes for the tests."""

import itertools
from email.message import EmailMessage
from email.utils import format_datetime

from django.utils import timezone

_ids = itertools.count(1)


def build_mail(
    *,
    sender: str = "alice@groupe-aurelia.fr",
    to: str = "relais-dsi@groupe-aurelia.fr",
    subject: str = "Accès à l'application de paie",
    body: str = "Bonjour,\nje n'arrive plus à me connecter.\nMerci",
    html: str | None = None,
    message_id: str | None = "auto",
    headers: dict | None = None,
    attachments: list[tuple[str, str, bytes]] = (),
    date=None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date or timezone.now())
    if message_id == "auto":
        message_id = f"<test-{next(_ids)}-{timezone.now().timestamp()}@client.example>"
    if message_id:
        msg["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()
