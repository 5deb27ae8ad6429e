"""Reseller analytics (a provider's) and Analytics (a reseller's own), with one CSV per
widget. The period is in the URL; a period the form refuses shows its message and the
default period, never an error page."""

import csv
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.lists import Header, page_number
from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind

from . import charts, selectors, widgets
from .charts import format_number
from .periods import PeriodForm

# The per-reseller table's columns: (key, label, sort key of a row, numeric).
COLUMNS = [
    ("name", gettext_lazy("Indirect reseller"), lambda r: r.name.casefold(), False),
    ("customers", gettext_lazy("Customers"), lambda r: r.customers, True),
    ("subscriptions", gettext_lazy("Subscriptions"), lambda r: r.subscriptions, True),
    ("licenses", gettext_lazy("Licenses"), lambda r: r.licences, True),
    ("new", gettext_lazy("New in the period"), lambda r: r.new_subscriptions, True),
    ("per_customer", gettext_lazy("Licenses per customer"),
     lambda r: r.licences_per_customer or 0, True),
]
PER_PAGE = 50


def _figures(request):
    form = PeriodForm(request.GET, today=timezone.localdate())
    period = form.chosen()
    if request.organization.kind == Kind.PROVIDER:
        figures = selectors.provider_figures(provider=request.organization, period=period)
        return form, period, figures, widgets.provider_widgets(figures)
    mine = selectors.reseller_figures(reseller=request.organization, period=period)
    return form, period, mine, widgets.reseller_widgets(mine)


def _sorted_rows(request, rows):
    """The table sorted by the URL's `sort` (junk keys: by name), cut into pages."""
    raw = request.GET.get("sort", "")[:40]
    keys = {key: (label, order, numeric) for key, label, order, numeric in COLUMNS}
    sort = raw if raw.lstrip("-") in keys else ""
    active = sort or "name"
    descending = active.startswith("-")
    _label, order, _numeric = keys[active.lstrip("-")]
    rows = sorted(rows, key=lambda r: (order(r), r.name.casefold()), reverse=descending)
    paginator = Paginator(rows, PER_PAGE)
    page = paginator.page(min(max(page_number(request), 1), paginator.num_pages))
    headers = [Header(key=key, label=label, css="text-end" if numeric else "", sortable=True,
                      sorted=key == active.lstrip("-"), descending=descending)
               for key, label, _order, numeric in COLUMNS]
    headers.append(Header(key="trend", label=_("New subscriptions, trend"), css="",
                          sortable=False))
    return page, headers


@workspace_view(kinds=(Kind.PROVIDER, Kind.RESELLER), permission="partners.view")
def analytics(request):
    form, period, figures, shown = _figures(request)
    context = {"form": form, "period": period, "widgets": shown,
               "period_query": urlencode(period.query())}
    if request.organization.kind == Kind.PROVIDER:
        page, headers = _sorted_rows(request, figures.rows)
        for row in page.object_list:
            # Formatted once per value (charts.format_number caches): 300 cells a page.
            row.shown = {key: format_number(getattr(row, key)) for key in (
                "customers", "subscriptions", "licences", "new_subscriptions")}
            row.shown["per_customer"] = ("—" if row.licences_per_customer is None
                                         else format_number(row.licences_per_customer))
            row.sparkline = charts.sparkline(
                row.trend, _("New subscriptions in the period: %(total)s, at most %(most)s "
                             "in one step.") % {"total": format_number(sum(row.trend)),
                                                "most": format_number(max(row.trend,
                                                                          default=0))})
        context.update(page=page, list={"headers": headers}, figures=figures)
        return render(request, "analytics/provider.html", context)
    context["figures"] = figures
    return render(request, "analytics/reseller.html", context)


@workspace_view(kinds=(Kind.PROVIDER, Kind.RESELLER), permission="partners.view")
def analytics_csv(request, widget):
    _form, period, figures, shown = _figures(request)
    found: widgets.Widget | None
    if request.organization.kind == Kind.PROVIDER and widget == "resellers":
        found = widgets.Widget(
            "resellers", "", ["reseller", "country", "customers", "subscriptions", "licenses",
                              "new_subscriptions", "licenses_sold", "cancelled"],
            [widgets.TEXT, widgets.TEXT] + [widgets.NUMBER] * 6,
            [(r.name, r.country, r.customers, r.subscriptions, r.licences,
              r.new_subscriptions, r.licences_sold, r.cancelled) for r in figures.rows])
    else:
        found = next((w for w in shown if w.id == widget), None)
    if found is None:
        raise Http404(_("There is no such table."))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # A byte-order mark: Excel on Windows then reads UTF-8 (Chinese names) correctly.
    response.write("\ufeff")
    response["Content-Disposition"] = (
        f'attachment; filename="{request.organization.slug}-{found.id}-'
        f'{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"')
    writer = csv.writer(response)
    writer.writerow(found.columns)
    for row in found.rows:
        writer.writerow([_cell(widgets.csv_value(value, kind))
                         for value, kind in zip(row, found.kinds, strict=True)])
    return response


def _cell(text):
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not text[1:2].isdigit() else text
