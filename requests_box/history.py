"""The history of requests: one row per state change, written at once or, in bulk loads, deferred."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

from requests_box.models import Request, RequestEvent

# While set (see `deferred_events`), history rows are collected here and written in bulk.
_deferred_events: ContextVar[list[RequestEvent] | None] = ContextVar("deferred_events", default=None)


def record_event(request: Request, kind: str, *, actor=None, detail: str = "", at=None) -> RequestEvent:
    event = RequestEvent(request=request, kind=kind, actor=actor, detail=detail, at=at or timezone.now())
    deferred = _deferred_events.get()
    if deferred is None:
        event.save(force_insert=True)
    else:
        deferred.append(event)
    return event


@contextmanager
def deferred_events(batch_size: int = 1000) -> Iterator[None]:
    """Write the history rows recorded inside the block in bulk, at its end (in the order recorded).

    For bulk loads (the demo's year of requests) where thousands of state changes run in a row; the
    changes themselves still go through the same functions. Use it inside a transaction, so that the
    requests and their history are committed together."""
    if _deferred_events.get() is not None:  # already deferring: the outer block writes them
        yield
        return
    pending: list[RequestEvent] = []
    token = _deferred_events.set(pending)
    try:
        yield
    finally:
        _deferred_events.reset(token)
    RequestEvent.objects.bulk_create(pending, batch_size=batch_size)
