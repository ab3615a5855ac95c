"""`/sante/`: is this web server able to serve, and is the background machinery keeping up?

200 when every check passes, 503 when one fails; the body names each check and says "ok" or
"down", nothing more: no version, host name, error message or figure. No login needed (load
balancers and monitoring call it), never cached. Checks:
- database: a query answers;
- cache: a value written is read back (Redis when REDIS_URL is set);
- worker: no task has waited for a worker longer than HEALTH_WORKER_LAG_SECONDS, and when workers
  beat (`manage.py worker`), at least one is alive;
- mailbox: when a mailbox is configured (IMAP_USER), the last poll succeeded and is not older than
  HEALTH_MAILBOX_POLL_MAX_AGE_SECONDS.
"""

import logging
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from operations import queue
from operations.mailbox import last_poll
from operations.models import PollOutcome, WorkerHeartbeat

logger = logging.getLogger("relais.health")
OK, DOWN, NOT_CONFIGURED = "ok", "down", "not configured"  # for monitoring tools, not people


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def check_cache() -> str:
    key, value = f"health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=30)
    read = cache.get(key)
    cache.delete(key)
    return OK if read == value else DOWN


def check_worker() -> str:
    now = timezone.now()
    if queue.oldest_waiting_seconds(now) > settings.HEALTH_WORKER_LAG_SECONDS:
        return DOWN
    if WorkerHeartbeat.objects.exists() and not queue.live_workers(now).exists():
        return DOWN
    return OK


def check_mailbox() -> str:
    if not settings.IMAP_USER:
        return NOT_CONFIGURED
    poll = last_poll()
    if poll is None or poll.outcome != PollOutcome.OK:
        return DOWN
    age = (timezone.now() - poll.finished_at).total_seconds()
    return OK if age <= settings.HEALTH_MAILBOX_POLL_MAX_AGE_SECONDS else DOWN


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "worker": check_worker,
    "mailbox": check_mailbox,
}
DEPENDS_ON_DATABASE = {"worker", "mailbox"}


def run_checks() -> dict[str, str]:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        if name in DEPENDS_ON_DATABASE and results.get("database") == DOWN:
            results[name] = DOWN
            continue
        try:
            results[name] = check()
        except Exception as exc:
            logger.warning("health check %s failed: %s", name, type(exc).__name__)
            if name == "database":
                connection.close()
            results[name] = DOWN
    return results


@login_not_required
@never_cache
@require_GET
def health(request):
    results = run_checks()
    healthy = DOWN not in results.values()
    return JsonResponse(
        {"status": OK if healthy else DOWN, "checks": results}, status=200 if healthy else 503
    )
