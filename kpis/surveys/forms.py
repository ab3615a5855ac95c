"""The answer form of a one-time link, built from the survey's questions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kpis.models import Survey
from kpis.surveys.scoring import is_low

NPS_CHOICES = [(str(score), str(score)) for score in range(11)]
CSAT_CHOICES = [
    ("1", _("1 – Very dissatisfied")),
    ("2", _("2 – Dissatisfied")),
    ("3", _("3 – Neutral")),
    ("4", _("4 – Satisfied")),
    ("5", _("5 – Very satisfied")),
]


class AnswerForm(forms.Form):
    """NPS 0-10 and CSAT 1-5 (neither pre-filled), free text, optional multiple choice.

    After a low score, the form asks once for a comment: a first submit without one comes back with
    the question; a second submit is accepted as it is (the comment is asked for, never forced).
    """

    comment_prompted = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.survey = survey
        self.low_score = False
        if survey.ask_nps:
            self.fields["nps"] = forms.TypedChoiceField(
                label=survey.nps_label, choices=NPS_CHOICES, coerce=int, widget=forms.RadioSelect
            )
        if survey.ask_csat:
            self.fields["csat"] = forms.TypedChoiceField(
                label=survey.csat_label, choices=CSAT_CHOICES, coerce=int, widget=forms.RadioSelect
            )
        if survey.options:
            self.fields["choices"] = forms.MultipleChoiceField(
                label=survey.choice_question or _("Choose the options that apply"),
                choices=[(option, option) for option in survey.options],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        self.fields["comment"] = forms.CharField(
            label=survey.comment_label,
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 5}),
        )

    def clean(self):
        cleaned = super().clean()
        self.low_score = is_low(cleaned.get("nps"), cleaned.get("csat"))
        if self.low_score and not cleaned.get("comment", "").strip() and not cleaned.get("comment_prompted"):
            self.data = self.data.copy()
            self.data["comment_prompted"] = "1"
            self.add_error(
                "comment",
                _("We are sorry we did not do better: what went wrong? (You may also send the form as is.)"),
            )
        return cleaned
