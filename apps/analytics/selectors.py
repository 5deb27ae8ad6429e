"""Analytics reads: a provider's reseller figures and a reseller's own, from the daily
rollups and running totals only (never the subscriptions), a handful of grouped queries
per page whatever the period."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from apps.customers.selectors import customer_list
from apps.incentives.selectors import incentive_subscriptions
from apps.partnerships.selectors import partnership_list

from .models import DailyRollup, RunningTotal
from .periods import Period, buckets

if TYPE_CHECKING:
    from apps.organizations.models import Organization

TOP = 10


def _ratio(part: int, whole: int) -> Decimal | None:
    """A ratio to one decimal (an average shown as 2.5); None when there is no whole."""
    return round(Decimal(part) / Decimal(whole), 1) if whole else None


def _bucket(period: Period) -> Any:
    if period.grain == "week":
        return TruncWeek("day")
    if period.grain == "month":
        return TruncMonth("day")
    return F("day")


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
    products: list[tuple[str, int, int]]      # offer, live subscriptions, new in period
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
    """Everything the Reseller analytics page shows, in six queries."""
    in_period = DailyRollup.objects.filter(provider=provider, day__gte=period.start,
                                           day__lte=period.end).order_by()
    steps = buckets(period)
    index = {day: n for n, day in enumerate(steps)}
    rows: dict[Any, ResellerRow] = {}
    for p in partnership_list(provider=provider, count_credited=False):
        org = p.reseller
        extension = getattr(org, "reseller", None)
        rows[org.pk] = ResellerRow(
            # django-countries' Country (the stubs see the column's str).
            id=org.pk, name=org.name, country=getattr(org.country, "code", "") or "",
            country_name=str(getattr(org.country, "name", "") or ""),
            address=getattr(extension, "address", "") or "",
            since=timezone.localdate(p.accepted_at),
            customers=getattr(p, "customer_count", 0) or 0,
            trend=[0] * len(steps))
    for t in (RunningTotal.objects.filter(provider=provider, reseller__isnull=False).order_by()
              .values("reseller").annotate(s=Sum("subscriptions"), n=Sum("licences"))):
        if t["reseller"] in rows:
            rows[t["reseller"]].subscriptions = t["s"] or 0
            rows[t["reseller"]].licences = t["n"] or 0
    for r in (in_period.filter(reseller__isnull=False).values("reseller", b=_bucket(period))
              .annotate(new=Sum("new_subscriptions"), sold=Sum("licences_sold"),
                        gone=Sum("cancelled"))):
        row = rows.get(r["reseller"])
        if row is None:  # a former partner: its sales are in the provider's totals only
            continue
        row.new_subscriptions += r["new"]
        row.licences_sold += r["sold"]
        row.cancelled += r["gone"]
        if r["b"] in index:
            row.trend[index[r["b"]]] += r["new"]
    series = {day: [0, 0, 0] for day in steps}
    for d in (in_period.values(b=_bucket(period))
              .annotate(new=Sum("new_subscriptions"), gone=Sum("cancelled"),
                        paused=Sum("suspended"))):
        if d["b"] in series:
            series[d["b"]] = [d["new"], d["gone"], d["paused"]]
    sold = dict(in_period.values_list("offer__name").annotate(n=Sum("new_subscriptions")))
    products = [(t["offer__name"], t["s"] or 0, sold.get(t["offer__name"], 0) or 0)
                for t in (RunningTotal.objects.filter(provider=provider).order_by()
                          .values("offer__name").annotate(s=Sum("subscriptions")))]
    products = sorted((p for p in products if p[1] or p[2]),
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
        products=products, summary=summary)


@dataclass
class ResellerFigures:
    period: Period
    buckets: list[date]
    # provider name → [(customers, subscriptions, licences) at each bucket's end]
    over_time: dict[str, list[tuple[int, int, int]]]
    providers: list[tuple[str, int, int, int]]  # name, customers, subscriptions, licences
    incentive_months: list[tuple[date, int]]     # month, licences credited at its end
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
              .annotate(c=Sum("new_customers"), s=Sum("subscriptions_net"),
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
    # Incentive-eligible licences (credited to the reseller) at each of the last 12
    # months' ends, from the same walk back over the monthly net changes.
    today = timezone.localdate()
    first = (today.replace(day=1) - timedelta(days=335)).replace(day=1)
    months = []
    day = first
    while day <= today:
        months.append(day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    monthly = dict(DailyRollup.objects.filter(reseller=reseller, day__gte=first).order_by()
                   .annotate(m=TruncMonth("day")).values_list("m")
                   .annotate(n=Sum("licences_net")))
    current = sum(t[2] for t in totals.values())
    incentive_months = []
    for month in months:
        after = sum(n for m, n in monthly.items() if m > month)
        incentive_months.append((month, current - after))
    top_customers = [(r["customer__organization__name"], r["s"], r["n"] or 0) for r in (
        incentive_subscriptions(reseller=reseller).filter(Q(status__in=("active", "suspended")))
        .order_by().values("customer__organization__name")
        .annotate(s=Count("pk"), n=Sum("quantity")).order_by("-n", "customer__organization__name")
        [:TOP])]
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
