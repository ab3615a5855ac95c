"""Migration 0009 on a database holding mail taken in before it: older receipts still make duplicates,
and the participants of older threads are filled from what the requests hold."""

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.requests_box.mails import build_mail

BEFORE = [("requests_box", "0008_request_external_reference")]
AFTER = [("requests_box", "0009_intake_identity_checks")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_existing_rows_survive_the_migration():
    """Run without a wrapping transaction (the schema changes); the database is restored after."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Request = old.get_model("requests_box", "Request")
    Message = old.get_model("requests_box", "Message")
    MailReceipt = old.get_model("requests_box", "MailReceipt")
    request = Request.objects.create(
        reference="REQ-2025-000007",
        subject="Ancienne",
        sender_email="alice@groupe-aurelia.fr",
        deadline="2025-01-10T10:00:00Z",
    )
    Message.objects.create(
        request=request,
        direction="inbound",
        channel="email",
        message_id="<old@client.example>",
        headers="From: alice@groupe-aurelia.fr\nTo: relais-dsi@groupe-aurelia.fr\n"
        "Cc: Chef <chef@groupe-aurelia.fr>, autre@groupe-aurelia.fr",
    )
    MailReceipt.objects.create(
        dedup_key=hashlib.sha256(b"mid:<old@client.example>").hexdigest(),
        message_id="<old@client.example>",
        outcome="created",
        request=request,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    # Then up to the latest migrations, so that today's models (used below) match the schema.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from requests_box.intake.intake import Intake
    from requests_box.models import Participant

    assert set(Participant.objects.filter(request_id=request.pk).values_list("email", flat=True)) == {
        "alice@groupe-aurelia.fr",
        "chef@groupe-aurelia.fr",
        "autre@groupe-aurelia.fr",
    }
    result = Intake(acknowledge=False).ingest(build_mail(message_id="<old@client.example>"))
    assert (result.outcome, result.detail) == ("duplicate", "REQ-2025-000007")
    # The Cc'd colleague of the old thread replies into it.
    reply = build_mail(sender="chef@groupe-aurelia.fr", subject="RE: [REQ-2025-000007] Ancienne")
    assert Intake(acknowledge=False).ingest(reply).outcome == "reply"
