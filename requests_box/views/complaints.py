"""Measures of the mailbox, the complaint tables (with the complaint rate), the preventive-action
register and the call-back queue: the follow-up and exploitation phases of the complaint method."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from requests_box import complaints, measures, selectors, workflow
from requests_box.filters import PreventiveActionFilter
from requests_box.forms import MeasureForm, SatisfactionForm
from requests_box.views.common import require_manager as _require_manager
from requests_box.views.common import table_csv_response


def _require_reader(user) -> None:
    if not selectors.reads_complaint_tables(user):
        raise PermissionDenied


def _measure_form(request) -> MeasureForm:
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("end", today.isoformat())
    data.setdefault("start", (today.replace(day=1) - dt.timedelta(days=335)).replace(day=1).isoformat())
    return MeasureForm(data)


def measures_view(request):
    _require_manager(request.user)
    form = _measure_form(request)
    tables = measures.all_tables(form.scope()) if form.is_valid() else []
    query = request.GET.urlencode()
    context = {"form": form, "tables": tables, "query": query, "perms_mailbox": True}
    return render(request, "requests_box/measures.html", context)


def measures_csv(request, key):
    _require_manager(request.user)
    return _table_csv(request, key, measures.all_tables)


def _table_csv(request, key, tables_of):
    form = _measure_form(request)
    if not form.is_valid():
        raise Http404
    table = next((t for t in tables_of(form.scope()) if t.key == key), None)
    if table is None:
        raise Http404
    return table_csv_response(table)


def complaint_tables(request):
    """The complaint tables alone (phase 5), with the complaint rate: read by relationship managers and
    by general management (the CIO)."""
    _require_reader(request.user)
    form = _measure_form(request)
    tables = measures.complaint_tables(form.scope()) if form.is_valid() else []
    context = {
        "form": form,
        "tables": tables,
        "query": request.GET.urlencode(),
        "complaints_only": True,
        "perms_mailbox": selectors.can_manage_mailbox(request.user),
    }
    return render(request, "requests_box/measures.html", context)


def complaint_tables_csv(request, key):
    _require_reader(request.user)
    return _table_csv(request, key, measures.complaint_tables)


def preventive_actions(request):
    """The register of preventive actions (phase 6 of a complaint), with the complaints behind each."""
    _require_reader(request.user)
    filterset = PreventiveActionFilter(request.GET or None, queryset=selectors.preventive_actions())
    page = Paginator(filterset.qs, 20).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "perms_mailbox": selectors.can_manage_mailbox(request.user)}
    return render(request, "requests_box/preventive_actions.html", context)


def callbacks(request):
    """The complaints whose client is to be called back, due date first (phase 4)."""
    _require_manager(request.user)
    rows = Paginator(selectors.callbacks(), 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for row in rows.object_list:
        row.overdue = row.callback_due < today
        row.due_today = row.callback_due == today
    return render(request, "requests_box/callbacks.html", {"page": rows, "today": today})


@require_POST
def callback_done(request, reference):
    """Record what the client said when called back, from the queue."""
    _require_manager(request.user)
    client_request = selectors.access_request(request.user, reference)
    form = SatisfactionForm(request.POST, prefix="satisfaction")
    if form.is_valid():
        try:
            complaints.record_satisfaction(
                client_request,
                actor=request.user,
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except workflow.StaleRequest as exc:
            messages.error(request, " ".join(exc.messages))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Call-back of %(ref)s recorded.") % {"ref": client_request.reference})
    else:
        messages.error(request, _("Say what the client told you."))
    return redirect("requests_box:callbacks")
