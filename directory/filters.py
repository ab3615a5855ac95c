import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from directory.models import ClientType, Directorate, Entity, Segment


class EntityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    directorate = django_filters.ModelChoiceFilter(
        label=_("Directorate"), queryset=Directorate.objects.all(), empty_label=_("All directorates")
    )
    client_type = django_filters.ChoiceFilter(
        label=_("Client type"), choices=ClientType.choices, empty_label=_("All client types")
    )
    segment = django_filters.ChoiceFilter(
        label=_("Segment"), choices=Segment.choices, empty_label=_("All segments")
    )

    class Meta:
        model = Entity
        fields = ["q", "directorate", "client_type", "segment"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(code__icontains=value) | Q(directorate__name__icontains=value)
        )
