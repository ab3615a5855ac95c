"""What people searched and what followed: every search counted, nothing about who searched.

The session remembers only the last search (its log row and the addresses of its results) for half
an hour, to note whether a result was opened or a request made next; the log rows themselves hold
no user, no session and no address.
"""

import datetime as dt
import time
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from catalogue.models import SearchLog
from catalogue.search import text

SESSION_KEY = "catalogue_search"
FOLLOW_UP_SECONDS = 30 * 60
MAX_REMEMBERED_RESULTS = 60


def log_key(query: str) -> str:
    """The identity of a query for counting: its meaningful stems, or what was typed when it has none."""
    return (text.normalised_key(query) or text.unaccent(text.clean_query(query)))[:200]


def record_search(session, *, query: str, result_count: int, result_urls: list[str], corrected_to: str = ""):
    """Count a search, unless it repeats this session's last one (another page of results, the back
    button): the same query within the follow-up delay is one search."""
    query = text.clean_query(query)
    if not query:
        return None
    key = log_key(query)
    last = session.get(SESSION_KEY)
    now = time.time()
    if last and last.get("key") == key and now - last.get("at", 0) < FOLLOW_UP_SECONDS:
        return last["id"]
    log = SearchLog.objects.create(
        query=query.lower(), key=key, result_count=result_count, corrected_to=corrected_to[:200]
    )
    session[SESSION_KEY] = {
        "id": log.pk,
        "key": key,
        "at": now,
        "urls": result_urls[:MAX_REMEMBERED_RESULTS],
        "opened": False,
    }
    return log.pk


def _fresh(session) -> dict | None:
    last = session.get(SESSION_KEY)
    if not last or time.time() - last.get("at", 0) > FOLLOW_UP_SECONDS:
        return None
    return last


def record_opened(session, path: str) -> bool:
    """The page at `path` was opened after a search: if it is one of the results, note its position."""
    last = _fresh(session)
    if not last or last.get("opened") or path not in last.get("urls", ()):
        return False
    position = last["urls"].index(path) + 1
    SearchLog.objects.filter(pk=last["id"], opened_position__isnull=True).update(opened_position=position)
    session[SESSION_KEY] = {**last, "opened": True}
    return True


def record_request(session) -> bool:
    """A request was sent after a search (whether a result was opened or not)."""
    last = _fresh(session)
    if not last:
        return False
    SearchLog.objects.filter(pk=last["id"]).update(request_made=True)
    session.pop(SESSION_KEY, None)
    return True


# --- What the editors and the relationship managers read -------------------------------------------


@dataclass
class QueryRow:
    key: str
    query: str
    searches: int
    last_at: dt.datetime
    results: int
    opened: int
    requests: int
    suggested: str = ""  # the service the words could become a keyword of (set by the view)

    @property
    def opened_share(self) -> float:
        return self.opened / self.searches if self.searches else 0.0


@dataclass
class Insights:
    since: dt.datetime
    total: int
    without_result: int
    opened: int
    requests: int
    top: list[QueryRow]
    no_result: list[QueryRow]
    no_click: list[QueryRow]


def _rows(logs: QuerySet, limit: int) -> list[QueryRow]:
    grouped = (
        logs.values("key")
        .annotate(
            searches=Count("pk"),
            query=Max("query"),
            last_at=Max("created_at"),
            results=Max("result_count"),
            opened=Count("pk", filter=Q(opened_position__isnull=False)),
            requests=Count("pk", filter=Q(request_made=True)),
        )
        .order_by("-searches", "-last_at")[:limit]
    )
    return [QueryRow(**row) for row in grouped]


def search_insights(days: int = 30, limit: int = 25) -> Insights:
    """The most searched queries, those that found nothing, and those whose results nobody opened
    (nor made a request after): four queries whatever the number of searches."""
    since = timezone.now() - dt.timedelta(days=days)
    logs = SearchLog.objects.filter(created_at__gte=since)
    totals = logs.aggregate(
        total=Count("pk"),
        without_result=Count("pk", filter=Q(result_count=0)),
        opened=Count("pk", filter=Q(opened_position__isnull=False)),
        requests=Count("pk", filter=Q(request_made=True)),
    )
    no_click = logs.filter(result_count__gt=0, opened_position__isnull=True, request_made=False)
    return Insights(
        since=since,
        **totals,
        top=_rows(logs, limit),
        no_result=_rows(logs.filter(result_count=0), limit),
        no_click=_rows(no_click, limit),
    )
