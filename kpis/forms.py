"""Forms of the dashboard: the period picker and the CIO's target per indicator."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from home.dates import ReportDateField, check_period
from kpis.dashboard import CUSTOM, PERIOD_KINDS, QUARTER, PeriodChoice, default_ref, period_of
from kpis.models import IndicatorTarget, TargetDirection, describe_target
from kpis.periods import Period


class PeriodForm(forms.Form):
    """GET form: `period` = month|quarter|year|custom, `ref` a day inside it, or `start`/`end` (inclusive)."""

    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_KINDS, required=False)
    ref = ReportDateField(
        label=_("A day in the period"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For a month, quarter or year: any day inside it."),
    )
    start = ReportDateField(
        label=_("First day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = ReportDateField(
        label=_("Last day (included)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data=None, *, today: dt.date, **kwargs):
        self.today = today
        super().__init__(data, **kwargs)

    def _checked(self, first_day: dt.date, last_day: dt.date, field: str) -> bool:
        try:
            check_period(first_day, last_day, self.today)
        except ValidationError as error:
            self.add_error(field, error)
            return False
        return True

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
            if self.errors:
                return cleaned
            if self._checked(start, end, "end"):
                cleaned["choice"] = PeriodChoice(CUSTOM, Period(start, end + dt.timedelta(days=1)))
        else:
            ref = cleaned.get("ref") or default_ref(self.today)
            period = period_of(kind, ref)
            if self._checked(period.start, period.end - dt.timedelta(days=1), "ref"):
                cleaned["choice"] = PeriodChoice(kind, period)
        return cleaned


class TargetForm(forms.Form):
    """The target of one indicator; an empty value removes the target."""

    value = forms.DecimalField(label=_("Target value"), max_digits=12, decimal_places=2, required=False)
    direction = forms.ChoiceField(
        label=_("Direction"), choices=TargetDirection.choices, initial=TargetDirection.HIGHER
    )

    def __init__(
        self, *args, indicator, target=None, company_target: IndicatorTarget | None = None, **kwargs
    ):
        self.indicator = indicator
        self.company_target = company_target
        if target is not None:
            kwargs.setdefault("initial", {"value": target.value, "direction": target.direction})
        super().__init__(*args, prefix=indicator.key, **kwargs)
        if company_target is not None:
            self.fields["value"].help_text = _("Empty: the company's target applies (%(target)s).") % {
                "target": describe_target(company_target.direction, company_target.value)
            }
