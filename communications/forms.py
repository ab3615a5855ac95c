"""Forms of the communications app: the audience's choice lists in the back office, the portal's forms."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from directory.models import ClientType, ContactRole, Segment


class AudienceAdminForm(WagtailAdminModelForm):
    """The list filters stored as JSON are ticked from their choices, never typed."""

    client_types = forms.MultipleChoiceField(
        label=_("client types"),
        choices=ClientType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    segments = forms.MultipleChoiceField(
        label=_("segments"), choices=Segment.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    roles = forms.MultipleChoiceField(
        label=_("contact roles"),
        choices=ContactRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CampaignAdminForm(WagtailAdminModelForm):
    """A campaign no longer changes once queued: its mails must say what its measures count."""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.instance.status != "draft":
            raise forms.ValidationError(_("This campaign has been queued: it can no longer be changed."))
        return cleaned


class AttendanceForm(forms.Form):
    """The ticked registrations attended; the others did not."""

    attended = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, registrations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(r.pk, str(r.contact)) for r in registrations]
