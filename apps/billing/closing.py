"""Closing a month: each monthly-billed subscription's month charged, then per provider an
invoice to each reseller and direct customer, and per reseller a draft statement to each of
its customers (docs/billing.md). One transaction per provider; closing a month twice
makes nothing twice."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.audit.services import record
from apps.catalog.selectors import offer_get
from apps.organizations.selectors import organization_list
from apps.outbox.services import enqueue
from apps.subscriptions.selectors import subscriptions_billed_monthly
from apps.webhooks.services import emit_many

from .charges import DELTA_KINDS, month_period
from .mailing import mail_invoices
from .models import BillingProfile, Charge, Invoice, InvoiceCounter, TaxRate
from .pricing import HUNDRED, cents, month_bounds
from .selectors import Prices

if TYPE_CHECKING:
    from apps.organizations.models import Organization

BATCH = 5000
# Stands for "no reseller" in the quotes' join (a NULL would not match).
NOBODY = "00000000-0000-0000-0000-000000000000"


@dataclass
class Closed:
    """What a close made, per provider added up."""

    monthly_charges: int = 0
    invoices: int = 0
    # This run's invoices and statements carry it: the charges join them by it.
    stamp: datetime = field(default_factory=timezone.now)
    statements: int = 0
    numbers: list[int] = field(default_factory=list)


def month_close(*, month: date, today: date | None = None) -> Closed:
    """Close `month` (any day of it) for every provider."""
    first, _last = month_bounds(month)
    today = today or month_bounds(first)[1] + timedelta(days=1)
    closed = Closed()
    for provider in organization_list(kind="provider").order_by("pk"):
        result = provider_month_close(provider=provider, month=first, today=today)
        closed.monthly_charges += result.monthly_charges
        closed.invoices += result.invoices
        closed.statements += result.statements
    return closed


def invoice_counter_lock(*, issuer_id: Any) -> InvoiceCounter:
    """The issuer's counter row, locked until the caller's transaction ends: numbers are
    taken one transaction at a time, so they have no gaps."""
    InvoiceCounter.objects.get_or_create(issuer_id=issuer_id)
    return InvoiceCounter.objects.select_for_update().get(issuer_id=issuer_id)


@transaction.atomic
def provider_month_close(*, provider: Organization, month: date, today: date) -> Closed:
    first, last = month_bounds(month)
    # One close of a provider at a time: the counter row is the lock.
    counter = invoice_counter_lock(issuer_id=provider.pk)
    closed = Closed()
    # The month's charges are priced first (a table of this transaction), the invoices
    # and statements made from them and the charges already posted, and only then are
    # they written, each with its invoice and statement: 100,000 rows written once, not
    # inserted and then updated.
    _monthly_charges(provider, first)
    new_invoices = _invoices(provider, first, last, today, counter, closed)
    _statements(provider, first, last, today, closed)
    closed.monthly_charges = _monthly_insert(first, closed)
    if new_invoices or closed.statements:
        _link(provider, first, last, closed)
    if new_invoices or closed.monthly_charges or closed.statements:
        record(actor=None, organization=provider, action="billing.month_closed",
               data={"month": first.isoformat(), "invoices": closed.invoices,
                     "statements": closed.statements,
                     "monthly_charges": closed.monthly_charges})
    if new_invoices:
        # The recipients' admins are mailed once this transaction commits.
        enqueue(mail_invoices,
                key=f"month-close:{provider.pk}:{first:%Y-%m}:mail",
                provider_id=str(provider.pk), month=first.isoformat())
    return closed


# The month's charges of one close, before they are written (a table of the transaction).
MONTHLY = "billing_close_monthly"
# Its columns, as billing_charge's.
MONTHLY_COLUMNS = ("kind, provider_id, reseller_id, customer_id, customer_organization_id,"
                   " subscription_id, offer_id, quantity, period_start, period_end, days,"
                   " period_days, currency, cost_unit, reseller_unit, customer_unit,"
                   " cost_amount, reseller_amount, customer_amount, posted_on")


def _qualified(alias: str) -> str:
    return ", ".join(f"{alias}.{name.strip()}" for name in MONTHLY_COLUMNS.split(","))


def _monthly_charges(provider: Organization, first: date) -> int:
    """The month's charge of every monthly-billed subscription not charged for it yet, for
    the licences it had on the month's first day: its licences now (none once closed),
    less those lines charged since the 1st (they are charged to the month's end already).
    Written to MONTHLY (not to the charges yet: _monthly_insert does, with their invoice).

    One CREATE … AS SELECT: the subscriptions come from their selector's query, the prices
    from a table of quotes (one per offer and reseller, priced here), the licences charged
    since the 1st from this app's charges. A whole month is unit x licences: no rounding."""
    period = month_period(first)
    charged_since = Charge.objects.filter(provider_id=provider.pk, posted_on__gte=first,
                                          kind__in=DELTA_KINDS).values("subscription_id")
    subscriptions = subscriptions_billed_monthly(provider_id=provider.pk, also=charged_since)
    prices = Prices(provider)
    quotes = []
    for offer_id, reseller_id in (subscriptions.values_list("offer_id", "reseller_of_record_id")
                                  .distinct()):
        quote = prices.quote(offer_get(pk=offer_id), reseller_id, first)
        quotes.append((offer_id, reseller_id or NOBODY, quote.cost, quote.reseller_price,
                       quote.customer_price, quote.currency))
    sql, params = (subscriptions.values_list(
        "pk", "quantity", "status", "reseller_of_record_id", "term_start", "offer_id",
        "customer_id", "customer__organization_id").query.sql_with_params())
    with connection.cursor() as cursor:
        # A test (or a close of two providers in one transaction) may have left it.
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{MONTHLY}")
        if not quotes:
            cursor.execute(f"CREATE TEMPORARY TABLE {MONTHLY} ON COMMIT DROP AS"  # noqa: S608
                           f" SELECT {MONTHLY_COLUMNS} FROM billing_charge WHERE false")
            return 0
        values = ", ".join(["(%s::uuid, %s::uuid, %s::numeric, %s::numeric, %s::numeric, %s)"]
                           * len(quotes))
        with _hash_joins(cursor):
            # Only the selector's compiled SQL and placeholders are spliced in; values are
            # params.
            cursor.execute(
                f"CREATE TEMPORARY TABLE {MONTHLY} ON COMMIT DROP AS"  # noqa: S608
                " SELECT 'monthly'::varchar AS kind, %s::uuid AS provider_id,"
                " s.reseller_id, s.customer_id, s.organization_id AS customer_organization_id,"
                " s.sid AS subscription_id, s.offer_id, n.licences AS quantity,"
                " %s::date AS period_start, %s::date AS period_end, %s::integer AS days,"
                " %s::integer AS period_days, q.currency::varchar AS currency,"
                " q.cost AS cost_unit, q.reseller_price AS reseller_unit,"
                " q.customer_price AS customer_unit, q.cost * n.licences AS cost_amount,"
                " q.reseller_price * n.licences AS reseller_amount,"
                " q.customer_price * n.licences AS customer_amount, %s::date AS posted_on"
                f" FROM ({sql}) AS s(sid, quantity, status, reseller_id, term_start, offer_id,"
                " customer_id, organization_id)"
                f" JOIN (VALUES {values}) AS q(offer_id, reseller_id, cost, reseller_price,"
                " customer_price, currency) ON q.offer_id = s.offer_id"
                " AND q.reseller_id = COALESCE(s.reseller_id, %s::uuid)"
                " LEFT JOIN (SELECT subscription_id, SUM(quantity) AS licences"
                "  FROM billing_charge WHERE provider_id = %s AND posted_on >= %s"
                "  AND kind <> 'monthly' GROUP BY subscription_id) AS d"
                "  ON d.subscription_id = s.sid"
                " CROSS JOIN LATERAL (SELECT (CASE WHEN s.status IN ('active', 'suspended')"
                "  THEN s.quantity ELSE 0 END) - COALESCE(d.licences, 0) AS licences) AS n"
                " WHERE n.licences > 0 AND s.term_start <= %s"
                # Charged for this month already (a second close): not again.
                " AND NOT EXISTS (SELECT 1 FROM billing_charge m WHERE m.kind = 'monthly'"
                "  AND m.subscription_id = s.sid AND m.period_start = %s)",
                [provider.pk, period.start, period.end, period.days, period.period_days,
                 first, *params, *[v for quote in quotes for v in quote], NOBODY,
                 provider.pk, first, period.end, period.start])
            count = int(cursor.rowcount)
        # Its statistics, for the joins of the invoices and statements.
        cursor.execute(f"ANALYZE {MONTHLY}")
    return count


def _monthly_insert(first: date, closed: Closed) -> int:
    """The month's charges (MONTHLY) written, each joined to this run's invoice and
    statement of its buyer (none when its buyer was invoiced for the month by an earlier
    close: it waits for the next month's)."""
    with connection.cursor() as cursor, _hash_joins(cursor):
        cursor.execute(
            f"INSERT INTO billing_charge (id, {MONTHLY_COLUMNS}, invoice_id, statement_id,"  # noqa: S608
            f" created_at) SELECT gen_random_uuid(), {_qualified('c')}, i.id, st.id, now()"
            f" FROM {MONTHLY} c"
            " LEFT JOIN billing_invoice i ON i.kind = 'invoice' AND i.issuer_id = c.provider_id"
            "  AND i.month = %s AND i.created_at = %s AND i.currency = c.currency"
            "  AND i.recipient_id = COALESCE(c.reseller_id, c.customer_organization_id)"
            " LEFT JOIN billing_invoice st ON c.reseller_id IS NOT NULL"
            "  AND st.kind = 'statement' AND st.month = %s AND st.created_at = %s"
            "  AND st.currency = c.currency AND st.issuer_id = c.reseller_id"
            "  AND st.recipient_id = c.customer_organization_id"
            " ON CONFLICT DO NOTHING",
            [first, closed.stamp, first, closed.stamp])
        return int(cursor.rowcount)


@contextmanager
def _hash_joins(cursor: Any) -> Iterator[None]:
    """The charges just written are not in the planner's statistics yet: it would take
    them for a handful and join each to every invoice of the month in a nested loop (100,000
    charges x 2,000 invoices). Hash joins instead, for the statement, in this transaction."""
    cursor.execute("SET LOCAL enable_nestloop = off")
    try:
        yield
    finally:
        cursor.execute("SET LOCAL enable_nestloop = on")


def _parties(ids: set[Any]) -> dict[Any, Any]:
    return {org.pk: org for org in organization_list().filter(pk__in=ids)
            .only("pk", "name", "country")}


def _tax(provider: Organization, subtotal: Decimal, buyer: Any, tax_ids: dict[Any, str],
         rates: dict[str, Decimal], seller_country: str) -> tuple[Decimal, Decimal, bool]:
    """(rate, tax, reverse charge): a buyer with a tax id in another country than the
    seller's pays no tax here (it accounts for it itself)."""
    country = str(buyer.country or "")
    if tax_ids.get(buyer.pk) and country and seller_country and country != seller_country:
        return Decimal(0), Decimal(0), True
    rate = rates.get(country, Decimal(0))
    return rate, cents(subtotal * rate / HUNDRED), False


def _invoices(provider: Organization, first: date, last: date, today: date,
              counter: InvoiceCounter, closed: Closed) -> list[Invoice]:
    """One invoice per buyer and currency of the provider's charges not yet invoiced:
    its resellers (their price), its direct customers (the provider's list price)."""
    with connection.cursor() as cursor:
        # The charges posted and not invoiced yet, and the month's about to be (MONTHLY).
        cursor.execute(
            "SELECT buyer, currency, SUM(amount) FROM ("  # noqa: S608
            " SELECT COALESCE(reseller_id, customer_organization_id) AS buyer, currency,"
            "  reseller_amount AS amount FROM billing_charge WHERE provider_id = %s"
            "  AND invoice_id IS NULL AND posted_on <= %s"
            " UNION ALL SELECT COALESCE(reseller_id, customer_organization_id), currency,"
            f"  reseller_amount FROM {MONTHLY}) AS u GROUP BY buyer, currency",
            [provider.pk, last])
        groups = [{"buyer": uuid.UUID(str(buyer)), "currency": currency, "subtotal": subtotal}
                  for buyer, currency, subtotal in cursor.fetchall()]
    existing = set(Invoice.objects.filter(issuer=provider, month=first,
                                          kind=Invoice.Kind.INVOICE)
                   .values_list("recipient_id", "currency"))
    # A buyer invoiced for this month already (a second close) waits for next month's.
    groups = [g for g in groups if (g["buyer"], g["currency"]) not in existing]
    if not groups:
        return []
    parties = _parties({g["buyer"] for g in groups} | {provider.pk})
    tax_ids = dict(BillingProfile.objects.filter(
        organization_id__in=list(parties)).values_list("organization_id", "tax_id"))
    rates = dict(TaxRate.objects.filter(provider=provider).values_list("country", "rate"))
    seller = parties[provider.pk]
    seller_country = str(seller.country or "")
    groups.sort(key=lambda g: (parties[g["buyer"]].name.lower(), g["currency"],
                               str(g["buyer"])))
    due = today + timedelta(days=settings.PORTAL_INVOICE_DUE_DAYS)
    created = closed.stamp
    invoices = []
    number = counter.last_number
    for group in groups:
        buyer = parties[group["buyer"]]
        subtotal = group["subtotal"]
        rate, tax, reverse = _tax(provider, subtotal, buyer, tax_ids, rates, seller_country)
        number += 1
        invoices.append(Invoice(
            kind=Invoice.Kind.INVOICE, status=Invoice.Status.ISSUED, issuer_id=provider.pk,
            recipient_id=buyer.pk, month=first, currency=group["currency"], number=number,
            subtotal=subtotal, tax_rate=rate, tax=tax, total=subtotal + tax,
            reverse_charge=reverse, issuer_name=seller.name, issuer_country=seller_country,
            issuer_tax_id=tax_ids.get(provider.pk, ""), recipient_name=buyer.name,
            recipient_country=str(buyer.country or ""),
            recipient_tax_id=tax_ids.get(buyer.pk, ""), issued_on=today, due_on=due,
            created_at=created))
    Invoice.objects.bulk_create(invoices, batch_size=BATCH)
    counter.last_number = number
    counter.save(update_fields=["last_number"])
    closed.invoices += len(invoices)
    closed.numbers += [invoice.number for invoice in invoices]
    # To the endpoints of the issuer and of the recipient: one emit_many for the month.
    emit_many("invoice.issued", [(invoice, [invoice.issuer_id, invoice.recipient_id],
                                  invoice.pk) for invoice in invoices])
    return invoices


def _statements(provider: Organization, first: date, last: date, today: date,
                closed: Closed) -> None:
    """Per reseller, a draft statement to each of its customers at its own prices (the
    provider's tax rate of the customer's country): one INSERT … SELECT of the charges'
    sums, the parties' names from the organizations' selector query, then the charges
    joined to them."""
    created = closed.stamp
    parties, parties_params = (organization_list().values_list("pk", "name", "country")
                               .query.sql_with_params())
    due = today + timedelta(days=settings.PORTAL_INVOICE_DUE_DAYS)
    with connection.cursor() as cursor, _hash_joins(cursor):
        # Only the selector's compiled SQL is spliced in; values are params.
        cursor.execute(
            "INSERT INTO billing_invoice (id, kind, status, issuer_id, recipient_id, month,"  # noqa: S608
            " currency, number, subtotal, tax_rate, tax, total, reverse_charge, issuer_name,"
            " issuer_country, issuer_tax_id, recipient_name, recipient_country,"
            " recipient_tax_id, issued_on, due_on, created_at)"
            " SELECT gen_random_uuid(), 'statement', 'draft', g.reseller_id, g.buyer_id, %s,"
            " g.currency, 0, g.subtotal, COALESCE(r.rate, 0),"
            " ROUND(g.subtotal * COALESCE(r.rate, 0) / 100, 2),"
            " g.subtotal + ROUND(g.subtotal * COALESCE(r.rate, 0) / 100, 2), false,"
            " seller.name, seller.country, '', buyer.name, buyer.country, '', %s, %s, %s"
            " FROM (SELECT reseller_id, customer_organization_id AS buyer_id, currency,"
            "  SUM(customer_amount) AS subtotal FROM ("
            "  SELECT reseller_id, customer_organization_id, currency, customer_amount"
            "  FROM billing_charge WHERE provider_id = %s AND reseller_id IS NOT NULL"
            "  AND statement_id IS NULL AND posted_on <= %s"
            "  UNION ALL SELECT reseller_id, customer_organization_id, currency,"
            f"  customer_amount FROM {MONTHLY} WHERE reseller_id IS NOT NULL) AS x"
            "  GROUP BY 1, 2, 3) AS g"
            f" JOIN ({parties}) AS seller(id, name, country) ON seller.id = g.reseller_id"
            f" JOIN ({parties}) AS buyer(id, name, country) ON buyer.id = g.buyer_id"
            " LEFT JOIN billing_taxrate AS r ON r.provider_id = %s"
            "  AND r.country = buyer.country"
            " ON CONFLICT DO NOTHING",
            [first, today, due, created, provider.pk, last, *parties_params, *parties_params,
             provider.pk])
        closed.statements += int(cursor.rowcount)


def _link(provider: Organization, first: date, last: date, closed: Closed) -> None:
    """Each charge not invoiced (or not on a statement) yet joins this run's invoice and
    statement of its buyer: one UPDATE, each charge row written once. (A buyer invoiced
    for the month by an earlier close has no invoice of this run: its charges wait.)"""
    with connection.cursor() as cursor, _hash_joins(cursor):
        cursor.execute(
            "UPDATE billing_charge c SET invoice_id = COALESCE(c.invoice_id, m.invoice_id),"
            " statement_id = COALESCE(c.statement_id, m.statement_id)"
            " FROM (SELECT x.id, i.id AS invoice_id, s.id AS statement_id"
            "  FROM billing_charge x"
            "  LEFT JOIN billing_invoice i ON x.invoice_id IS NULL AND i.kind = 'invoice'"
            "   AND i.issuer_id = x.provider_id AND i.month = %s AND i.created_at = %s"
            "   AND i.currency = x.currency"
            "   AND i.recipient_id = COALESCE(x.reseller_id, x.customer_organization_id)"
            "  LEFT JOIN billing_invoice s ON x.statement_id IS NULL AND s.kind = 'statement'"
            "   AND s.month = %s AND s.created_at = %s AND s.currency = x.currency"
            "   AND s.issuer_id = x.reseller_id AND s.recipient_id = x.customer_organization_id"
            "  WHERE x.provider_id = %s AND x.posted_on <= %s"
            "  AND (x.invoice_id IS NULL OR (x.reseller_id IS NOT NULL"
            "   AND x.statement_id IS NULL))) AS m"
            " WHERE c.id = m.id AND (m.invoice_id IS NOT NULL OR m.statement_id IS NOT NULL)",
            [first, closed.stamp, first, closed.stamp, provider.pk, last])
