"""Analytics reads: a provider's reseller figures and a reseller's own, from the daily
rollups and running totals only (never the subscriptions), a handful of grouped queries
per page whatever the period."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count, DateField, F, Q, QuerySet, Sum, TextField
from django.db.models.functions import Cast, TruncMonth, TruncQuarter, TruncWeek
from django.utils import timezone
from django_countries import countries

from apps.customers.selectors import customer_list
from apps.incentives.selectors import incentive_licenses_by_month, incentive_subscriptions
from apps.partnerships.selectors import partnership_list

from .models import DailyRollup, ProviderDay, ResellerDay, ResellerMonth, RunningTotal
from .periods import Period, buckets

if TYPE_CHECKING:
    from apps.organizations.models import Organization

TOP = 10


def _ratio(part: int, whole: int) -> Decimal | None:
    """A ratio to one decimal (an average shown as 2.5); None when there is no whole."""
    return round(Decimal(part) / Decimal(whole), 1) if whole else None


# A sparkline's step for each grain of the series: a dozen points or so.
SPARK_GRAIN = {"day": "week", "week": "month", "month": "quarter"}


def _bucket(grain: str) -> Any:
    # Cast: a date (PostgreSQL's date_trunc gives a timestamp), read as it comes by _tuples.
    if grain == "week":
        return Cast(TruncWeek("day"), DateField())
    if grain == "month":
        return Cast(TruncMonth("day"), DateField())
    if grain == "quarter":
        return Cast(TruncQuarter("day"), DateField())
    return F("day")


def _tuples(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a values_list() of ids, dates and sums as the database driver gives
    them: on PostgreSQL ids, dates and integers need no conversion, and Django's converters
    cost more than the query for the thousands of rows of a long period. SQLite's ids and
    dates are text: the ORM converts them."""
    if connection.vendor != "postgresql":
        return list(qs)
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def _reseller_steps(provider: Organization, period: Period,
                    grain: str) -> list[tuple[Any, date, int, int, int]]:
    """(reseller, first day of its step, new subscriptions, licenses sold, cancelled) of
    the period, per reseller and sparkline step. Up to three months: from the daily rows.
    Longer: the whole months inside the period from the monthly rows, the days at either
    end from the daily rows — a few thousand rows whatever the length."""
    sums = (Sum("new_subscriptions"), Sum("licences_sold"), Sum("cancelled"))
    daily = ResellerDay.objects.filter(provider=provider, reseller__isnull=False).order_by()
    if grain == "week":
        return _tuples(daily.filter(day__gte=period.start, day__lte=period.end)
                       .values_list(_reseller_text(), _bucket(grain)).annotate(*sums))
    first_full = period.start if period.start.day == 1 else (
        period.start.replace(day=28) + timedelta(days=4)).replace(day=1)
    after_full = (period.end + timedelta(days=1)).replace(day=1)
    if period.end.month == (period.end + timedelta(days=1)).month:
        edges = Q(day__gte=period.start, day__lt=first_full) | Q(day__gte=after_full,
                                                                 day__lte=period.end)
    else:  # the period ends on a month's last day
        after_full = period.end + timedelta(days=1)
        edges = Q(day__gte=period.start, day__lt=first_full)
    # Grouped by step in SQL: two years by quarter are 9 rows per reseller, not 24.
    step = (Cast(TruncQuarter("month"), DateField()) if grain == "quarter" else F("month"))
    found = _tuples(ResellerMonth.objects.filter(provider=provider, reseller__isnull=False,
                                                 month__gte=first_full, month__lt=after_full)
                    .order_by().values_list(_reseller_text(), step).annotate(*sums))
    found += _tuples(daily.filter(edges).values_list(_reseller_text(), _bucket(grain))
                     .annotate(*sums))
    return found


def _reseller_text() -> Any:
    """The reseller's id as text: thousands of rows read faster as strings than as UUID
    objects (a row is found by `_text_keys`)."""
    return Cast("reseller", TextField())


def _text_keys(rows: dict[Any, ResellerRow]) -> dict[str, ResellerRow]:
    """The rows by their id as text: PostgreSQL writes a UUID with dashes, SQLite without."""
    keys: dict[str, ResellerRow] = {}
    for key, row in rows.items():
        keys[str(key)] = keys[key.hex] = row
    return keys


@dataclass
class ResellerRow:
    """One reseller of the provider's table."""

    id: Any
    name: str
    country: str
    country_name: str
    address: str
    since: date
    customers: int = 0
    subscriptions: int = 0
    licences: int = 0
    new_subscriptions: int = 0
    licences_sold: int = 0
    cancelled: int = 0
    trend: list[int] = field(default_factory=list)

    @property
    def licences_per_customer(self) -> Decimal | None:
        return _ratio(self.licences, self.customers)


@dataclass
class ProviderFigures:
    period: Period
    buckets: list[date]
    rows: list[ResellerRow]
    new_resellers: list[ResellerRow]
    # One row per bucket: (first day, new, cancelled, suspended)
    series: list[tuple[date, int, int, int]]
    markets: list[tuple[str, str, int, int]]  # code, name, resellers, subscriptions
    products: list[tuple[str, int, int]]      # offer, live subscriptions, licenses
    summary: dict[str, Any]

    @property
    def top_resellers(self) -> list[ResellerRow]:
        rows = [r for r in self.rows if r.new_subscriptions]
        return sorted(rows, key=lambda r: (-r.new_subscriptions, r.name))[:TOP]

    @property
    def licences_by_reseller(self) -> list[ResellerRow]:
        rows = [r for r in self.rows if r.licences_sold]
        return sorted(rows, key=lambda r: (-r.licences_sold, r.name))[:TOP]


def provider_figures(*, provider: Organization, period: Period) -> ProviderFigures:
    """Everything the Reseller analytics page shows, in three queries: the partnerships,
    the running totals per reseller, and the period's rollups per reseller and step (the
    series are their sums; direct sales are the rows without a reseller)."""
    steps = buckets(period)
    spark_grain = SPARK_GRAIN[period.grain]
    spark_steps = buckets(period, spark_grain)
    index = {day: n for n, day in enumerate(spark_steps)}
    rows: dict[Any, ResellerRow] = {}
    country_names: dict[str, str] = {}
    # Plain values: the partnership list's per-row counts are not computed.
    for p in partnership_list(provider=provider, count_credited=False).values(
            "reseller_id", "reseller__name", "reseller__country", "reseller__reseller__address",
            "accepted_at"):
        code = p["reseller__country"] or ""
        if code not in country_names:  # a dozen countries for hundreds of resellers
            country_names[code] = str(countries.name(code)) if code else ""
        rows[p["reseller_id"]] = ResellerRow(
            id=p["reseller_id"], name=p["reseller__name"], country=code,
            country_name=country_names[code],
            address=p["reseller__reseller__address"] or "",
            since=timezone.localdate(p["accepted_at"]), trend=[0] * len(spark_steps))
    # The running totals per reseller, then per offer: two small groupings rather than
    # every (reseller, offer) pair.
    totals = RunningTotal.objects.filter(provider=provider).order_by()
    for reseller, s, n, c in _tuples(totals.filter(reseller__isnull=False)
                                     .values_list("reseller").annotate(
                                         Sum("subscriptions"), Sum("licences"),
                                         Sum("customers"))):
        row = rows.get(reseller)
        if row is not None:
            row.subscriptions, row.licences, row.customers = s or 0, n or 0, c or 0
    products = {name: [s or 0, n or 0] for name, s, n in (
        totals.filter(offer__isnull=False).values_list("offer__name")
        .annotate(Sum("subscriptions"), Sum("licences")))}
    series = {day: [0, 0, 0] for day in steps}
    for b, new, gone, paused in (
            ProviderDay.objects.filter(provider=provider, day__gte=period.start,
                                       day__lte=period.end).order_by()
            .values_list(_bucket(period.grain))
            .annotate(Sum("new_subscriptions"), Sum("cancelled"), Sum("suspended"))):
        if b in series:
            series[b] = [new, gone, paused]
    by_text = _text_keys(rows)
    for reseller, b, new, sold, gone in _reseller_steps(provider, period, spark_grain):
        row = by_text.get(reseller)
        if row is None:  # a former partner's sales: in the series only
            continue
        row.new_subscriptions += new
        row.licences_sold += sold
        row.cancelled += gone
        if b in index:
            row.trend[index[b]] += new
    top_products = sorted(((name, v[0], v[1]) for name, v in products.items() if v[0]),
                          key=lambda p: (-p[1], -p[2], p[0]))[:TOP]
    markets: dict[str, list[Any]] = {}
    for row in rows.values():
        entry = markets.setdefault(row.country, [row.country, row.country_name, 0, 0])
        entry[2] += 1
        entry[3] += row.subscriptions
    listed = list(rows.values())
    customers = sum(r.customers for r in listed)
    licences = sum(r.licences for r in listed)
    summary = {
        "total": len(listed),
        "new": sum(1 for r in listed if period.start <= r.since <= period.end),
        "active": sum(1 for r in listed if r.subscriptions > 0),
        "transacting": sum(1 for r in listed if r.new_subscriptions > 0),
        "customers": customers, "licences": licences,
        "subscriptions": sum(r.subscriptions for r in listed),
        "new_subscriptions": sum(v[0] for v in series.values()),
        "licences_per_customer": _ratio(licences, customers),
    }
    return ProviderFigures(
        period=period, buckets=steps, rows=listed,
        new_resellers=sorted((r for r in listed if period.start <= r.since <= period.end),
                             key=lambda r: (r.since, r.name), reverse=True),
        series=[(day, values[0], values[1], values[2]) for day, values in series.items()],
        markets=sorted(((m[0], m[1], m[2], m[3]) for m in markets.values()),
                       key=lambda m: (-m[2], m[1])),
        products=top_products, summary=summary)


@dataclass
class ResellerFigures:
    period: Period
    buckets: list[date]
    # provider name → [(customers, subscriptions, licences) at each bucket's end]
    over_time: dict[str, list[tuple[int, int, int]]]
    providers: list[tuple[str, int, int, int]]  # name, customers, subscriptions, licences
    incentive_months: list[tuple[date, int]]     # month, incentive-eligible licences
    top_customers: list[tuple[str, int, int]]    # name, subscriptions, licences
    top_products: list[tuple[str, int, int]]     # offer, subscriptions, licences


def _last_day(step: date, grain: str) -> date:
    if grain == "day":
        return step
    if grain == "week":
        return step + timedelta(days=6)
    return (step.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def reseller_figures(*, reseller: Organization, period: Period) -> ResellerFigures:
    """A reseller's own figures across its providers: levels over the period (today's
    totals less what changed after each bucket), incentive-eligible licences by month, its
    top customers and products."""
    steps = buckets(period)
    totals = {t["provider__name"]: [0, t["s"] or 0, t["n"] or 0] for t in (
        RunningTotal.objects.filter(reseller=reseller).order_by()
        .values("provider__name").annotate(s=Sum("subscriptions"), n=Sum("licences")))}
    for c in (customer_list(organization=reseller).order_by().values("provider__name")
              .annotate(n=Count("pk"))):
        totals.setdefault(c["provider__name"], [0, 0, 0])[0] = c["n"]
    # What changed since each bucket began, per provider: levels walk back from today.
    changes: dict[str, dict[date, list[int]]] = defaultdict(dict)
    since = min(period.start, steps[0]) if steps else period.start
    for r in (DailyRollup.objects.filter(reseller=reseller, day__gte=since).order_by()
              .values("provider__name", "day")
              .annotate(c=Sum("customers_net"), s=Sum("subscriptions_net"),
                        n=Sum("licences_net"))):
        changes[r["provider__name"]][r["day"]] = [r["c"], r["s"], r["n"]]
    over_time = {}
    for name, (customers, subscriptions, licences) in sorted(totals.items()):
        levels = []
        for step in steps:
            end = _last_day(step, period.grain)
            after = [v for day, v in changes[name].items() if day > end]
            levels.append((customers - sum(v[0] for v in after),
                           subscriptions - sum(v[1] for v in after),
                           licences - sum(v[2] for v in after)))
        over_time[name] = levels
    # Incentive-eligible licences in each of the last 12 months, as the Incentives page
    # counts them (apps.incentives: active ones, not suspended ones).
    today = timezone.localdate()
    first = (today.replace(day=1) - timedelta(days=335)).replace(day=1)
    months = []
    day = first
    while day <= today:
        months.append(day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    incentive_months = incentive_licenses_by_month(reseller=reseller, months=months)
    top_customers = _top_customers(reseller)
    top_products = [(r["offer__name"], r["s"] or 0, r["n"] or 0) for r in (
        RunningTotal.objects.filter(reseller=reseller).order_by().values("offer__name")
        .annotate(s=Sum("subscriptions"), n=Sum("licences"))
        .filter(s__gt=0).order_by("-s", "offer__name")[:TOP])]
    return ResellerFigures(
        period=period, buckets=steps, over_time=over_time,
        providers=[(name, values[0], values[1], values[2])
                   for name, values in sorted(totals.items())],
        incentive_months=incentive_months, top_customers=top_customers,
        top_products=top_products)


def _top_customers(reseller: Organization) -> list[tuple[str, int, int]]:
    """(name, live subscriptions, licences) of the customers with the most licences credited
    to the reseller. Summed per customer id first (an index scan of its credited
    subscriptions), then named: only the candidates' names are read (a join of thousands of
    subscriptions to the customers made PostgreSQL scan every customer)."""
    live = incentive_subscriptions(reseller=reseller).filter(
        status__in=("active", "suspended")).order_by()
    sums = sorted(((n or 0, s, customer) for customer, s, n in
                   live.values_list("customer_id").annotate(Count("pk"), Sum("quantity"))),
                  key=lambda t: t[0], reverse=True)
    if not sums:
        return []
    # Ties at the tenth are named too: the order among equals is by name.
    floor = sums[min(TOP, len(sums)) - 1][0]
    candidates = [t for t in sums if t[0] >= floor]
    names = dict(live.filter(customer_id__in=[t[2] for t in candidates])
                 .values_list("customer_id", "customer__name").distinct())
    return sorted(((names.get(c, ""), s, n) for n, s, c in candidates),
                  key=lambda t: (-t[2], t[0]))[:TOP]
