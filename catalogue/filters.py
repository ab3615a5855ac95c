"""The browse page's filters: family, maturity, client type, SPECIFIC need, and the catalogue search."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from catalogue.models import FamilyPage, Maturity, NeedType, ServiceBenefit, ServicePage
from catalogue.search import SearchResult, search
from directory.models import ClientType


class ServiceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    family = django_filters.ModelChoiceFilter(
        label=_("Family"),
        queryset=FamilyPage.objects.live().order_by("path"),
        to_field_name="code",
        empty_label=_("All families"),
        method="in_family",
    )
    maturity = django_filters.ChoiceFilter(
        label=_("Maturity"),
        # Retired services are not offered: the web catalogue never shows them.
        choices=[choice for choice in Maturity.choices if choice[0] != Maturity.RETIRE],
        empty_label=_("All maturities"),
    )
    client_type = django_filters.ChoiceFilter(
        label=_("Client type"),
        choices=ClientType.choices,
        empty_label=_("All client types"),
        method="for_client_type",
    )
    need = django_filters.ChoiceFilter(
        label=_("Need answered"),
        choices=NeedType.choices,
        empty_label=_("All needs"),
        method="answering_need",
    )

    class Meta:
        model = ServicePage
        fields = ["q", "family", "maturity", "client_type", "need"]

    def in_family(self, queryset, name, value):
        return queryset.child_of(value)

    def for_client_type(self, queryset, name, value):
        return queryset.filter(client_types__code=value)

    def answering_need(self, queryset, name, value):
        return queryset.filter(Exists(ServiceBenefit.objects.filter(page=OuterRef("pk"), need=value)))

    search_result: SearchResult | None = None

    def search(self, queryset, name, value):
        """The services matching the query (their order, the search's, is applied by the search page)."""
        if not value.strip():
            return queryset
        if self.search_result is None or self.search_result.query != value.strip():
            self.search_result = search(value)
        return queryset.filter(pk__in=self.search_result.service_ids)
