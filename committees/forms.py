"""Front-office forms where speed matters: an interaction in a few seconds, attendance, decisions, actions."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.models import ServicePage
from committees.models import ActionStatus, InteractionKind, Project
from directory.roles import CIO, PRODUCT_MANAGERS, RELATIONSHIP_MANAGERS


def dsi_staff():
    """The people an action can be given to: the DSI's relationship managers, product managers and CIO."""
    return (
        get_user_model()
        .objects.filter(
            Q(groups__name__in=[RELATIONSHIP_MANAGERS, PRODUCT_MANAGERS, CIO]) | Q(is_superuser=True),
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class InteractionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[c for c in InteractionKind.choices if c[0] != InteractionKind.COMITE],
        initial=InteractionKind.RENDEZ_VOUS,
        widget=forms.RadioSelect,
    )
    date = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(
                _("An interaction is recorded once it has happened: the date is in the future.")
            )
        return value


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=255)
    owner = StaffChoiceField(label=_("Owner"), queryset=dsi_staff())
    due_on = forms.DateField(label=_("Due date"), widget=DateInput())
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.order_by("code"), required=False
    )
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=ServicePage.objects.order_by("title"), required=False
    )

    request_reference = forms.CharField(
        label=_("Request reference"),
        required=False,
        max_length=20,
        help_text=_("For example REQ-2026-000123."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = dsi_staff()

    def clean_request_reference(self):
        from committees.requests_link import request_model

        reference = self.cleaned_data["request_reference"].strip()
        if not reference:
            return None
        Request = request_model()
        found = Request.objects.filter(reference=reference).first() if Request else None
        if found is None:
            raise forms.ValidationError(_("No request has this reference."))
        return found


class DecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 2}))


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Present"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, attendances, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(a.pk), a.person_name) for a in attendances]
        if not self.is_bound:
            self.initial["present"] = [str(a.pk) for a in attendances if a.present]


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
