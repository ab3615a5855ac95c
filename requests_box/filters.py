"""Filters of the mailbox's lists."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.models import ServicePage
from directory.models import Directorate
from requests_box.forms import staff_queryset, team_queryset
from requests_box.models import (
    FINISHED,
    ComplaintCause,
    IgnoredMessage,
    Kind,
    PreventiveAction,
    QuarantinedMessage,
    QuarantineStatus,
    Request,
    Status,
)


class RequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All statuses")
    )
    late = django_filters.BooleanFilter(label=_("Late only"), method="only_late", widget=forms.CheckboxInput)

    class Meta:
        model = Request
        fields = ["q", "status", "late"]

    def only_late(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.exclude(status__in=[*FINISHED, Status.WAITING_CLIENT]).filter(
            deadline__lte=timezone.now()
        )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(subject__icontains=value))


class UnknownSenderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Sender or subject"), method="search")

    class Meta:
        model = Request
        fields = ["q"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(sender_email__icontains=value) | Q(subject__icontains=value) | Q(reference__icontains=value)
        )


class QuarantineFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=QuarantineStatus.choices, empty_label=_("All statuses")
    )

    class Meta:
        model = QuarantinedMessage
        fields = ["status"]


class IgnoredFilter(django_filters.FilterSet):
    reason = django_filters.CharFilter(label=_("Reason"), lookup_expr="iexact")
    sender = django_filters.CharFilter(label=_("Sender"), lookup_expr="icontains")

    class Meta:
        model = IgnoredMessage
        fields = ["reason", "sender"]


class TriageFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Status.choices)
    kind = django_filters.MultipleChoiceFilter(label=_("Type"), choices=Kind.choices)
    service = django_filters.ModelChoiceFilter(
        label=_("Service"), queryset=ServicePage.objects.order_by("title"), empty_label=_("All services")
    )
    directorate = django_filters.ModelChoiceFilter(
        label=_("Directorate"),
        field_name="entity__directorate",
        queryset=Directorate.objects.order_by("name"),
        empty_label=_("All directorates"),
    )
    assignee = django_filters.ModelChoiceFilter(
        label=_("Assignee"), queryset=staff_queryset(), empty_label=_("Anyone")
    )
    team = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=team_queryset(), empty_label=_("Any team")
    )
    urgent = django_filters.BooleanFilter(label=_("Urgent"))
    important = django_filters.BooleanFilter(label=_("Important"))
    received_after = django_filters.DateFilter(
        label=_("Received from"),
        field_name="received_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_before = django_filters.DateFilter(
        label=_("Received until"),
        field_name="received_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("deadline", "deadline"),
            ("received_at", "received"),
            ("reference", "reference"),
            ("status", "status"),
            ("kind", "kind"),
        ),
        field_labels={
            "deadline": _("Deadline"),
            "received_at": _("Received"),
            "reference": _("Reference"),
            "status": _("Status"),
            "kind": _("Type"),
        },
    )

    class Meta:
        model = Request
        fields = ["q", "status", "kind", "service", "directorate", "assignee", "team", "urgent", "important"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(subject__icontains=value)
            | Q(sender_email__icontains=value)
            | Q(external_reference__icontains=value)
        )


class WorkFilter(django_filters.FilterSet):
    """The filters of an assignee's queue."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Status.choices)
    kind = django_filters.MultipleChoiceFilter(label=_("Type"), choices=Kind.choices)
    ordering = django_filters.OrderingFilter(
        label=_("Sort by"),
        fields=(("deadline", "deadline"), ("received_at", "received"), ("reference", "reference")),
        field_labels={"deadline": _("Deadline"), "received_at": _("Received"), "reference": _("Reference")},
    )

    class Meta:
        model = Request
        fields = ["q", "status", "kind"]

    def search(self, queryset, name, value):
        return TriageFilter.search(self, queryset, name, value)


class PreventiveActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    done = django_filters.BooleanFilter(label=_("Done"))
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"), queryset=staff_queryset(), empty_label=_("Anyone")
    )
    cause = django_filters.ModelChoiceFilter(
        label=_("Cause of the complaints"),
        field_name="complaints__cause",
        queryset=ComplaintCause.objects.order_by("name"),
        empty_label=_("All causes"),
        distinct=True,
    )
    directorate = django_filters.ModelChoiceFilter(
        label=_("Directorate of the complaints"),
        field_name="complaints__entity__directorate",
        queryset=Directorate.objects.order_by("name"),
        empty_label=_("All directorates"),
        distinct=True,
    )
    decided_after = django_filters.DateFilter(
        label=_("Decided from"),
        field_name="decided_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    decided_before = django_filters.DateFilter(
        label=_("Decided until"),
        field_name="decided_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = PreventiveAction
        fields = ["q", "done", "owner", "cause", "directorate", "decided_after", "decided_before"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))
