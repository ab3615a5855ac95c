"""Forms of the mailbox: the web request form, manual entry, and the relationship manager's actions."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.models import ServicePage
from directory.models import Contact
from requests_box.models import MANUAL_CHANNELS, Channel


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in files]
        total = sum(item.size for item in cleaned)
        if total > settings.MAILBOX_MAX_MESSAGE_BYTES:
            raise forms.ValidationError(
                _("The attachments weigh %(size)s MB; at most %(limit)s MB are accepted."),
                params={
                    "size": round(total / 1024 / 1024, 1),
                    "limit": settings.MAILBOX_MAX_MESSAGE_BYTES // 1024 // 1024,
                },
            )
        return cleaned


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


def service_queryset():
    return ServicePage.objects.live().order_by("title")


class NewRequestForm(forms.Form):
    service = ServiceChoiceField(
        label=_("Service concerned"),
        queryset=ServicePage.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("I don't know / other"),
        help_text=_("Pick the service of the catalogue your request is about, if you know it."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Describe your need"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
        help_text=_("What you need, for whom, and why it matters to you."),
    )
    requested_deadline = forms.DateField(
        label=_("Wished deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty if you have no particular date in mind."),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = service_queryset()

    def clean_requested_deadline(self):
        value = self.cleaned_data.get("requested_deadline")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("The deadline cannot be in the past."))
        return value


class ManualRequestForm(NewRequestForm):
    """A request the relationship manager records after a phone call, a meeting, a letter…"""

    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(c.value, c.label) for c in MANUAL_CHANNELS], initial=Channel.TELEPHONE
    )
    contact = forms.ModelChoiceField(
        label=_("Contact"),
        queryset=Contact.objects.select_related("entity").order_by("last_name", "first_name"),
        required=False,
        help_text=_("The client, if known in the directory."),
    )
    sender_email = forms.EmailField(label=_("E-mail of the client"), required=False)
    sender_name = forms.CharField(label=_("Name of the client"), max_length=200, required=False)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: now."),
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    important = forms.BooleanField(label=_("Important"), required=False)

    field_order = [
        "channel",
        "contact",
        "sender_email",
        "sender_name",
        "received_at",
        "service",
        "subject",
        "description",
        "urgent",
        "important",
        "requested_deadline",
        "attachments",
    ]

    def clean_requested_deadline(self):
        return self.cleaned_data.get("requested_deadline")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("contact") and not cleaned.get("sender_email") and not cleaned.get("sender_name"):
            raise forms.ValidationError(
                _("Choose the contact, or give at least the client's name or e-mail.")
            )
        received_at = cleaned.get("received_at")
        if received_at and received_at > timezone.now():
            self.add_error("received_at", _("The request cannot have been received in the future."))
        return cleaned


class LinkSenderForm(forms.Form):
    contact = forms.ModelChoiceField(
        label=_("Contact"),
        queryset=Contact.objects.select_related("entity").order_by("last_name", "first_name"),
    )


class ReleaseForm(forms.Form):
    sender_email = forms.EmailField(
        label=_("Client's e-mail"), required=False, help_text=_("Empty: the sender read from the message.")
    )
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)


class DiscardForm(forms.Form):
    reason = forms.CharField(label=_("Reason for discarding"), widget=forms.Textarea(attrs={"rows": 3}))
