"""Dates that users type to choose a reporting period: read leniently, bounded, checked in one place.

The dashboards, measures and their exports compute from these dates (midnight in Paris, months
around them, the previous period): a year 1 or 9999 would overflow, and a century would take the
database minutes. Every such form uses `ReportDateField` and `check_period`, which give clear
messages instead of an error page.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)
MAX_YEARS = 10


class ReportDateField(forms.DateField):
    """A date between 2000 and 2100, written as YYYY-MM-DD (the date picker's) or DD/MM/YYYY."""

    input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
    default_error_messages = {
        "invalid": _("Write the date as DD/MM/YYYY (for example 31/03/2026)."),
        "out_of_range": _("Choose a date between %(earliest)s and %(latest)s."),
    }

    def to_python(self, value):
        day = super().to_python(value)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={"earliest": date_format(EARLIEST, "d/m/Y"), "latest": date_format(LATEST, "d/m/Y")},
            )
        return day


def check_period(first_day: dt.date, last_day: dt.date, today: dt.date) -> None:
    """A period given by its first and last days (both included): ValidationError with a clear
    message when it ends before it starts, starts after today or spans more than ten years."""
    if last_day < first_day:
        raise ValidationError(_("The period ends before it starts."), code="reversed")
    if first_day > today:
        raise ValidationError(
            _("The period starts in the future (after %(today)s): there is nothing to show yet."),
            code="future",
            params={"today": date_format(today, "d/m/Y")},
        )
    if last_day >= _years_after(first_day, MAX_YEARS):
        raise ValidationError(
            _("A period covers %(years)s years at most: choose a shorter one."),
            code="too_long",
            params={"years": MAX_YEARS},
        )


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
