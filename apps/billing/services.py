"""Billing use cases: price lists and their rules, what a provider sets per reseller (its
list, its credit limit), tax rates and tax ids, invoices marked paid and corrected by
credit notes. Charges (charges.py) and the month close (closing.py) are reached from here
too. Each is one transaction, audited."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import record
from apps.errors import DomainError, FieldErrors
from apps.i18n import format_money
from apps.outbox.services import enqueue

from .charges import charges_for_order, charges_for_orders, charges_record_for_orders
from .closing import invoice_counter_lock, month_close, provider_month_close
from .mailing import mail_statement
from .models import (
    BillingProfile,
    CreditNoteLine,
    Invoice,
    PriceList,
    PriceRule,
    ResellerAccount,
    TaxRate,
)
from .pricing import HUNDRED, cents
from .selectors import Creditable, invoice_creditable, tax_id_of

if TYPE_CHECKING:
    from uuid import UUID

    from django.http import HttpRequest

    from apps.accounts.models import User
    from apps.catalog.models import Offer
    from apps.organizations.models import Organization

__all__ = ["charges_for_order", "charges_for_orders", "charges_record_for_orders", "month_close",
           "provider_month_close"]


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


@transaction.atomic
def price_list_create(*, owner: Organization, name: str, is_default: bool = False,
                      actor: User | None, request: HttpRequest | None = None) -> PriceList:
    """A new price list; a default one replaces the owner's earlier default."""
    name = name.strip()
    if not name:
        raise DomainError(_("Enter a name."), field="name")
    if PriceList.objects.filter(owner=owner, name__iexact=name).exists():
        raise DomainError(_("You already have a price list with this name."), field="name")
    if is_default:
        PriceList.objects.filter(owner=owner, is_default=True).update(is_default=False)
    price_list = PriceList.objects.create(owner=owner, name=name, is_default=is_default)
    record(actor=actor, organization=owner, action="billing.price_list_created",
           target=price_list, data={"name": name, "default": is_default}, request=request)
    return price_list


def own_price_list(*, reseller: Organization) -> PriceList:
    """A reseller's one price list for its customers (made the first time it is asked)."""
    price_list = PriceList.objects.filter(owner=reseller, is_default=True).first()
    if price_list is None:
        price_list, _created = PriceList.objects.get_or_create(
            owner=reseller, is_default=True, defaults={"name": _("Customer prices")})
    return price_list


@transaction.atomic
def price_rule_set(*, price_list: PriceList, offer: Offer | None,
                   margin_percent: Decimal | None, fixed_price: Decimal | None,
                   effective_from: date, actor: User | None,
                   request: HttpRequest | None = None) -> PriceRule:
    """From `effective_from`, the list prices `offer` (None: every offer without a rule of
    its own) at a margin % over what the owner pays, or at a fixed price. A rule of the
    same offer and day is replaced. Charges already made keep their prices."""
    if (margin_percent is None) == (fixed_price is None):
        raise DomainError(_("Enter either a margin or a fixed price."), field="margin_percent")
    if fixed_price is not None and offer is None:
        raise DomainError(_("A fixed price is for one offer: choose the offer."),
                          field="offer")
    if margin_percent is not None and not Decimal(-100) <= margin_percent <= Decimal(1000):
        raise DomainError(_("Enter a margin between -100% and 1000%."),
                          field="margin_percent")
    if fixed_price is not None and fixed_price < 0:
        raise DomainError(_("Enter a price of 0 or more."), field="fixed_price")
    rule, created = PriceRule.objects.update_or_create(
        price_list=price_list, offer=offer, effective_from=effective_from,
        defaults={"margin_percent": margin_percent, "fixed_price": fixed_price})
    record(actor=actor, organization=price_list.owner, action="billing.price_rule_set",
           target=rule, data={"price_list": price_list.name,
                              "offer": offer.code if offer else None,
                              "margin_percent": _money(margin_percent),
                              "fixed_price": _money(fixed_price),
                              "effective_from": effective_from.isoformat(),
                              "replaced": not created}, request=request)
    return rule


@transaction.atomic
def price_rule_delete(*, rule: PriceRule, actor: User | None,
                      request: HttpRequest | None = None) -> None:
    owner = rule.price_list.owner
    record(actor=actor, organization=owner, action="billing.price_rule_deleted", target=rule,
           data={"price_list": rule.price_list.name,
                 "offer": rule.offer.code if rule.offer else None,
                 "effective_from": rule.effective_from.isoformat()}, request=request)
    rule.delete()


@transaction.atomic
def reseller_account_set(*, provider: Organization, reseller: Organization,
                         price_list: PriceList | None, credit_limit: Decimal | None,
                         actor: User | None,
                         request: HttpRequest | None = None) -> ResellerAccount:
    """The price list a reseller pays (None: the provider's default) and its credit limit
    (None: none). The caller has checked that the reseller is a partner."""
    if price_list is not None and price_list.owner_id != provider.pk:
        raise DomainError(_("Choose one of your price lists."), field="price_list")
    if credit_limit is not None and credit_limit < 0:
        raise DomainError(_("Enter a credit limit of 0 or more."), field="credit_limit")
    account, _created = ResellerAccount.objects.update_or_create(
        provider=provider, reseller=reseller,
        defaults={"price_list": price_list, "credit_limit": credit_limit})
    for audience in (provider, reseller):
        record(actor=actor, organization=audience, action="billing.reseller_terms_set",
               target=account, data={"provider": provider.name, "reseller": reseller.name,
                                     "price_list": price_list.name if price_list else None,
                                     "credit_limit": _money(credit_limit)}, request=request)
    return account


@transaction.atomic
def tax_rate_set(*, provider: Organization, country: str, rate: Decimal | None,
                 actor: User | None, request: HttpRequest | None = None) -> None:
    """The tax rate invoices to buyers in `country` carry (None: removed)."""
    if rate is None:
        TaxRate.objects.filter(provider=provider, country=country).delete()
    else:
        if not Decimal(0) <= rate <= Decimal(100):
            raise DomainError(_("Enter a rate between 0 and 100."), field="rate")
        TaxRate.objects.update_or_create(provider=provider, country=country,
                                         defaults={"rate": rate})
    record(actor=actor, organization=provider, action="billing.tax_rate_set",
           data={"country": country, "rate": _money(rate)}, request=request)


@transaction.atomic
def tax_id_set(*, organization: Organization, tax_id: str, actor: User | None,
               request: HttpRequest | None = None) -> BillingProfile:
    tax_id = tax_id.strip().upper()
    profile, _created = BillingProfile.objects.update_or_create(
        organization=organization, defaults={"tax_id": tax_id})
    record(actor=actor, organization=organization, action="billing.tax_id_set",
           data={"tax_id": tax_id}, request=request)
    return profile


@transaction.atomic
def invoice_mark_paid(*, invoice: Invoice, issuer: Organization, paid_on: date | None = None,
                      actor: User | None, request: HttpRequest | None = None) -> Invoice:
    """The issuer received the money. Only an issued invoice can be marked paid; marking
    it twice changes nothing."""
    if invoice.issuer_id != issuer.pk:
        raise DomainError(_("Only the issuer marks an invoice paid."))
    if invoice.kind != Invoice.Kind.INVOICE:
        raise DomainError(_("Only an issued invoice can be marked paid."))
    paid_on = paid_on or timezone.localdate()
    updated = Invoice.objects.filter(pk=invoice.pk, status=Invoice.Status.ISSUED).update(
        status=Invoice.Status.PAID, paid_on=paid_on)
    invoice.refresh_from_db()
    if updated:
        for audience in (issuer, invoice.recipient):
            record(actor=actor, organization=audience, action="billing.invoice_paid",
                   target=invoice, data={"number": invoice.display_number,
                                         "total": _money(invoice.total),
                                         "currency": invoice.currency}, request=request)
    elif invoice.status != Invoice.Status.PAID:
        raise DomainError(_("Only an issued invoice can be marked paid."))
    return invoice


def _credit_allocation(creditable: Creditable,
                       amounts: dict[str, Decimal] | None) -> dict[Any, Decimal]:
    """{charge id: amount to credit}: `amounts` ({charge id: amount}) checked against what
    each line and the invoice can still be credited, or (None) everything that can."""
    if amounts is None:
        left = creditable.remaining
        allocation = {}
        for charge, _invoiced, remaining in creditable.lines:
            take = min(remaining, left)
            if take > 0:
                allocation[charge.pk] = take
                left -= take
        if not allocation:
            raise DomainError(_("Nothing of this invoice is left to credit."))
        return allocation
    lines = {str(charge.pk): (charge, remaining)
             for charge, _invoiced, remaining in creditable.lines}
    errors: dict[str, list[str]] = {}
    allocation = {}
    for key, amount in amounts.items():
        if amount is None or amount == 0:
            continue
        if key not in lines:
            raise DomainError(_("Choose lines of this invoice."))
        charge, remaining = lines[key]
        if amount < 0:
            errors[f"line_{key}"] = [_("Enter an amount of 0 or more.")]
        elif amount > remaining:
            errors[f"line_{key}"] = [
                _("At most %(amount)s of this line can still be credited.")
                % {"amount": format_money(remaining, creditable.currency)}]
        else:
            allocation[charge.pk] = amount
    if errors:
        raise FieldErrors(errors)
    if not allocation:
        raise DomainError(_("Enter the amount to credit on at least one line."))
    total = sum(allocation.values(), Decimal(0))
    if total > creditable.remaining:
        raise DomainError(
            _("These lines add up to %(total)s: only %(remaining)s of the invoice is left to "
              "credit.") % {"total": format_money(total, creditable.currency),
                            "remaining": format_money(creditable.remaining,
                                                      creditable.currency)})
    return allocation


@transaction.atomic
def invoice_credit_note(*, invoice: Invoice, issuer: Organization,
                        amounts: dict[str, Decimal] | None = None,
                        request_key: UUID | None = None, actor: User | None,
                        request: HttpRequest | None = None) -> Invoice:
    """Correct an issued invoice with a credit note, numbered next in the issuer's series
    (the invoice itself never changes): of chosen lines, `amounts` ({charge id: amount
    before tax}, each at most what the line can still be credited), or (None) of all that
    is left to credit. Over all its credit notes an invoice is never credited more than it
    was invoiced. The same `request_key` again (a double submit) returns the credit note
    made the first time."""
    if invoice.issuer_id != issuer.pk or invoice.kind != Invoice.Kind.INVOICE:
        raise DomainError(_("Only the issuer credits one of its invoices."))
    if invoice.status not in (Invoice.Status.ISSUED, Invoice.Status.PAID):
        raise DomainError(_("Only an issued invoice can be credited."))
    # The counter's lock: one credit note (of this issuer) at a time.
    counter = invoice_counter_lock(issuer_id=issuer.pk)
    if request_key is not None:
        existing = Invoice.objects.filter(request_key=request_key).first()
        if existing is not None:
            if existing.corrects_id != invoice.pk:
                raise DomainError(_("This form was already used. Open it again from the "
                                    "invoice."))
            return existing
    creditable = invoice_creditable(invoice=invoice)
    allocation = _credit_allocation(creditable, amounts)
    subtotal = sum(allocation.values(), Decimal(0))
    tax = cents(subtotal * invoice.tax_rate / HUNDRED)
    if subtotal == creditable.remaining:
        # The last credit: the invoice's tax less what earlier notes gave back (no cent
        # lost or added by rounding).
        credited_tax = -(Invoice.objects.filter(corrects=invoice).aggregate(
            total=Coalesce(Sum("tax"), Decimal(0)))["total"])
        tax = invoice.tax - credited_tax
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    today = timezone.localdate()
    note = Invoice.objects.create(
        kind=Invoice.Kind.CREDIT_NOTE, status=Invoice.Status.ISSUED, issuer=invoice.issuer,
        recipient=invoice.recipient, month=invoice.month, currency=invoice.currency,
        number=counter.last_number, subtotal=-subtotal, tax_rate=invoice.tax_rate,
        tax=-tax, total=-(subtotal + tax), reverse_charge=invoice.reverse_charge,
        issuer_name=invoice.issuer_name, issuer_country=invoice.issuer_country,
        issuer_tax_id=invoice.issuer_tax_id, recipient_name=invoice.recipient_name,
        recipient_country=invoice.recipient_country,
        recipient_tax_id=invoice.recipient_tax_id, corrects=invoice, issued_on=today,
        due_on=today, request_key=request_key)
    CreditNoteLine.objects.bulk_create(
        [CreditNoteLine(credit_note=note, charge_id=charge_id, amount=amount)
         for charge_id, amount in allocation.items()])
    for audience in (issuer, invoice.recipient):
        record(actor=actor, organization=audience, action="billing.credit_note_issued",
               target=note, data={"number": note.display_number,
                                  "corrects": invoice.display_number,
                                  "total": _money(note.total), "currency": note.currency,
                                  "lines": len(allocation)},
               request=request)
    return note


@transaction.atomic
def statement_send(*, statement: Invoice, reseller: Organization, actor: User | None,
                   request: HttpRequest | None = None) -> Invoice:
    """The reseller sends a draft statement to its customer: it is issued (numbered next in
    the reseller's series, without gaps, dated today and due in the usual days), the
    customer's admins are mailed a link to it once this commits, and it shows on the
    customer's Billing page. Sent twice, it is sent once."""
    if statement.issuer_id != reseller.pk or statement.kind != Invoice.Kind.STATEMENT:
        raise DomainError(_("Only the reseller sends one of its statements."))
    counter = invoice_counter_lock(issuer_id=reseller.pk)
    statement.refresh_from_db()
    if statement.status != Invoice.Status.DRAFT:
        return statement
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    today = timezone.localdate()
    statement.number = counter.last_number
    statement.status = Invoice.Status.ISSUED
    statement.issued_on = today
    statement.due_on = today + timedelta(days=settings.PORTAL_INVOICE_DUE_DAYS)
    statement.issuer_tax_id = tax_id_of(organization=reseller)
    statement.recipient_tax_id = tax_id_of(organization=statement.recipient)
    statement.save(update_fields=["number", "status", "issued_on", "due_on", "issuer_tax_id",
                                  "recipient_tax_id"])
    for audience in (reseller, statement.recipient):
        record(actor=actor, organization=audience, action="billing.statement_sent",
               target=statement, data={"number": statement.display_number,
                                       "customer": statement.recipient_name,
                                       "total": _money(statement.total),
                                       "currency": statement.currency}, request=request)
    enqueue(mail_statement, key=f"statement:{statement.pk}:sent:mail",
            statement_id=str(statement.pk))
    return statement
