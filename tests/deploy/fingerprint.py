"""Printed by `manage.py shell` before a backup and after its restore (tests/deploy): what must come back.

Requests with their messages, attachments with the SHA-256 of their files as read through the
storage, raw mails, indicators (stored snapshots and a fresh computation), survey answers."""

import datetime as dt
import hashlib
import json

from django.core.files.storage import default_storage
from django.utils import timezone

from kpis.indicators import compute_indicators
from kpis.models import IndicatorSnapshot, SurveyAnswer
from kpis.periods import Period
from requests_box.models import Attachment, Message, QuarantinedMessage, Request


def digest(name: str) -> str:
    with default_storage.open(name, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


today = timezone.localdate()
year = Period(dt.date(today.year, 1, 1), dt.date(today.year + 1, 1, 1))
data = {
    "requests": list(
        Request.objects.order_by("reference").values_list(
            "reference", "subject", "status", "sender_email", "received_at", "deadline"
        )
    ),
    "messages": [
        [m.request.reference, m.direction, m.subject, hashlib.sha256(m.text.encode()).hexdigest()]
        for m in Message.objects.select_related("request").order_by("pk")
    ],
    "attachments": [
        [a.message.request.reference, a.original_name, a.size, digest(a.file.name)]
        for a in Attachment.objects.select_related("message__request").order_by("pk")
    ],
    "quarantine": [
        [q.reason, digest(q.raw.name) if getattr(q, "raw", None) else ""]
        for q in QuarantinedMessage.objects.order_by("pk")
    ],
    "snapshots": list(IndicatorSnapshot.objects.order_by("key").values_list("key", "data")),
    "indicators": compute_indicators(year),
    "answers": list(SurveyAnswer.objects.order_by("pk").values_list("nps", "csat", "comment")),
}
print("FINGERPRINT " + json.dumps(data, sort_keys=True, default=str))  # noqa: T201 - read by the test
