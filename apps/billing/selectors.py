"""Billing reads: the prices an organization pays and charges, price lists, invoices and
charges, each scoped to the organization asking."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.i18n import format_money
from apps.organizations.roles import Role
from apps.organizations.selectors import member_emails

from .documents import Line
from .documents import invoice_csv as _invoice_csv
from .documents import invoice_pdf as _invoice_pdf
from .models import (
    BillingProfile,
    Charge,
    CreditNoteLine,
    Invoice,
    PriceList,
    PriceRule,
    ResellerAccount,
    TaxRate,
)
from .pricing import (
    NO_MARGIN,
    Rule,
    margin_percent,
    month_bounds,
    prorate,
    purchase_period,
)

if TYPE_CHECKING:
    from uuid import UUID

    from django.db.models import QuerySet

    from apps.catalog.models import Offer
    from apps.organizations.models import Organization

    # customers.Customer: customers sits above billing, which cannot name it.
    Customer: TypeAlias = Any


# ------------------------------------------------------------------ prices


@dataclass(frozen=True)
class Quote:
    """One licence of an offer for one period: what the provider pays (cost), what the
    reseller pays the provider, what the customer pays (its reseller, or the provider)."""

    cost: Decimal
    reseller_price: Decimal
    customer_price: Decimal
    currency: str


class Prices:
    """Price lookups for one provider, the rules of its lists read once (a month close
    prices 100,000 subscriptions with a handful of queries)."""

    def __init__(self, provider: Organization | UUID) -> None:
        self.provider_id: UUID = provider if isinstance(provider, uuid.UUID) else provider.pk
        self._rules: dict[UUID, list[tuple[UUID | None, date, Rule]]] = defaultdict(list)
        self._lists_loaded: set[UUID] = set()
        self._default_list: UUID | None = None
        self._reseller_lists: dict[UUID, UUID | None] = {}
        self._own_lists: dict[UUID, UUID | None] = {}
        default = PriceList.objects.filter(owner_id=self.provider_id, is_default=True).first()
        self._default_list = default.pk if default else None
        for account in ResellerAccount.objects.filter(provider_id=self.provider_id):
            self._reseller_lists[account.reseller_id] = account.price_list_id

    def _load(self, list_ids: set[UUID]) -> None:
        missing = list_ids - self._lists_loaded
        if not missing:
            return
        for rule in PriceRule.objects.filter(price_list_id__in=missing).order_by(
                "-effective_from"):
            self._rules[rule.price_list_id].append(
                (rule.offer_id, rule.effective_from,
                 Rule(rule.margin_percent, rule.fixed_price)))
        self._lists_loaded |= missing

    def _rule(self, list_id: UUID | None, offer_id: UUID, on: date) -> Rule:
        if list_id is None:
            return NO_MARGIN
        self._load({list_id})
        fallback = None
        for rule_offer, effective, rule in self._rules[list_id]:  # latest first
            if effective > on:
                continue
            if rule_offer == offer_id:
                return rule
            if rule_offer is None and fallback is None:
                fallback = rule
        return fallback or NO_MARGIN

    def reseller_list(self, reseller_id: UUID | None) -> UUID | None:
        if reseller_id is None:
            return self._default_list
        return self._reseller_lists.get(reseller_id) or self._default_list

    def own_list(self, reseller_id: UUID) -> UUID | None:
        if reseller_id not in self._own_lists:
            own = PriceList.objects.filter(owner_id=reseller_id, is_default=True).first()
            self._own_lists[reseller_id] = own.pk if own else None
        return self._own_lists[reseller_id]

    def quote(self, offer: Offer, reseller_id: UUID | None, on: date) -> Quote:
        """A reseller's customer pays the reseller's list over the reseller's price; a
        direct customer pays the provider's default list over cost."""
        cost = offer.unit_price
        reseller_price = self._rule(self.reseller_list(reseller_id), offer.pk, on).apply(cost)
        if reseller_id is None:
            customer_price = reseller_price
        else:
            customer_price = self._rule(self.own_list(reseller_id), offer.pk, on).apply(
                reseller_price)
        return Quote(cost, reseller_price, customer_price, offer.currency)


@dataclass(frozen=True)
class ViewerPrice:
    """What the organization looking at an order pays per licence, what its buyer pays it
    (`sells_for`), and its margin."""

    offer: Offer
    quantity: int
    pays: Decimal
    sells_for: Decimal
    currency: str

    @property
    def unit_price(self) -> Decimal:
        return self.pays

    @property
    def margin(self) -> Decimal:
        return self.sells_for - self.pays

    @property
    def margin_percent(self) -> Decimal | None:
        return margin_percent(self.sells_for, self.pays)

    @property
    def total(self) -> Decimal:
        return self.pays * self.quantity


def viewer_prices(*, viewer: Organization, provider: Organization,
                  reseller: Organization | None, lines: list[tuple[Offer, int]],
                  on: date) -> list[ViewerPrice]:
    """The New subscription and Review pages: for each (offer, licences), what `viewer`
    pays per licence (the provider: cost; the reseller: its price) and sells it for."""
    prices = Prices(provider)
    reseller_id = reseller.pk if reseller is not None else None
    result = []
    for offer, quantity in lines:
        quote = prices.quote(offer, reseller_id, on)
        if viewer.pk == provider.pk:
            pays, sells = quote.cost, quote.reseller_price
        else:
            pays, sells = quote.reseller_price, quote.customer_price
        result.append(ViewerPrice(offer, quantity, pays, sells, quote.currency))
    return result


# ------------------------------------------------------------------ price lists


def price_lists(*, owner: Organization) -> QuerySet[PriceList]:
    return PriceList.objects.filter(owner=owner).prefetch_related("rules__offer")


def own_price_list_of(*, reseller: Organization) -> PriceList | None:
    """A reseller's one list for its customers, when it made one."""
    return PriceList.objects.filter(owner=reseller, is_default=True).first()


def price_list_get(*, owner: Organization, pk: UUID) -> PriceList:
    return get_object_or_404(PriceList, owner=owner, pk=pk)


def price_rule_get(*, owner: Organization, pk: UUID) -> PriceRule:
    return get_object_or_404(PriceRule.objects.select_related("price_list", "offer"),
                             price_list__owner=owner, pk=pk)


def reseller_accounts(*, provider: Organization) -> dict[UUID, ResellerAccount]:
    """{reseller id: what the provider set for it}."""
    return {account.reseller_id: account for account in
            ResellerAccount.objects.filter(provider=provider).select_related("price_list")}


def tax_rates(*, provider: Organization) -> QuerySet[TaxRate]:
    return TaxRate.objects.filter(provider=provider)


def tax_id_of(*, organization: Organization) -> str:
    profile = BillingProfile.objects.filter(organization=organization).first()
    return profile.tax_id if profile else ""


# ------------------------------------------------------------------ credit


def month_to_date(*, provider: Organization, reseller: Organization,
                  on: date) -> dict[str, Decimal]:
    """{currency: what `reseller` owes `provider` for charges posted this month so far}."""
    first, last = month_bounds(on)
    rows = (Charge.objects.filter(provider=provider, reseller=reseller,
                                  posted_on__range=(first, last))
            .values("currency").annotate(total=Sum("reseller_amount")).order_by())
    return {row["currency"]: row["total"] for row in rows}


def credit_limit_of(*, provider: Organization, reseller: Organization) -> Decimal | None:
    return (ResellerAccount.objects.filter(provider=provider, reseller=reseller)
            .values_list("credit_limit", flat=True).first())


# ------------------------------------------------------------------ invoices and charges


def invoice_list(*, organization: Organization) -> QuerySet[Invoice]:
    """Invoices an organization issued or received; a reseller's customers do not see its
    draft statements."""
    return (Invoice.objects.filter(Q(issuer=organization)
                                   | Q(recipient=organization, status__in=["issued", "paid"]))
            .order_by("-month", "-issued_on", "issuer_name", "number", "recipient_name"))


def invoice_get(*, organization: Organization, pk: UUID) -> Invoice:
    return get_object_or_404(invoice_list(organization=organization), pk=pk)


def invoice_charges(*, invoice: Invoice) -> QuerySet[Charge]:
    charges = invoice.statement_charges if invoice.kind == Invoice.Kind.STATEMENT \
        else invoice.charges
    return (charges.select_related("customer", "offer", "reseller")
            .order_by("customer__name", "offer__name", "period_start", "created_at"))


def invoice_totals(*, invoices: QuerySet[Invoice]) -> list[dict[str, Any]]:
    """Totals per currency of a list of invoices."""
    # The stubs type an annotated values() as TypedDicts, not the dicts it yields.
    return list(invoices.order_by().values("currency").annotate(  # type: ignore[arg-type]
        total=Coalesce(Sum("total"), Decimal(0))).order_by("currency"))


def invoice_filter(invoices: QuerySet[Invoice], *, status: str = "",
                   month: date | None = None, today: date | None = None) -> QuerySet[Invoice]:
    """The Billing page's filters: a status (issued, paid, draft, or overdue: issued and
    past its due day), and the month an invoice is for."""
    if status == "overdue":
        invoices = invoices.filter(status="issued", due_on__lt=today or timezone.localdate())
    elif status in ("issued", "paid", "draft"):
        invoices = invoices.filter(status=status)
    if month is not None:
        invoices = invoices.filter(month=month_bounds(month)[0])
    return invoices


def _charge_lines(charges: QuerySet[Charge]) -> QuerySet[Charge]:
    return (charges.select_related("customer", "offer", "reseller")
            .order_by("customer__name", "offer__name", "period_start", "created_at", "pk"))


def invoice_lines(*, invoice: Invoice) -> list[Line]:
    """The lines of an invoice or statement (its charges at its own price: an invoice the
    reseller's, a statement the customer's), or of a credit note (what it gives back of
    each charge of the invoice it corrects, negative)."""
    if invoice.kind == Invoice.Kind.CREDIT_NOTE:
        credited = (CreditNoteLine.objects.filter(credit_note=invoice)
                    .select_related("charge__customer", "charge__offer", "charge__reseller")
                    .order_by("charge__customer__name", "charge__offer__name",
                              "charge__period_start", "charge__created_at", "pk"))
        return [Line(line.charge, line.charge.reseller_unit, -line.amount, credited=True)
                for line in credited]
    if invoice.kind == Invoice.Kind.STATEMENT:
        return [Line(charge, charge.customer_unit, charge.customer_amount)
                for charge in _charge_lines(invoice.statement_charges.all())]
    return [Line(charge, charge.reseller_unit, charge.reseller_amount)
            for charge in _charge_lines(invoice.charges.all())]


def invoice_filename(invoice: Invoice, extension: str) -> str:
    number = invoice.display_number if invoice.number else f"draft-{str(invoice.pk)[:8]}"
    return f"{number}-{invoice.month:%Y-%m}.{extension}"


def invoice_pdf(*, invoice: Invoice) -> bytes:
    """The invoice as PDF (in the active language)."""
    pdf: bytes = _invoice_pdf(invoice, invoice_lines(invoice=invoice))
    return pdf


def invoice_csv(*, invoice: Invoice) -> str:
    text: str = _invoice_csv(invoice, invoice_lines(invoice=invoice))
    return text


@dataclass(frozen=True)
class Creditable:
    """What of an invoice can still be credited: per charge line (positive lines only), and
    in total (the subtotal less every credit note's)."""

    lines: list[tuple[Charge, Decimal, Decimal]]  # (charge, invoiced, still creditable)
    remaining: Decimal
    currency: str


def invoice_creditable(*, invoice: Invoice) -> Creditable:
    credited = dict(CreditNoteLine.objects.filter(credit_note__corrects=invoice)
                    .values("charge_id").annotate(total=Sum("amount"))
                    .values_list("charge_id", "total").order_by())
    credited_total = -(Invoice.objects.filter(corrects=invoice).aggregate(
        total=Coalesce(Sum("subtotal"), Decimal(0)))["total"])
    lines = [(line.charge, line.amount,
              max(line.amount - credited.get(line.charge.pk, Decimal(0)), Decimal(0)))
             for line in invoice_lines(invoice=invoice) if line.amount > 0]
    return Creditable(lines, max(invoice.subtotal - credited_total, Decimal(0)),
                      invoice.currency)


def statement_recipients(*, statement: Invoice) -> list[str]:
    """Who a statement is mailed to when it is sent: its customer's admins."""
    return list(member_emails(organization=statement.recipient, roles=[Role.ADMIN]))


def charge_list(*, organization: Organization) -> QuerySet[Charge]:
    """The charge lines that concern an organization: a provider, every charge it bills
    (its resellers' and its direct customers'); a reseller, those it is billed for (it is
    the reseller of record), at its price. The reconciliation CSV's rule."""
    return Charge.objects.filter(Q(provider=organization) | Q(reseller=organization))


def charges_in_month(charges: QuerySet[Charge], month: date) -> QuerySet[Charge]:
    """Those a month's invoices carry, and those posted in the month not invoiced yet."""
    first, last = month_bounds(month)
    return charges.filter(Q(invoice__month=first)
                          | Q(invoice__isnull=True, posted_on__range=(first, last)))


def charges_for_month(*, organization: Organization, month: date) -> QuerySet[Charge]:
    """The charge lines of a month that concern the organization (a provider: all it
    billed; a reseller: those it was billed for): those its invoices of that month carry,
    and those posted in the month not invoiced yet."""
    charges = charges_in_month(charge_list(organization=organization), month)
    return (charges.select_related("customer", "offer", "reseller", "invoice")
            .order_by("customer__name", "offer__name", "period_start", "created_at", "pk"))


def credit_lines_for_month(*, organization: Organization,
                           month: date) -> QuerySet[CreditNoteLine]:
    """The credit-note lines of the month's invoices that concern the organization (as
    charges_for_month): the reconciliation CSV's credit rows."""
    first, _last = month_bounds(month)
    return (CreditNoteLine.objects.filter(credit_note__month=first)
            .filter(Q(charge__provider=organization) | Q(charge__reseller=organization))
            .select_related("credit_note", "charge__customer", "charge__offer",
                            "charge__reseller")
            .order_by("credit_note__number", "charge__customer__name", "charge__offer__name",
                      "charge__period_start", "pk"))


@dataclass(frozen=True)
class CreditCheck:
    """An order a reseller places against its credit limit: what it would add to the
    month's charges, the month so far, and the limit (all in one currency)."""

    amount: Decimal
    month_to_date: Decimal
    limit: Decimal
    currency: str

    @property
    def total(self) -> Decimal:
        return self.month_to_date + self.amount

    @property
    def over(self) -> bool:
        return self.total > self.limit


def credit_check(*, provider: Organization, reseller: Organization | None,
                 lines: list[tuple[Offer, int]], on: date) -> CreditCheck | None:
    """Whether an order of (offer, licences added) for `reseller` would pass its credit
    limit this month: a CreditCheck of the first currency over it (or the last checked);
    None when the reseller has no limit (or there is no reseller)."""
    if reseller is None:
        return None
    limit = credit_limit_of(provider=provider, reseller=reseller)
    if limit is None:
        return None
    prices = Prices(provider)
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    for offer, licences in lines:
        quote = prices.quote(offer, reseller.pk, on)
        period = purchase_period(on, monthly=offer.billing_period == "monthly",
                                 term_months=offer.term_months)
        amounts[quote.currency] += prorate(quote.reseller_price, licences, period)
    so_far = month_to_date(provider=provider, reseller=reseller, on=on)
    check = None
    for currency, amount in amounts.items():
        check = CreditCheck(amount, so_far.get(currency, Decimal(0)), limit, currency)
        if check.over:
            return check
    return check


@dataclass(frozen=True)
class CreditNotice:
    """An order over a reseller's credit limit: refused when the reseller places it, placed
    with a warning when the provider does."""

    check: CreditCheck
    reseller_name: str
    refused: bool

    @property
    def message(self) -> str:
        values = {"amount": format_money(self.check.amount, self.check.currency),
                  "so_far": format_money(self.check.month_to_date, self.check.currency),
                  "total": format_money(self.check.total, self.check.currency),
                  "limit": format_money(self.check.limit, self.check.currency),
                  "reseller": self.reseller_name}
        if self.refused:
            return _("This order would add %(amount)s to this month's charges "
                     "(%(so_far)s so far): %(total)s is over your credit limit of "
                     "%(limit)s. Order fewer licenses, or ask your provider to raise the "
                     "limit.") % values
        return _("This order adds %(amount)s to %(reseller)s's charges this month "
                 "(%(so_far)s so far): %(total)s is over its credit limit of %(limit)s.") \
            % values


def credit_notice(*, provider: Organization, reseller: Organization | None,
                  lines: list[tuple[Offer, int]], acting_organization: Organization,
                  on: date) -> CreditNotice | None:
    """None when the order stays within the billed reseller's credit limit (or it has
    none); else whether it is refused (the reseller places it) and what to say."""
    check = credit_check(provider=provider, reseller=reseller, lines=lines, on=on)
    if check is None or not check.over or reseller is None:
        return None
    return CreditNotice(check, reseller.name,
                        refused=acting_organization.pk != provider.pk)
