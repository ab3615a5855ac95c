"""Forms of the mailbox: the web request form, manual entry, and the relationship manager's actions."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.models import ServicePage
from directory.models import Contact, Entity
from requests_box.models import MANUAL_CHANNELS, Channel, ComplaintCause, Kind, ResponseType, Status


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


# -- the relationship manager's work on a request


def staff_queryset():
    """Who may be given a request: relationship managers and product managers."""
    from django.contrib.auth import get_user_model

    from directory.roles import PRODUCT_MANAGERS, RELATIONSHIP_MANAGERS

    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[RELATIONSHIP_MANAGERS, PRODUCT_MANAGERS])
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class VersionedForm(forms.Form):
    """Carries the version of the request the user saw (optimistic concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class QualifyForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Type"), choices=Kind.choices)
    service = ServiceChoiceField(label=_("Service"), queryset=ServicePage.objects.none(), required=False)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    important = forms.BooleanField(label=_("Important"), required=False)
    requested_deadline = forms.DateField(
        label=_("Deadline asked by the client"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    entity = forms.ModelChoiceField(
        label=_("Entity"),
        queryset=Entity.objects.select_related("directorate").order_by("name"),
        required=False,
    )
    cause = forms.ModelChoiceField(
        label=_("Cause (complaints)"), queryset=ComplaintCause.objects.filter(active=True), required=False
    )
    serious = forms.BooleanField(
        label=_("Serious complaint (call back 15 days after resolution)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = service_queryset()

    @classmethod
    def for_request(cls, request, data=None):
        initial = {
            "version": request.version,
            "kind": request.kind,
            "service": request.service_id,
            "urgent": request.urgent,
            "important": request.important,
            "requested_deadline": request.requested_deadline,
            "entity": request.entity_id,
            "cause": request.cause_id,
            "serious": request.serious,
        }
        return cls(data, initial=initial, prefix="qualify")


def team_queryset():
    from requests_box.models import Team

    return Team.objects.filter(active=True).order_by("name")


class AssignForm(VersionedForm):
    assignee = StaffChoiceField(label=_("Assign to"), queryset=None, required=False, empty_label=_("Nobody"))
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False, empty_label=_("No team"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_queryset()
        self.fields["team"].queryset = team_queryset()


class StatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    response_type = forms.ChoiceField(
        label=_("Type of answer (to resolve)"),
        choices=[("", "—"), *ResponseType.choices],
        required=False,
    )
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        if current is not None:
            from requests_box.workflow import ALLOWED

            allowed = ALLOWED[Status(current)]
            self.fields["status"].choices = [(s.value, s.label) for s in Status if s in allowed]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Status.RESOLVED and not cleaned.get("response_type"):
            self.add_error("response_type", _("Record the type of answer given to resolve the request."))
        return cleaned


class ReplyForm(VersionedForm):
    text = forms.CharField(label=_("Answer to the client"), widget=forms.Textarea(attrs={"rows": 6}))
    attachments = MultipleFileField(label=_("Attachments"), required=False)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note (never shown to the client)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ForwardForm(VersionedForm):
    entity = forms.ModelChoiceField(
        label=_("Forward to the entity"), queryset=Entity.objects.order_by("name")
    )
    note = forms.CharField(label=_("Comment"), max_length=500, required=False)


class SatisfactionForm(VersionedForm):
    note = forms.CharField(
        label=_("What the client said when called back"), widget=forms.Textarea(attrs={"rows": 3})
    )


class BulkForm(forms.Form):
    """A bulk action on the ticked rows; each row carries the version it was shown at (``version-<pk>``),
    so that a request changed since the page was loaded is skipped, not overwritten."""

    ACTIONS = [
        ("assign", _("Assign to a person")),
        ("team", _("Give to a team")),
        ("qualify", _("Set the type")),
    ]
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    assignee = StaffChoiceField(label=_("Assign to"), queryset=None, required=False, empty_label=_("Nobody"))
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False, empty_label=_("No team"))
    kind = forms.ChoiceField(label=_("Type"), choices=[("", "—"), *Kind.choices], required=False)
    selected = forms.ModelMultipleChoiceField(queryset=None)

    def __init__(self, *args, **kwargs):
        from requests_box.models import Request

        kwargs.setdefault("auto_id", "bulk_%s")  # the filter form beside it has fields of the same names
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_queryset()
        self.fields["team"].queryset = team_queryset()
        self.fields["selected"].queryset = Request.objects.all()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "qualify" and not cleaned.get("kind"):
            self.add_error("kind", _("Choose the type."))
        versions = {}
        for item in cleaned.get("selected") or []:
            raw = self.data.get(f"version-{item.pk}", "")
            if not str(raw).isdigit():
                raise forms.ValidationError(
                    _("Reload the page: the version of %(ref)s is missing."), params={"ref": item.reference}
                )
            versions[item.pk] = int(raw)
        cleaned["versions"] = versions
        return cleaned


class RuleTestForm(forms.Form):
    reference = forms.CharField(label=_("Reference of a request"), max_length=20)


class MeasureForm(forms.Form):
    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    directorate = forms.ModelChoiceField(
        label=_("Directorate"), queryset=None, required=False, empty_label=_("All directorates")
    )
    client_type = forms.ChoiceField(label=_("Client type"), required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("All types")), *Kind.choices], required=False)
    service = ServiceChoiceField(
        label=_("Service"), queryset=ServicePage.objects.none(), required=False, empty_label=_("All services")
    )

    def __init__(self, *args, **kwargs):
        from directory.models import ClientType, Directorate

        super().__init__(*args, **kwargs)
        self.fields["directorate"].queryset = Directorate.objects.order_by("name")
        self.fields["client_type"].choices = [("", _("All client types")), *ClientType.choices]
        self.fields["service"].queryset = service_queryset()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return cleaned

    def scope(self):
        from requests_box.measures import Scope

        data = self.cleaned_data
        return Scope(
            start=data["start"],
            end=data["end"],
            directorate_id=data["directorate"].pk if data.get("directorate") else None,
            client_type=data.get("client_type") or "",
            kind=data.get("kind") or "",
            service_id=data["service"].pk if data.get("service") else None,
        )
