"""`/sante/` says ok or down per check without revealing anything; log lines carry request and user ids."""

import datetime as dt
import json
import logging

from django.utils import timezone

from operations.logs import ContextFilter, OneLineFormatter
from operations.mailbox import record_poll
from operations.models import WorkerHeartbeat


def health(client):
    response = client.get("/sante/")
    return response.status_code, json.loads(response.content)


def test_health_is_ok_without_login(client, db, settings):
    settings.IMAP_USER = ""
    status, body = health(client)
    assert status == 200
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "worker": "ok", "mailbox": "not configured"},
    }


def test_health_is_503_when_the_cache_is_down(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    status, body = health(client)
    assert status == 503 and body["status"] == "down" and body["checks"]["cache"] == "down"
    assert "Connection" not in json.dumps(body) and "127.0.0.1" not in json.dumps(body)


def test_health_is_503_when_no_worker_is_alive_or_tasks_wait_too_long(client, db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    WorkerHeartbeat.objects.create(
        worker_id="w1", hostname="h", pid=1, last_seen=timezone.now() - dt.timedelta(minutes=10)
    )
    assert health(client)[1]["checks"]["worker"] == "down"
    WorkerHeartbeat.objects.update(last_seen=timezone.now())
    assert health(client)[1]["checks"]["worker"] == "ok"
    from django_tasks_db.models import DBTaskResult

    from requests_box.tasks import check_deadlines

    check_deadlines.enqueue()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=10))
    status, body = health(client)
    assert status == 503 and body["checks"]["worker"] == "down"


def test_health_follows_the_last_mailbox_poll(client, db, settings):
    settings.IMAP_USER = "relais-dsi@example.test"
    assert health(client)[1]["checks"]["mailbox"] == "down"  # never polled
    record_poll(started_at=timezone.now(), outcome="ok", counts={"created": 1})
    assert health(client) == (200, health(client)[1]) and health(client)[1]["checks"]["mailbox"] == "ok"
    record_poll(started_at=timezone.now(), outcome="error", error="OSError: imap.example.test refused")
    status, body = health(client)
    assert status == 503 and body["checks"]["mailbox"] == "down" and "imap" not in json.dumps(body)


def test_a_failed_poll_is_recorded_with_its_error(db, settings):
    from operations.mailbox import last_poll
    from requests_box.intake.imap import poll_once

    settings.IMAP_HOST, settings.IMAP_PORT, settings.IMAP_TLS = "127.0.0.1", 1, False
    try:
        poll_once()
    except OSError:
        pass
    poll = last_poll()
    assert poll.outcome == "error" and "ConnectionRefusedError" in poll.error


def test_log_lines_carry_request_and_user_ids_on_one_line(client, user_a):
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(self.format(record))

    handler = Keep()
    handler.addFilter(ContextFilter())
    handler.setFormatter(
        OneLineFormatter("%(levelname)s %(name)s req=%(request_id)s user=%(user_id)s %(message)s")
    )
    logger = logging.getLogger("relais.request")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        client.force_login(user_a)
        response = client.get("/demandes/", HTTP_X_REQUEST_ID="nginx-request-0001")
        client.get("/connexion/?next=/secret-token-in-query/")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    assert response["X-Request-ID"] == "nginx-request-0001"
    assert f"req=nginx-request-0001 user={user_a.pk} GET /demandes/ 200" in records[0]
    assert "secret-token-in-query" not in "\n".join(records)  # no query strings in logs
    line = OneLineFormatter("%(message)s").format(
        logging.LogRecord("x", logging.ERROR, "f", 1, "boom\nsecond line", None, None)
    )
    assert "\n" not in line and "boom\\nsecond line" in line
