"""Filters of the mailbox's lists."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from requests_box.models import IgnoredMessage, QuarantinedMessage, QuarantineStatus, Request, Status


class RequestFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All statuses")
    )

    class Meta:
        model = Request
        fields = ["q", "status"]

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
