"""One log line per event, each with the request id and the user id (or the background task's id).

- `RequestLogMiddleware` (first in MIDDLEWARE) takes the id the reverse proxy gives in `X-Request-ID`
  (nginx's `$request_id`) or makes one, sends it back in the response, and logs one line per request:
  method, path (never the query string: it may carry tokens), status, duration.
- `ContextFilter` adds `request_id` and `user_id` to every record logged while the request (or task)
  runs; `OneLineFormatter` writes a traceback on the same line (`\\n` escaped) so that one event is one
  line for log shippers and `grep`.
Nothing here logs a request body, a mail or a password: only what the line's format names.
"""

import contextvars
import logging
import re
import time
import uuid

from django.utils.functional import empty

logger = logging.getLogger("relais.request")

_request = contextvars.ContextVar("relais_request", default=None)
_request_id = contextvars.ContextVar("relais_request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return _request_id.get()


def _user_id(request) -> str:
    """The user's id when the request has already loaded it (logging never triggers a query)."""
    if request is None:
        return "-"
    lazy = request.__dict__.get("user")
    if lazy is None:
        return "-"
    user = getattr(lazy, "_wrapped", lazy)
    if user is empty or not getattr(user, "is_authenticated", False):
        return "-"
    return str(user.pk)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        tokens = (_request.set(request), _request_id.set(request_id))
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response.headers["X-Request-ID"] = request_id
            logger.info(
                "%s %s %s %dms",
                request.method,
                request.path,
                response.status_code,
                (time.monotonic() - started) * 1000,
            )
            return response
        finally:
            _request.reset(tokens[0])
            _request_id.reset(tokens[1])


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        record.user_id = _user_id(_request.get())
        return True


class OneLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        for name in ("request_id", "user_id"):
            if not hasattr(record, name):
                setattr(record, name, "-")
        return super().format(record).replace("\r", "").replace("\n", "\\n")


# --- background tasks: the task id stands for the request id (django_tasks logs start and end) -----------


def _on_task_started(sender, task_result, **kwargs):
    _request_id.set(f"task-{task_result.id}")


def _on_task_finished(sender, task_result, **kwargs):
    _request_id.set("-")


def connect_task_signals() -> None:
    from django_tasks.signals import task_finished, task_started

    # Connected after django_tasks' own receivers: its "finished" line still carries the task id.
    task_started.connect(_on_task_started, dispatch_uid="operations-task-started")
    task_finished.connect(_on_task_finished, dispatch_uid="operations-task-finished")
