"""Migration 0010 judges the requests already resolved through the portal (their resolution is in their
history) against their deadline; imported history, with no such event, keeps no verdict."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("requests_box", "0009_intake_identity_checks"), ("catalogue", "0009_search_permissions")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_resolved_requests_get_their_verdict_and_imported_ones_none():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Request = old.get_model("requests_box", "Request")
    RequestEvent = old.get_model("requests_box", "RequestEvent")
    deadline = "2025-01-10T10:00:00Z"
    rows = {
        "on_time": "2025-01-10T09:00:00Z",
        "late": "2025-01-10T11:00:00Z",
        "imported": "2025-01-09T10:00:00Z",
        "open": None,
    }
    ids = {}
    for n, (name, resolved) in enumerate(rows.items()):
        request = Request.objects.create(
            reference=f"REQ-2025-00000{n}", subject=name, deadline=deadline, resolved_at=resolved
        )
        ids[name] = request.pk
        if name != "imported":
            RequestEvent.objects.create(request=request, kind="status", detail="Nouvelle → Résolue")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from requests_box.models import Request as Current

    verdicts = dict(Current.objects.filter(pk__in=ids.values()).values_list("subject", "deadline_met"))
    assert verdicts == {"on_time": True, "late": False, "imported": None, "open": None}
