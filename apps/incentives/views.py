"""The reseller's Incentives page and its CSV export."""

import csv
import datetime
from html import escape
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.i18n import format_money, format_number
from apps.lists import page_number
from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind

from . import selectors


def _month(value):
    """'2026-11' → date(2026, 11, 1); anything else → None."""
    try:
        return datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return None


@workspace_view(kinds=(Kind.RESELLER,), permission="partners.view")
def incentives(request):
    """Incentive-eligible subscriptions: where this reseller is reseller of record."""
    month = _month(request.GET.get("month"))
    subscriptions = selectors.credited_subscriptions(reseller=request.organization, month=month)
    summary = selectors.incentive_summary(subscriptions)
    totals = {"licenses": summary.licenses}
    # One sum per currency: amounts in different currencies never add up.
    totals_value = " + ".join(format_money(value, currency)
                              for currency, value in summary.values)
    page = selectors.incentive_page(subscriptions, page_number(request), per_page=50,
                                    count=summary.subscriptions)
    return render(request, "incentives/incentives.html", {
        "page": page, "rows": _rows(page.object_list), "month": month,
        "month_value": month.strftime("%Y-%m") if month else "",
        "bad_month": bool(request.GET.get("month")) and month is None,
        "totals": totals, "totals_value": totals_value,
    })


# A row of the page, escaped in one pass rather than by the template engine cell by cell
# (lookups, filters, localisation: about fifty Python calls a value).
_ROW = ('<tr><td>{customer}</td><td>{provider}</td><td>{offer}</td>'
        '<td class="text-end">{licenses}</td><td class="text-end">{value}</td>'
        '<td>{status}</td><td>{term_end}</td></tr>')

# The text of a day, a licence count and an amount, per language and date format, kept by
# each process: drawing one costs 60 to 200 Python calls (Babel, the date format), and a
# reseller's pages show the same few offers, prices, counts and days again and again.
# Plain functions of their inputs, so a kept text is the one drawn afresh.
_TEXTS: dict[tuple[str, str], dict[str, dict[Any, str]]] = {}
MAX_TEXTS = 5000


def _texts(language, day_format):
    texts = _TEXTS.get((language, day_format))
    if texts is None or any(len(kept) > MAX_TEXTS for kept in texts.values()):
        texts = _TEXTS[(language, day_format)] = {"day": {}, "number": {}, "money": {}}
    return texts


def _rows(rows):
    """The rows' HTML: each value escaped (html.escape, as django.utils.html.escape), and a
    number, an amount or a day drawn once per process (_TEXTS), a status once per page."""
    cancelled = _("Cancelled on %(day)s")
    language = get_language()
    day_format = get_format("SHORT_DATE_FORMAT")
    texts = _texts(language, day_format)
    days, numbers, amounts = texts["day"], texts["number"], texts["money"]
    statuses: dict[Any, str] = {}
    html = []
    for row in rows:
        licenses = numbers.get(row.quantity)
        if licenses is None:
            licenses = numbers[row.quantity] = escape(format_number(row.quantity, language))
        money = (row.monthly_value, row.currency)
        value = amounts.get(money)
        if value is None:
            value = amounts[money] = escape(format_money(row.monthly_value, row.currency,
                                                         language))
        term_end = days.get(row.term_end)
        if term_end is None:
            term_end = days[row.term_end] = escape(date_format(row.term_end, day_format))
        state = row.cancelled_on or row.status
        status = statuses.get(state)
        if status is None:
            status = statuses[state] = escape(
                cancelled % {"day": date_format(row.cancelled_on, day_format)}
                if row.cancelled_on else str(row.status_label))
        html.append(mark_safe(_ROW.format(  # noqa: S308 (every value escaped here or above)
            customer=escape(row.customer), provider=escape(row.provider),
            offer=escape(row.offer), licenses=licenses, value=value, status=status,
            term_end=term_end)))
    return html


@workspace_view(kinds=(Kind.RESELLER,), permission="partners.view")
def incentives_csv(request):
    month = _month(request.GET.get("month")) or timezone.localdate().replace(day=1)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # A byte-order mark: Excel on Windows then reads UTF-8 (Chinese names) correctly.
    # The cells stay machine-readable: ISO dates, plain decimals, currency codes.
    response.write("\ufeff")
    response["Content-Disposition"] = (
        f'attachment; filename="incentives-{request.organization.slug}-{month:%Y-%m}.csv"')
    writer = csv.writer(response)
    writer.writerow(["month", "customer", "provider", "offer_code", "offer", "licenses",
                     "unit_price", "currency", "monthly_value", "term_start", "term_end",
                     "subscription_id"])
    for s in selectors.incentive_subscriptions(reseller=request.organization,
                                               month=month).iterator(chunk_size=500):
        writer.writerow([f"{month:%Y-%m}", _cell(s.customer.organization.name),
                         _cell(s.customer.provider.name), s.offer.code, _cell(s.offer.name),
                         s.quantity, f"{s.offer.unit_price:.2f}", s.offer.currency,
                         f"{s.monthly_value:.2f}",
                         s.term_start.isoformat(), s.term_end.isoformat(), s.pk])
    return response


def _cell(text):
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
