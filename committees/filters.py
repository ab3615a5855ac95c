"""The filterable lists of the committees app, as django-filter FilterSets."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.models import Action, ActionStatus, Committee, Level, Project, ProjectStatus
from directory.models import Contact, ContactRole, Directorate, Entity, Segment


class CommitteeFilter(django_filters.FilterSet):
    directorate = django_filters.ModelChoiceFilter(
        label=_("Directorate"), queryset=Directorate.objects.all(), empty_label=_("All directorates")
    )
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices, empty_label=_("All levels"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Committee
        fields = ["directorate", "level", "is_active"]


class ActionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ActionStatus.choices, empty_label=_("All statuses")
    )
    overdue = django_filters.BooleanFilter(
        label=_("Overdue only"), method="filter_overdue", widget=forms.CheckboxInput
    )

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status=ActionStatus.OPEN, due_on__lt=timezone.localdate())

    class Meta:
        model = Action
        fields = ["status", "overdue"]


class ContactFilter(django_filters.FilterSet):
    """Filters shared by the follow-up lists of contacts."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    directorate = django_filters.ModelChoiceFilter(
        label=_("Directorate"),
        field_name="entity__directorate",
        queryset=Directorate.objects.all(),
        empty_label=_("All directorates"),
    )
    segment = django_filters.ChoiceFilter(
        label=_("Segment"),
        field_name="entity__segment",
        choices=Segment.choices,
        empty_label=_("All segments"),
    )
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=ContactRole.choices, empty_label=_("All roles")
    )

    class Meta:
        model = Contact
        fields = ["q", "directorate", "segment", "role"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(last_name__icontains=value)
            | Q(first_name__icontains=value)
            | Q(email__icontains=value)
            | Q(entity__name__icontains=value)
        )


class NotMetFilter(ContactFilter):
    months = django_filters.NumberFilter(
        label=_("Not met for (months)"), method="keep", min_value=1, max_value=60, required=True
    )

    def keep(self, queryset, name, value):
        return queryset  # applied by the view through the selector, which also orders the list


class NextDueFilter(ContactFilter):
    within_days = django_filters.NumberFilter(
        label=_("Due within (days)"), method="keep", min_value=0, max_value=366, required=True
    )

    def keep(self, queryset, name, value):
        return queryset


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    directorate = django_filters.ModelChoiceFilter(
        label=_("Directorate"),
        field_name="entity__directorate",
        queryset=Directorate.objects.all(),
        empty_label=_("All directorates"),
    )
    entity = django_filters.ModelChoiceFilter(
        label=_("Entity"), queryset=Entity.objects.all(), empty_label=_("All entities")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ProjectStatus.choices, empty_label=_("All statuses")
    )
    signed = django_filters.BooleanFilter(
        label=_("Signed"), field_name="signed_on", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Project
        fields = ["q", "directorate", "entity", "status", "signed"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(entity__name__icontains=value)
        )
