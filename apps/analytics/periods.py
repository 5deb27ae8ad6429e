"""The period picker of the analytics pages: last 30, 90 or 365 days, a calendar month or a
custom range, all in the URL. A period the form refuses is shown with its message next to
the field, and the page falls back to the last 30 days."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

# The longest custom range: the rollups keep two years and more, pages stay fast.
MAX_DAYS = 3 * 366
LAST = {"30d": 30, "90d": 90, "365d": 365}
DEFAULT = "30d"


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def grain(self) -> str:
        """How the series group days: by day up to three months, then by week, then month."""
        if self.days <= 92:
            return "day"
        return "week" if self.days <= 400 else "month"

    def query(self) -> dict[str, str]:
        """The URL parameters that name this period (for links and CSV downloads)."""
        if self.key == "month":
            return {"period": "month", "month": f"{self.start:%Y-%m}"}
        if self.key == "custom":
            return {"period": "custom", "start": self.start.isoformat(),
                    "end": self.end.isoformat()}
        return {"period": self.key}


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), required=False, choices=[
        ("30d", _("Last 30 days")), ("90d", _("Last 90 days")), ("365d", _("Last 365 days")),
        ("month", _("Calendar month")), ("custom", _("Custom range"))])
    month = forms.CharField(label=_("Month"), required=False, max_length=7)
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)

    def __init__(self, data, *, today: date):
        # Only the picker's own parameters: a sort or page in the URL is no error here.
        super().__init__({k: data.get(k, "").replace("\x00", "")[:20]
                          for k in ("period", "month", "start", "end") if k in data})
        self.today = today

    def clean_month(self):
        value = self.cleaned_data["month"]
        if not value:
            return None
        try:
            return datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."), code="month") from None

    def clean(self):
        data = super().clean() or {}
        key = data.get("period") or DEFAULT
        if key == "month" and not data.get("month") and "month" not in self.errors:
            self.add_error("month", _("Choose the month to show."))
        if key == "custom" and not self.errors:
            start, end = data.get("start"), data.get("end")
            if start is None:
                self.add_error("start", _("Enter the first day of the range."))
            if end is None:
                self.add_error("end", _("Enter the last day of the range."))
            if start and end and start > end:
                self.add_error("end", _("The last day comes before the first day."))
            elif start and end and (end - start).days + 1 > MAX_DAYS:
                self.add_error("end", _("Choose a range of at most three years."))
        return data

    def chosen(self) -> Period:
        """The period asked for; the default (last 30 days) when the form has errors."""
        today = self.today
        if not self.is_valid():
            return Period(DEFAULT, today - timedelta(days=LAST[DEFAULT] - 1), today)
        key = self.cleaned_data.get("period") or DEFAULT
        if key == "month":
            first = self.cleaned_data["month"]
            last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
            return Period(key, first, last)
        if key == "custom":
            return Period(key, self.cleaned_data["start"], self.cleaned_data["end"])
        return Period(key, today - timedelta(days=LAST[key] - 1), today)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def buckets(period: Period, grain: str | None = None) -> list[date]:
    """The first day of each step of the period, by day, week (from Monday), month or
    quarter (the period's own grain unless `grain`)."""
    grain, day = grain or period.grain, period.start
    if grain == "week":
        day -= timedelta(days=day.weekday())
    elif grain == "month":
        day = day.replace(day=1)
    elif grain == "quarter":
        day = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    found = []
    while day <= period.end:
        found.append(day)
        if grain == "day":
            day += timedelta(days=1)
        elif grain == "week":
            day += timedelta(days=7)
        elif grain == "month":
            day = _next_month(day)
        else:
            day = _next_month(_next_month(_next_month(day)))
    return found
