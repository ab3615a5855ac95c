"""Forms of the dashboard: the period picker and the CIO's target per indicator."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from kpis.dashboard import CUSTOM, PERIOD_KINDS, QUARTER, PeriodChoice, default_ref, period_of
from kpis.models import IndicatorTarget, TargetDirection
from kpis.periods import Period


class PeriodForm(forms.Form):
    """GET form: `period` = month|quarter|year|custom, `ref` a day inside it, or `start`/`end` (inclusive)."""

    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_KINDS, required=False)
    ref = forms.DateField(
        label=_("A day in the period"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For a month, quarter or year: any day inside it."),
    )
    start = forms.DateField(
        label=_("First day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Last day (included)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data=None, *, today: dt.date, **kwargs):
        self.today = today
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("period") or QUARTER
        cleaned["period"] = kind
        if self.errors:
            return cleaned
        if kind == CUSTOM:
            start, end = cleaned.get("start"), cleaned.get("end")
            if start is None:
                self.add_error("start", _("Give the first day of a custom period."))
            if end is None:
                self.add_error("end", _("Give the last day of a custom period."))
            if start and end and end < start:
                self.add_error("end", _("The last day must not be before the first day."))
            if not self.errors:
                cleaned["choice"] = PeriodChoice(CUSTOM, Period(start, end + dt.timedelta(days=1)))
        else:
            ref = cleaned.get("ref") or default_ref(self.today)
            cleaned["choice"] = PeriodChoice(kind, period_of(kind, ref))
        return cleaned


class TargetForm(forms.Form):
    """The target of one indicator; an empty value removes the target."""

    value = forms.DecimalField(label=_("Target value"), max_digits=12, decimal_places=2, required=False)
    direction = forms.ChoiceField(
        label=_("Direction"), choices=TargetDirection.choices, initial=TargetDirection.HIGHER
    )

    def __init__(self, *args, indicator, target: IndicatorTarget | None = None, **kwargs):
        self.indicator = indicator
        if target is not None:
            kwargs.setdefault("initial", {"value": target.value, "direction": target.direction})
        super().__init__(*args, prefix=indicator.key, **kwargs)
