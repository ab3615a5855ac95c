"""Forms of the mailbox: the web request form, manual entry, and the relationship manager's actions."""

from django import forms
from django.conf import settings
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogue.models import ServicePage
from catalogue.selectors import offered_services
from directory.models import Contact, Entity
from requests_box.models import (
    MANUAL_CHANNELS,
    Channel,
    ComplaintCause,
    Grievance,
    Kind,
    ResponseType,
    Status,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Files sent from the portal pass the checks of a mail taken in by the mailbox: no empty file, and
    the whole message (text and files) within MAILBOX_MAX_MESSAGE_BYTES, the size above which a mail is
    set aside in quarantine. Any type is accepted and, like a mail's attachment, only ever served back
    as a download with a safe content type."""

    widget = MultipleFileInput
    default_error_messages = {
        "empty_file": _("“%(name)s” is empty: choose the file again."),
        "too_large": _(
            "The message and its attachments weigh %(size)s; at most %(limit)s are accepted, as for a mail "
            "sent to the mailbox."
        ),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_empty_file", True)  # refused below, with the file's name
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in files]
        for item in cleaned:
            if not item.size:
                raise forms.ValidationError(
                    self.error_messages["empty_file"], code="empty_file", params={"name": item.name}
                )
        check_message_size(sum(item.size for item in cleaned), self.error_messages["too_large"])
        return cleaned


def check_message_size(size: int, message=None) -> None:
    limit = settings.MAILBOX_MAX_MESSAGE_BYTES
    if size > limit:
        raise forms.ValidationError(
            message or MultipleFileField.default_error_messages["too_large"],
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )


class TextWithFilesForm(forms.Form):
    """A message and its files: the text counts in the size of the message, as in a mail."""

    def clean(self):
        cleaned = super().clean()
        files = cleaned.get("attachments") or []
        text = cleaned.get("text") or cleaned.get("description") or ""
        try:
            check_message_size(len(text.encode("utf-8")) + sum(f.size for f in files))
        except forms.ValidationError as error:
            self.add_error("attachments" if "attachments" in self.fields else None, error)
        return cleaned


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.title


def service_queryset(keep=None):
    """The services a request can be about: those the catalogue offers (a retired service is offered
    nowhere), plus ``keep``, the service a request already has, so that requalifying it elsewhere never
    silently drops it."""
    services = offered_services()
    if keep is not None:
        services = ServicePage.objects.filter(Q(pk__in=services.values("pk")) | Q(pk=keep))
    return services.order_by("title")


class NewRequestForm(TextWithFilesForm):
    complaint = forms.BooleanField(
        label=_("I want to make a complaint"),
        required=False,
        help_text=_(
            "Something went wrong with a DSI service or answer: your complaint is handled by the client "
            "relations team, who will call you back once it is settled."
        ),
    )
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
        queryset=Contact.objects.filter(is_active=True)
        .select_related("entity")
        .order_by("last_name", "first_name"),
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
        "complaint",
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
        queryset=Contact.objects.filter(is_active=True)
        .select_related("entity")
        .order_by("last_name", "first_name"),
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
    """Who may be given a request: relationship managers, product managers, members of the DSI's teams."""
    from requests_box.selectors import assignable_users

    return assignable_users()


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class VersionedForm(forms.Form):
    """Carries the version of the request the user saw (optimistic concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput)


FOUNDED_CHOICES = [("", _("Not decided yet")), ("yes", _("Founded")), ("no", _("Not founded"))]


class PanelForm(VersionedForm):
    """The request page's side panel, saved at once: qualification, a complaint's codification and
    (for a relationship manager) the assignment."""

    kind = forms.ChoiceField(label=_("Type"), choices=Kind.choices)
    service = ServiceChoiceField(
        label=_("Service"), queryset=ServicePage.objects.none(), required=False, empty_label="—"
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    important = forms.BooleanField(label=_("Important"), required=False)
    requested_deadline = forms.DateField(
        label=_("Date asked by the client"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    entity = forms.ModelChoiceField(
        label=_("Client entity"),
        queryset=Entity.objects.select_related("directorate").order_by("name"),
        required=False,
        empty_label="—",
    )
    # A complaint's codification (phase 2).
    cause = forms.ModelChoiceField(
        label=_("Cause"), queryset=ComplaintCause.objects.filter(active=True), required=False, empty_label="—"
    )
    founded = forms.ChoiceField(label=_("Founded?"), choices=FOUNDED_CHOICES, required=False)
    grievance = forms.ChoiceField(
        label=_("Nature of the grievance"), choices=[("", "—"), *Grievance.choices], required=False
    )
    serious = forms.BooleanField(label=_("Serious: call back 15 days after resolution"), required=False)
    # The assignment (relationship managers).
    assignee = StaffChoiceField(label=_("Assignee"), queryset=None, required=False, empty_label=_("Nobody"))
    team = forms.ModelChoiceField(label=_("Team"), queryset=None, required=False, empty_label=_("No team"))

    COMPLAINT_FIELDS = ("cause", "founded", "grievance", "serious")
    ASSIGNMENT_FIELDS = ("assignee", "team")

    def __init__(self, *args, manager: bool = False, keep_service: int | None = None, **kwargs):
        kwargs.setdefault("prefix", "panel")
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = service_queryset(keep=keep_service)
        if manager:
            self.fields["assignee"].queryset = staff_queryset()
            self.fields["team"].queryset = team_queryset()
        else:
            for name in self.ASSIGNMENT_FIELDS:
                del self.fields[name]

    @classmethod
    def for_request(cls, request, *, manager: bool, data=None):
        founded = {True: "yes", False: "no"}.get(request.founded, "")
        initial = {
            "version": request.version,
            "kind": request.kind,
            "service": request.service_id,
            "urgent": request.urgent,
            "important": request.important,
            "requested_deadline": request.requested_deadline,
            "entity": request.entity_id,
            "cause": request.cause_id,
            "founded": founded,
            "grievance": request.grievance,
            "serious": request.serious,
            "assignee": request.assignee_id,
            "team": request.team_id,
        }
        return cls(data, initial=initial, manager=manager, keep_service=request.service_id)

    def qualification(self, request) -> dict:
        data = self.cleaned_data
        values = {
            "kind": data["kind"],
            "service": data["service"],
            "urgent": data["urgent"],
            "important": data["important"],
            "requested_deadline": data["requested_deadline"],
            "entity": data["entity"] or request.entity,
        }
        if data["kind"] == Kind.RECLAMATION:
            values |= {
                "cause": data["cause"],
                "founded": {"yes": True, "no": False}.get(data["founded"]),
                "grievance": data["grievance"],
                "serious": data["serious"],
            }
        return values

    def assignment(self) -> dict | None:
        if "assignee" not in self.fields:
            return None
        return {"assignee": self.cleaned_data["assignee"], "team": self.cleaned_data["team"]}

    def complaint_fields(self):
        return [self[name] for name in self.COMPLAINT_FIELDS]

    def assignment_fields(self):
        return [self[name] for name in self.ASSIGNMENT_FIELDS if name in self.fields]

    def qualification_fields(self):
        skip = {*self.COMPLAINT_FIELDS, *self.ASSIGNMENT_FIELDS, "version"}
        return [field for field in self if field.name not in skip]


def team_queryset():
    from requests_box.models import Team

    return Team.objects.filter(active=True).order_by("name")


class StatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("New status"), choices=Status.choices)
    response_type = forms.ChoiceField(
        label=_("Type of answer (to resolve)"),
        choices=[("", "—"), *ResponseType.choices],
        required=False,
    )
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)

    def __init__(self, *args, current=None, manager: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if current is not None:
            from requests_box.workflow import ALLOWED, CLIENT_ONLY, MANAGER_ONLY

            allowed = ALLOWED[Status(current)] - CLIENT_ONLY - (set() if manager else MANAGER_ONLY)
            # Nothing chosen at first: a status is never changed by an untouched form.
            self.fields["status"].choices = [("", "—"), *((s.value, s.label) for s in Status if s in allowed)]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Status.RESOLVED and not cleaned.get("response_type"):
            self.add_error("response_type", _("Record the type of answer given to resolve the request."))
        return cleaned


class ComposeForm(VersionedForm, TextWithFilesForm):
    """The conversation's composer: an answer mailed to the client, or an internal note."""

    MODES = [("reply", _("Answer the client")), ("note", _("Internal note"))]
    mode = forms.ChoiceField(
        label=_("Kind of message"), choices=MODES, initial="reply", widget=forms.RadioSelect
    )
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args, can_reply: bool = True, **kwargs):
        kwargs.setdefault("prefix", "compose")
        super().__init__(*args, **kwargs)
        if not can_reply:
            self.fields["mode"].choices = [self.MODES[1]]
            self.fields["mode"].initial = "note"


def complaint_recipients() -> list:
    """The DSI teams and people a complaint can be forwarded to, as one list with two groups."""
    teams = [(f"team:{t.pk}", t.name) for t in team_queryset()]
    people = [(f"user:{u.pk}", u.get_full_name() or u.username) for u in staff_queryset()]
    return [("", "—"), (_("DSI teams"), teams), (_("People"), people)]


class ForwardForm(VersionedForm, TextWithFilesForm):
    """Phase 3 of a complaint: forward it to the DSI team or person concerned, or answer the client and
    send them a copy."""

    MODES = [
        ("forward", _("Forward: the team or person handles it")),
        ("copy", _("Answer the client and send them a copy")),
    ]
    mode = forms.ChoiceField(label=_("How"), choices=MODES, initial="forward", widget=forms.RadioSelect)
    recipient = forms.ChoiceField(label=_("DSI team or person concerned"), choices=[])
    text = forms.CharField(
        label=_("Note for them, or the answer to the client"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    attachments = MultipleFileField(label=_("Attachments (answer)"), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "forward")
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = complaint_recipients()

    def clean(self):
        cleaned = super().clean()
        from django.contrib.auth import get_user_model

        from requests_box.models import Team

        kind, _sep, pk = (cleaned.get("recipient") or "").partition(":")
        cleaned["team"] = Team.objects.filter(pk=pk).first() if kind == "team" and pk.isdigit() else None
        cleaned["user"] = (
            get_user_model().objects.filter(pk=pk).first() if kind == "user" and pk.isdigit() else None
        )
        if cleaned.get("recipient") and cleaned["team"] is None and cleaned["user"] is None:
            self.add_error("recipient", _("Choose the DSI team or the person concerned."))
        if cleaned.get("mode") == "copy" and not (cleaned.get("text") or "").strip():
            self.add_error("text", _("Write the answer to the client."))
        return cleaned


class SatisfactionForm(VersionedForm):
    note = forms.CharField(
        label=_("What the client said when called back"), widget=forms.Textarea(attrs={"rows": 3})
    )


# -- the client's side


class ClientMessageForm(TextWithFilesForm):
    text = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=20_000
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("text") or "").strip() and not cleaned.get("attachments") and not self.errors:
            raise forms.ValidationError(_("Write a message or attach a file."))
        return cleaned


class CancelForm(VersionedForm):
    reason = forms.CharField(
        label=_("Why do you cancel it?"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class ReopenForm(VersionedForm, TextWithFilesForm):
    text = forms.CharField(
        label=_("What is still wrong?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)


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
