"""The answer form of a one-time link, built from the survey's questions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kpis.models import Scale, Survey, Theme
from kpis.surveys.scoring import is_low

NPS_CHOICES = [(str(score), str(score)) for score in range(11)]
CSAT_CHOICES = [
    ("1", _("1 – Very dissatisfied")),
    ("2", _("2 – Dissatisfied")),
    ("3", _("3 – Neutral")),
    ("4", _("4 – Satisfied")),
    ("5", _("5 – Very satisfied")),
]


def scale_choices(question) -> list[tuple[str, str]]:
    if question.scale == Scale.FIVE:
        return CSAT_CHOICES
    return NPS_CHOICES


class AnswerForm(forms.Form):
    """NPS 0-10 and CSAT 1-5 (neither pre-filled), free text, optional multiple choice, and the
    survey's themed questions grouped by theme, each on its scale, with an optional comment per theme.
    A themed question left empty means "no opinion" (it is not a score).

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
        self.questions = list(survey.questions.order_by("sort_order", "pk"))
        for question in self.questions:
            self.fields[self.question_field(question)] = forms.TypedChoiceField(
                label=question.text,
                choices=scale_choices(question),
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
        self.themes = [
            value for value, _label in Theme.choices if any(q.theme == value for q in self.questions)
        ]
        for theme in self.themes:
            self.fields[self.theme_comment_field(theme)] = forms.CharField(
                label=_("A comment on this theme?"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["comment"] = forms.CharField(
            label=survey.comment_label,
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 5}),
        )

    @staticmethod
    def question_field(question) -> str:
        return f"question_{question.pk}"

    @staticmethod
    def theme_comment_field(theme: str) -> str:
        return f"comment_{theme}"

    def theme_groups(self) -> list[dict]:
        """What the template shows per theme: its label, its questions (bound fields) and its comment."""
        labels = dict(Theme.choices)
        return [
            {
                "theme": theme,
                "label": labels[theme],
                "questions": [
                    (question, self[self.question_field(question)])
                    for question in self.questions
                    if question.theme == theme
                ],
                "comment": self[self.theme_comment_field(theme)],
            }
            for theme in self.themes
        ]

    @property
    def plain_fields(self) -> list:
        """The fields outside the themes: NPS, CSAT, options and the general comment."""
        return [self[name] for name in ("nps", "csat", "choices", "comment") if name in self.fields]

    def scores(self) -> dict[int, int]:
        """{question id: score} for the themed questions answered (after is_valid)."""
        found = {}
        for question in self.questions:
            value = self.cleaned_data.get(self.question_field(question))
            if value is not None:
                found[question.pk] = value
        return found

    def theme_comments(self) -> dict[str, str]:
        found = {}
        for theme in self.themes:
            text = self.cleaned_data.get(self.theme_comment_field(theme), "").strip()
            if text:
                found[theme] = text
        return found

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
