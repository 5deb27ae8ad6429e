"""The widgets of the analytics pages: each one a title, a chart (server SVG, or none for a
plain table), and the same numbers as rows — shown as a table and downloaded as CSV."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from . import charts
from .charts import format_number
from .selectors import ProviderFigures, ResellerFigures

TEXT, NUMBER, DAY, DECIMAL = "text", "number", "day", "decimal"


@dataclass
class Widget:
    id: str
    title: str
    columns: list[str]
    kinds: list[str]
    rows: list[tuple[Any, ...]]
    chart: SafeString | None = None
    note: str = ""
    grain: str = "day"
    empty: str = field(default="")

    @property
    def wide(self) -> bool:
        """Series over time take the page's width; bar lists share a row."""
        return self.kinds[:1] == [DAY] and self.chart is not None

    @property
    def table(self) -> SafeString:
        """The widget's numbers as an HTML table, joined here rather than drawn cell by
        cell by the template engine (a two-year series has hundreds of cells)."""
        right = ' class="text-end"'
        head = "".join(f'<th scope="col"{right if n else ""}>{escape(c)}</th>'
                       for n, c in enumerate(self.columns))
        body = []
        for row in self.cells:
            first, *rest = row
            body.append(f'<tr><th scope="row" class="fw-normal">{escape(first[0])}</th>'
                        + "".join(f"<td{right if numeric else ''}>{escape(t)}</td>"
                                  for t, numeric in rest)
                        + "</tr>")
        return mark_safe(  # noqa: S308  (every text is escaped above)
            '<div class="table-responsive"><table class="table table-sm align-middle mb-0" '
            f'data-widget="{escape(self.id)}"><caption class="visually-hidden">'
            f"{escape(self.title)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")

    @property
    def cells(self) -> list[list[tuple[str, bool]]]:
        """Rows as the table shows them: (text in the viewer's language, right-aligned)."""
        return [[(_display(value, kind, self.grain), kind in (NUMBER, DECIMAL))
                  for value, kind in zip(row, self.kinds, strict=True)] for row in self.rows]


def _display(value: Any, kind: str, grain: str) -> str:
    if value is None:
        return "—"
    if kind == NUMBER:
        return format_number(value)
    if kind == DECIMAL:
        return format_number(value)
    if kind == DAY:
        return charts.day_label(value, grain) if isinstance(value, date) else str(value)
    return str(value)


def csv_value(value: Any, kind: str) -> str:
    """Machine-readable cells: ISO dates, plain numbers."""
    if value is None:
        return ""
    if kind == DAY:
        return str(value.isoformat())
    if kind == DECIMAL:
        return f"{value:.1f}"
    return str(value)


def _bar_widget(id: str, title: str, columns: list[str], kinds: list[str],
                rows: list[tuple[Any, ...]], *, bar: int, empty: str) -> Widget:
    """A bar list: its chart draws column `bar` of the table's own rows against their
    first column (no chart when there are no rows, only the empty message)."""
    chart = charts.bar_chart(chart_id=f"chart-{id}", title=title, x_label=columns[bar],
                             y_label=columns[0],
                             items=[(row[0], row[bar]) for row in rows]) if rows else None
    return Widget(id, title, columns, kinds, rows, chart=chart, empty=empty)


def provider_widgets(f: ProviderFigures) -> list[Widget]:
    grain = f.period.grain
    date_label = {"day": _("Date"), "week": _("Week starting"), "month": _("Month")}[grain]
    s = f.summary
    widgets = [Widget(
        "summary", _("Summary"), [_("Figure"), _("Value")], [TEXT, DECIMAL],
        [(_("Total resellers"), s["total"]), (_("New resellers in the period"), s["new"]),
         (_("Active resellers (at least one live subscription)"), s["active"]),
         (_("Transacting resellers (sold in the period)"), s["transacting"]),
         (_("Customers of resellers"), s["customers"]),
         (_("Live subscriptions through resellers"), s["subscriptions"]),
         (_("Licenses through resellers"), s["licences"]),
         (_("Average licenses per customer"), s["licences_per_customer"])])]
    new_series = [(_("New subscriptions"), [row[1] for row in f.series])]
    widgets.append(Widget(
        "new-subscriptions", _("New subscriptions by date"), [date_label, _("New subscriptions")],
        [DAY, NUMBER], [(row[0], row[1]) for row in f.series], grain=grain,
        chart=charts.line_chart(chart_id="chart-new-subscriptions",
                                title=_("New subscriptions by date"), x_label=date_label,
                                y_label=_("Subscriptions"), steps=f.buckets, grain=grain,
                                series=new_series)))
    churn = [(_("New"), [row[1] for row in f.series]),
             (_("Cancelled"), [row[2] for row in f.series]),
             (_("Suspended"), [row[3] for row in f.series])]
    widgets.append(Widget(
        "churn", _("Subscription churn"),
        [date_label, _("New"), _("Cancelled"), _("Suspended")], [DAY, NUMBER, NUMBER, NUMBER],
        list(f.series), grain=grain,
        chart=charts.line_chart(chart_id="chart-churn", title=_("Subscription churn"),
                                x_label=date_label, y_label=_("Subscriptions"),
                                steps=f.buckets, grain=grain, series=churn)))
    widgets.append(_bar_widget(
        "top-resellers", _("Top resellers by subscriptions sold"),
        [_("Indirect reseller"), _("New subscriptions")], [TEXT, NUMBER],
        [(r.name, r.new_subscriptions) for r in f.top_resellers], bar=1,
        empty=_("No reseller sold a subscription in this period.")))
    widgets.append(_bar_widget(
        "licenses-by-reseller", _("Licenses sold by reseller"),
        [_("Indirect reseller"), _("Licenses sold")], [TEXT, NUMBER],
        [(r.name, r.licences_sold) for r in f.licences_by_reseller], bar=1,
        empty=_("No reseller sold licenses in this period.")))
    widgets.append(_bar_widget(
        "top-products", _("Top products by subscription count"),
        [_("Offer"), _("Live subscriptions"), _("Licenses")], [TEXT, NUMBER, NUMBER],
        list(f.products), bar=1, empty=_("No subscriptions yet.")))
    widgets.append(_bar_widget(
        "markets", _("Resellers by market"),
        [_("Market"), _("Resellers"), _("Live subscriptions")], [TEXT, NUMBER, NUMBER],
        [(m[1] or _("Not given"), m[2], m[3]) for m in f.markets], bar=1,
        empty=_("No indirect resellers yet.")))
    widgets.append(Widget(
        "new-resellers", _("New resellers"),
        [_("Indirect reseller"), _("Location"), _("Partnership since"), _("Subscriptions"),
         _("Licenses")], [TEXT, TEXT, DAY, NUMBER, NUMBER],
        [(r.name, ", ".join(x for x in (r.address, r.country_name) if x) or "—", r.since,
          r.subscriptions, r.licences) for r in f.new_resellers],
        empty=_("No new resellers in this period.")))
    return widgets


def reseller_widgets(f: ResellerFigures) -> list[Widget]:
    grain = f.period.grain
    date_label = {"day": _("Date"), "week": _("Week starting"), "month": _("Month")}[grain]
    widgets = [Widget(
        "providers", _("Your figures by provider"),
        [_("Provider"), _("Customers"), _("Subscriptions"), _("Licenses")],
        [TEXT, NUMBER, NUMBER, NUMBER], list(f.providers),
        empty=_("No figures yet: your providers have not sold through you."))]
    names = list(f.over_time)[:len(charts.STYLES)]
    for key, index, title, axis in (
            ("customers", 0, _("Customers over time"), _("Customers")),
            ("subscriptions", 1, _("Subscriptions over time"), _("Subscriptions")),
            ("licenses", 2, _("Licenses over time"), _("Licenses"))):
        rows: list[tuple[Any, ...]] = [(step, *(f.over_time[name][i][index] for name in names))
                for i, step in enumerate(f.buckets)]
        widgets.append(Widget(
            f"{key}-over-time", title, [date_label, *names], [DAY] + [NUMBER] * len(names),
            rows, grain=grain, empty=_("No figures yet: your providers have not sold through you."),
            chart=charts.line_chart(
                chart_id=f"chart-{key}", title=title, x_label=date_label, y_label=axis,
                steps=f.buckets, grain=grain,
                series=[(name, [level[index] for level in f.over_time[name]])
                        for name in names]) if names else None))
    widgets.append(Widget(
        "incentive-licenses", _("Incentive-eligible licenses by month"),
        [_("Month"), _("Licenses")], [DAY, NUMBER], list(f.incentive_months), grain="month",
        note=_("Licenses of the subscriptions you are reseller of record for that earn "
               "incentives in each month, as Incentives counts them: active ones (not "
               "suspended ones), and cancelled or expired ones until they ended."),
        chart=charts.line_chart(chart_id="chart-incentive-licenses",
                                title=_("Incentive-eligible licenses by month"),
                                x_label=_("Month"), y_label=_("Licenses"),
                                steps=[m for m, _n in f.incentive_months], grain="month",
                                series=[(_("Licenses"), [n for _m, n in f.incentive_months])])))
    widgets.append(_bar_widget(
        "top-customers", _("Top customers"), [_("Customer"), _("Subscriptions"), _("Licenses")],
        [TEXT, NUMBER, NUMBER], list(f.top_customers), bar=2, empty=_("No customers yet.")))
    widgets.append(_bar_widget(
        "top-products", _("Top products"), [_("Offer"), _("Subscriptions"), _("Licenses")],
        [TEXT, NUMBER, NUMBER], list(f.top_products), bar=1, empty=_("No subscriptions yet.")))
    return widgets
