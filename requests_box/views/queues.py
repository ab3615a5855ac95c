"""The queues: the relationship manager's triage (/boite/tri/) and every assignee's "Requests to handle"
(/demandes/a-traiter/), both in a constant number of queries whatever their size."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.roles import PRODUCT_MANAGERS, has_role
from requests_box import selectors, workflow
from requests_box.filters import TriageFilter, WorkFilter
from requests_box.forms import BulkForm
from requests_box.views.common import require_manager as _require_manager


def _queue_page(request, filterset, now, ordering: tuple[str, ...]) -> dict:
    """One page of a queue (50 rows, each with its deadline state) and the query to keep across pages."""
    rows = filterset.qs if request.GET.get("ordering") else filterset.qs.order_by(*ordering)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.state = row.deadline_state(now)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("queue", None)
    return {"filter": filterset, "page": page, "query": query.urlencode()}


def work_queue(request):
    """The requests given to the user or to their teams; a product manager also reads those about their
    services, and the answers their clients gave to the survey after them."""
    if not selectors.has_work_queue(request.user):
        raise PermissionDenied
    product_manager = has_role(request.user, PRODUCT_MANAGERS)
    queues = [q for q in selectors.WORK_QUEUES if q != "services" or product_manager]
    queue = request.GET.get("queue", "mine")
    if queue not in queues:
        queue = "mine"
    now = timezone.now()
    filterset = WorkFilter(request.GET or None, queryset=selectors.work_queryset(request.user, queue))
    newest_first = queue in ("services", "done")
    context = {
        **_queue_page(
            request, filterset, now, ("-received_at", "-pk") if newest_first else ("deadline", "pk")
        ),
        "queue": queue,
        "queues": queues,
        "counts": selectors.work_counts(request.user, now),
        "product_manager": product_manager,
    }
    return render(request, "requests_box/work_queue.html", context)


def service_feedback(request):
    """A product manager reads what clients answered to the survey after requests about their services."""
    if not has_role(request.user, PRODUCT_MANAGERS):
        raise PermissionDenied
    answers = selectors.survey_answers_about_services_of(request.user)
    page = Paginator(answers, 30).get_page(request.GET.get("page"))
    return render(request, "requests_box/service_feedback.html", {"page": page})


def triage(request):
    _require_manager(request.user)
    queue = request.GET.get("queue", "open")
    if queue not in selectors.QUEUES:
        queue = "open"
    if request.method == "POST":
        return _bulk(request)
    now = timezone.now()
    filterset = TriageFilter(
        request.GET or None, queryset=selectors.triage_queryset(request.user, queue, now)
    )
    context = {
        **_queue_page(request, filterset, now, ("deadline", "pk")),
        "queue": queue,
        "queues": selectors.QUEUES,
        "counts": selectors.queue_counts(request.user, now),
        "bulk_form": BulkForm(),
    }
    return render(request, "requests_box/triage.html", context)


def _bulk(request):
    form = BulkForm(request.POST)
    back = request.POST.get("next") or ""
    target = redirect(f"{request.path}?{back}" if back else request.path)
    if not form.is_valid():
        errors = [e for errors in form.errors.values() for e in errors]
        messages.error(request, " ".join([_("Choose the requests and the action."), *errors]))
        return target
    data = form.cleaned_data
    done, stale, refused = 0, [], []
    for item in data["selected"]:
        version = data["versions"][item.pk]
        try:
            if data["action"] == "assign":
                workflow.assign(item, assignee=data["assignee"], actor=request.user, version=version)
            elif data["action"] == "team":
                workflow.assign(item, team=data["team"], actor=request.user, version=version)
            else:
                workflow.qualify(item, actor=request.user, kind=data["kind"], version=version)
        except workflow.StaleRequest:
            stale.append(item.reference)
        except ValidationError as exc:
            refused.append(f"{item.reference} ({' '.join(exc.messages)})")
        else:
            done += 1
    messages.success(request, _("%(count)s request(s) updated.") % {"count": done})
    if stale:
        messages.warning(
            request,
            _(
                "Not changed, because someone changed them after this page was loaded: %(refs)s. "
                "Check them and apply the action again."
            )
            % {"refs": ", ".join(stale)},
        )
    if refused:
        messages.error(request, _("Not changed: %(refs)s.") % {"refs": "; ".join(refused)})
    return target
