"""Customer use cases: the New customer Submit and Add subscription's Submit (each places
an order through apps.orders.services), a customer's status and its delegated reseller.
Each is one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from apps.audit.services import record
from apps.errors import DomainError, FieldErrors
from apps.orders.selectors import orderable_offers
from apps.orders.services import (
    order_lines_check,
    order_submission_start,
    order_submit_new_customer,
    order_submit_new_subscription,
)
from apps.organizations.roles import Kind
from apps.organizations.selectors import organization_slug_taken
from apps.organizations.services import organization_create
from apps.partnerships.selectors import partnered_resellers
from apps.subscriptions.selectors import support_contact_choices, upgrade_offers
from apps.subscriptions.services import subscription_add_licenses
from apps.webhooks.services import emit

from .forms import CustomerDetailsForm, NewSubscriptionForm, SubscriptionsForm
from .hooks import customer_undelegated, customers_reseller_changed
from .models import Customer
from .options import forget_reseller_options
from .selectors import admin_username, customer_total_forget, domain_prefix_available
from .subscription_forms import (
    AutoRenewForm,
    ChangeForm,
    LicensesForm,
    ResellerOfRecordForm,
    SupportContactForm,
    UpgradeForm,
)

# The states customer_create takes (demo data creates active customers).
CustomerStatus = Customer.Status

if TYPE_CHECKING:
    from uuid import UUID

    from django.http import HttpRequest

    from apps.accounts.models import User
    from apps.catalog.models import Offer
    from apps.orders.models import Order
    from apps.organizations.models import Organization
    from apps.subscriptions.models import Subscription


def _taken(prefix: str) -> DomainError:
    return DomainError(_("%(username)s is already taken. Choose another domain prefix.")
                       % {"username": admin_username(prefix)}, field="domain_prefix")


@transaction.atomic
def customer_create(*, provider: Organization, reseller: Organization | None,
                    company_name: str, domain_prefix: str, country: str = "", city: str = "",
                    postal_code: str = "", street: str = "", contact_first_name: str = "",
                    contact_last_name: str = "", contact_email: str = "",
                    contact_phone: str = "", language: str = "en",
                    status: str = Customer.Status.PROVISIONING, actor: User | None,
                    request: HttpRequest | None = None) -> Customer:
    """A customer organization of `provider`, delegated to `reseller` (or direct when None)."""
    prefix = domain_prefix.strip().lower()
    if not domain_prefix_available(prefix):
        raise _taken(prefix)
    # The workspace slug is the domain prefix when no other organization has it.
    slug = None if organization_slug_taken(prefix) else prefix
    try:
        with transaction.atomic():
            organization = organization_create(kind=Kind.CUSTOMER, name=company_name,
                                               country=country, slug=slug)
            customer = Customer.objects.create(
                organization=organization, name=organization.name,
                provider=provider, reseller=reseller, status=status,
                domain_prefix=prefix, contact_first_name=contact_first_name,
                contact_last_name=contact_last_name, contact_email=contact_email,
                contact_phone=contact_phone, city=city, postal_code=postal_code, street=street,
                language=language)
    except IntegrityError as error:
        # Another submission took the prefix (or the slug) a moment ago.
        raise _taken(prefix) from error
    customer_total_forget(organization=provider)
    record(actor=actor, organization=provider, action="customer.created", target=customer,
           data={"domain_prefix": prefix, "reseller": reseller.name if reseller else None},
           request=request)
    emit("customer.created", customer, organizations=[provider, reseller], key=customer.pk)
    return customer


def _check_reseller(provider: Organization, reseller: Organization | None) -> None:
    if reseller is not None and not partnered_resellers(provider=provider).filter(
            pk=reseller.pk).exists():
        raise DomainError(_("Choose one of your partnered indirect resellers."),
                          field="reseller")


@transaction.atomic
def customer_submit(*, provider: Organization, reseller: Organization | None,
                    customer_details: Mapping[str, Any], lines: Sequence[tuple[Offer, int]],
                    idempotency_key: UUID, submitted_by: User,
                    request: HttpRequest | None = None) -> Order:
    """The New customer wizard's Submit: the customer (provisioning), its order and the
    order's lines; provisioned once the transaction commits. Returns the order.

    `lines` are (offer, licenses) pairs. The same idempotency key from the same user
    returns the order made the first time and creates nothing.
    """
    existing = order_submission_start(provider=provider, idempotency_key=idempotency_key)
    if existing is not None:
        if existing.submitted_by_id != submitted_by.pk:
            raise DomainError(_("This order was submitted by someone else. "
                                "Start a new customer again."))
        return existing
    _check_reseller(provider, reseller)
    lines = order_lines_check(lines)
    customer = customer_create(provider=provider, reseller=reseller, actor=submitted_by,
                               request=request, **customer_details)
    return order_submit_new_customer(
        provider=provider, customer=customer, reseller=reseller, lines=lines,
        idempotency_key=idempotency_key, submitted_by=submitted_by, request=request)


def customer_submit_data(*, provider: Organization, data: Mapping[str, Any],
                         idempotency_key: UUID, submitted_by: User,
                         request: HttpRequest | None = None) -> Order:
    """customer_submit from plain data (the API's New customer): validated by the New
    customer wizard's own forms, so the rules and messages are the page's. `data` has the
    details step's fields and `subscriptions`, a list of {"offer": id, "licenses": n}.
    Raises FieldErrors (by the data's field names) or DomainError."""
    details_form = CustomerDetailsForm(
        {k: v for k, v in data.items() if k != "subscriptions"}, provider=provider)
    offers = list(orderable_offers())
    chosen = data.get("subscriptions") or []
    subscription_data: dict[str, Any] = {"offers": []}
    for line in chosen if isinstance(chosen, list) else []:
        if isinstance(line, Mapping):
            subscription_data["offers"].append(str(line.get("offer", "")))
            subscription_data[f"licenses_{line.get('offer', '')}"] = line.get("licenses")
    subscriptions_form = SubscriptionsForm(_QueryLike(subscription_data), offers=offers)
    errors: dict[str, list[str]] = {}
    if not details_form.is_valid():
        errors.update({field: [str(m) for m in messages]
                       for field, messages in details_form.errors.items()})
    if not subscriptions_form.is_valid():
        for field, messages in subscriptions_form.errors.items():
            name = "subscriptions" if field in ("offers", "__all__") or field.startswith(
                "licenses_") else field
            errors.setdefault(name, []).extend(str(m) for m in messages)
    if errors:
        raise FieldErrors(errors)
    details = dict(details_form.cleaned_data)
    reseller = details.pop("reseller")
    return customer_submit(provider=provider, reseller=reseller, customer_details=details,
                           lines=subscriptions_form.lines(), idempotency_key=idempotency_key,
                           submitted_by=submitted_by, request=request)


def _subscription_lines(chosen: Any) -> dict[str, Any]:
    """A list of {"offer": id, "licenses": n} as SubscriptionsForm's fields."""
    fields: dict[str, Any] = {"offers": []}
    for line in chosen if isinstance(chosen, list) else []:
        if isinstance(line, Mapping):
            fields["offers"].append(str(line.get("offer", "")))
            fields[f"licenses_{line.get('offer', '')}"] = line.get("licenses")
    return fields


def _form_errors(errors: Mapping[str, Any]) -> FieldErrors:
    """A subscriptions form's errors by the API's field names (the lines are
    `subscriptions`)."""
    named: dict[str, list[str]] = {}
    for field, messages in errors.items():
        name = ("subscriptions" if field in ("offers", "__all__") or field.startswith("licenses_")
                else field)
        named.setdefault(name, []).extend(str(m) for m in messages)
    return FieldErrors(named)


def customer_order_subscriptions_data(*, customer: Customer, data: Mapping[str, Any],
                                      idempotency_key: UUID, submitted_by: User,
                                      acting_organization: Organization,
                                      request: HttpRequest | None = None) -> Order:
    """Add subscription's Submit from plain data (the API): validated by the New
    subscription form, so the rules and messages are the page's. `data`: `subscriptions`
    ([{"offer": id, "licenses": n}]) and, for the provider, `reseller` (the reseller of
    record: a partnered reseller's id, or null). A delegated reseller asking is itself the
    reseller of record. Always new subscriptions (the page's "buy separately")."""
    provider = customer.provider
    acting_reseller = acting_organization if acting_organization.kind == Kind.RESELLER else None
    fields = _QueryLike(_subscription_lines(data.get("subscriptions")))
    fields["idempotency_key"] = str(idempotency_key)
    fields["reseller"] = data.get("reseller") or ""
    form = NewSubscriptionForm(fields, offers=list(orderable_offers()), provider=provider)
    if acting_reseller is not None:
        del form.fields["reseller"]
    if not form.is_valid():
        raise _form_errors(form.errors)
    return customer_order_subscriptions(
        provider=provider, customer=customer,
        reseller=acting_reseller or form.cleaned_data["reseller"], lines=form.lines(),
        idempotency_key=idempotency_key, submitted_by=submitted_by,
        acting_organization=acting_organization, request=request)


def _plain(value: Any) -> Any:
    """A JSON value as a form field reads it (null: empty)."""
    if value is None:
        return ""
    return value if isinstance(value, str | int) and not isinstance(value, bool) else str(value)


def subscription_change_data(*, change: str, subscription: Subscription,
                             data: Mapping[str, Any], idempotency_key: UUID) -> dict[str, Any]:
    """The subscription page's form of `change` (licenses, upgrade, suspend, reactivate,
    auto_renew, support_contact, reseller_of_record) run on plain data (the API): its
    cleaned data, or FieldErrors with the page's messages."""
    provider = subscription.customer.provider
    fields: dict[str, Any] = {"idempotency_key": str(idempotency_key)}
    form: ChangeForm | SupportContactForm | ResellerOfRecordForm
    if change == "licenses":
        fields["quantity"] = _plain(data.get("quantity"))
        form = LicensesForm(fields, offer=subscription.offer)
    elif change == "upgrade":
        fields["offer"] = _plain(data.get("offer"))
        form = UpgradeForm(fields, offers=upgrade_offers(subscription=subscription))
    elif change == "auto_renew":
        value = data.get("auto_renew")
        # true/false as the page's on/off; null: missing; anything else: not a choice.
        fields["auto_renew"] = ("" if value is None else "-" if not isinstance(value, bool)
                                else "on" if value else "off")
        form = AutoRenewForm(fields)
    elif change == "support_contact":
        fields["support_contact"] = _plain(data.get("support_contact"))
        form = SupportContactForm(fields, choices=support_contact_choices(provider=provider))
    elif change == "reseller_of_record":
        fields["reseller_of_record"] = _plain(data.get("reseller_of_record"))
        form = ResellerOfRecordForm(fields, resellers=partnered_resellers(provider=provider))
    else:  # suspend, reactivate: nothing but the key
        form = ChangeForm(fields)
    if not form.is_valid():
        raise FieldErrors({field: [str(m) for m in messages]
                           for field, messages in form.errors.items()})
    return dict(form.cleaned_data)


class _QueryLike(dict[str, Any]):
    """Form data as the forms read it: getlist() for the offers' multiple choice."""

    def getlist(self, key: str) -> list[Any]:
        value = self.get(key, [])
        return value if isinstance(value, list) else [value]


@transaction.atomic
def customer_order_subscriptions(*, provider: Organization, customer: Customer,
                                 reseller: Organization | None,
                                 lines: Sequence[tuple[Offer, int]], idempotency_key: UUID,
                                 submitted_by: User,
                                 acting_organization: Organization | None = None,
                                 request: HttpRequest | None = None) -> Order:
    """Add subscription's Submit: an order of new subscriptions for an active customer;
    provisioned once the transaction commits. Returns the order.

    `reseller` (a partnered reseller, or None) becomes every new subscription's reseller of
    record: the reseller credited for incentives. The same idempotency key from the same
    user returns the order made the first time.
    """
    existing = order_submission_start(provider=provider, idempotency_key=idempotency_key)
    if existing is not None:
        if existing.submitted_by_id != submitted_by.pk or existing.customer_id != customer.pk:
            raise DomainError(_("This form was already used. Open Add subscription again."))
        return existing
    if customer.provider_id != provider.pk:
        raise DomainError(_("This customer is not one of yours."))
    customer = Customer.objects.select_related("organization").get(pk=customer.pk)
    if customer.status != Customer.Status.ACTIVE:
        raise DomainError(_("%(customer)s is not active yet: subscriptions can be added once "
                            "its account is set up.") % {"customer": customer.organization.name})
    if (acting_organization is not None and acting_organization.kind == Kind.RESELLER
            and (customer.reseller_id != acting_organization.pk
                 or not partnered_resellers(provider=provider)
                 .filter(pk=acting_organization.pk).exists())):
        # Read under the provider's lock: a partnership that ended a moment ago counts.
        raise DomainError(_("You no longer manage this customer: your partnership with "
                            "%(provider)s has ended or the customer removed your access.")
                          % {"provider": provider.name})
    _check_reseller(provider, reseller)
    lines = order_lines_check(lines)
    return order_submit_new_subscription(
        provider=provider, customer=customer, reseller=reseller, lines=lines,
        idempotency_key=idempotency_key, submitted_by=submitted_by,
        acting_organization=acting_organization, request=request)


@transaction.atomic
def customer_add_licenses_or_order(*, provider: Organization, customer: Customer,
                                   reseller: Organization | None,
                                   lines: Sequence[tuple[Offer, int]],
                                   existing: Mapping[UUID, Subscription],
                                   idempotency_key: UUID, submitted_by: User,
                                   acting_organization: Organization,
                                   request: HttpRequest | None = None
                                   ) -> tuple[list[Subscription], Order | None]:
    """Add subscription, when the customer already has some of the offers and the user chose
    to add licenses to those instead of buying second subscriptions: the licenses of each
    line whose offer is in `existing` (offer id → the customer's active subscription of it)
    are added to that subscription (a completed change order each); the other lines are
    ordered as new subscriptions. One transaction: all of it, or nothing. The same
    idempotency key from the same user changes and orders nothing twice."""
    changed = []
    for offer, licenses in lines:
        subscription = existing.get(offer.pk)
        if subscription is None:
            continue
        if subscription.customer_id != customer.pk:
            raise DomainError(_("This form was already used. Open Add subscription again."))
        try:
            changed.append(subscription_add_licenses(
                subscription=subscription, licenses=licenses, actor=submitted_by,
                organization=acting_organization, request=request,
                # One key per subscription, drawn from the form's: a resent form is a replay.
                idempotency_key=uuid.uuid5(idempotency_key, str(subscription.pk))))
        except DomainError as error:
            if error.code != "limits":
                raise
            raise DomainError(
                _("%(offer)s allows at most %(max)s licenses: the existing subscription has "
                  "%(count)s, so %(more)s more cannot be added. Buy a separate subscription "
                  "instead, or enter fewer licenses.")
                % {"offer": offer.name, "max": offer.max_licenses,
                   "count": subscription.quantity, "more": licenses},
                field="offers", code="limits") from error
    rest = [(offer, licenses) for offer, licenses in lines if offer.pk not in existing]
    order = None
    if rest:
        order = customer_order_subscriptions(
            provider=provider, customer=customer, reseller=reseller, lines=rest,
            idempotency_key=idempotency_key, submitted_by=submitted_by,
            acting_organization=acting_organization, request=request)
    return changed, order


def customer_name_sync(*, organization: Organization, name: str) -> int:
    """The customer organization was renamed: its customer row takes the new name (the
    caller, organization_rename, holds the transaction and audits). Rows changed: 0 for an
    organization that is not a customer."""
    return Customer.objects.filter(organization=organization).update(name=name)


# ------------------------------------------------------------------ status


@transaction.atomic
def customer_activate(*, customer: Customer) -> Customer:
    """Provisioning completed: the customer is active (and its delegated reseller's access
    begins)."""
    customer.status = Customer.Status.ACTIVE
    customer.save(update_fields=["status"])
    return customer


@transaction.atomic
def customer_mark_failed(*, customer_id: UUID) -> bool:
    """The customer's provisioning failed (a customer already active stays so)."""
    return bool(Customer.objects.filter(pk=customer_id, status=Customer.Status.PROVISIONING)
                .update(status=Customer.Status.FAILED))


@transaction.atomic
def customer_mark_provisioning(*, customer_id: UUID) -> bool:
    """The failed provisioning of the customer is tried again."""
    return bool(Customer.objects.filter(pk=customer_id, status=Customer.Status.FAILED)
                .update(status=Customer.Status.PROVISIONING))


# ------------------------------------------------------------------ delegation


@transaction.atomic
def customer_delegate(*, customer: Customer, reseller: Organization, actor: User | None = None,
                      request: HttpRequest | None = None, audit: bool = True) -> Customer:
    """`reseller` becomes the customer's delegated admin (it may be already). The caller has
    checked that it may be (an active partnership). Audited in the reseller's log, unless
    the caller's own audit event says it already (`audit=False`)."""
    if customer.reseller_id != reseller.pk:
        previous_id = customer.reseller_id
        Customer.objects.filter(pk=customer.pk).update(reseller=reseller)
        customer.reseller = reseller
        forget_reseller_options(customer.provider_id)
        if customer.status == Customer.Status.ACTIVE:
            customers_reseller_changed(provider_id=customer.provider_id,
                                       customer_ids=[customer.pk], previous_id=previous_id,
                                       reseller_id=reseller.pk)
    if audit:
        record(actor=actor, organization=reseller, action="customer.delegated",
               target=customer, data={"provider": customer.provider.name}, request=request)
    return customer


@transaction.atomic
def customer_undelegate(*, customer: Customer, actor: User | None = None,
                        request: HttpRequest | None = None,
                        audit: bool = True) -> Organization | None:
    """End the delegated access of the customer's reseller (the row is locked first); the
    reseller it had, or None when it had none. Audited in that reseller's log, unless the
    caller's own audit event says it already (`audit=False`). The apps that registered a
    handler in hooks.py (support) take what that reseller handled for the customer away
    from it, in the same transaction."""
    locked = (Customer.objects.select_for_update(of=("self",))
              .select_related("reseller", "provider").get(pk=customer.pk))
    reseller = locked.reseller
    if reseller is not None:
        locked.reseller = None
        locked.save(update_fields=["reseller"])
        if audit:
            record(actor=actor, organization=reseller, action="customer.undelegated",
                   target=locked, data={"provider": locked.provider.name}, request=request)
        customer_undelegated(customer=locked, reseller=reseller, actor=actor, request=request)
        if locked.status == Customer.Status.ACTIVE:
            customers_reseller_changed(provider_id=locked.provider_id,
                                       customer_ids=[locked.pk], previous_id=reseller.pk,
                                       reseller_id=None)
    customer.reseller = None
    return reseller


def customers_undelegate_for(*, provider: Organization, reseller: Organization) -> int:
    """The partnership ended: every customer of `provider` that `reseller` manages is
    managed by the provider again. How many changed (the caller audits and holds the
    transaction)."""
    forget_reseller_options(provider.pk)
    managed = Customer.objects.filter(provider=provider, reseller=reseller)
    customers_reseller_changed(
        provider_id=provider.pk, previous_id=reseller.pk, reseller_id=None,
        customer_ids=list(managed.filter(status=Customer.Status.ACTIVE)
                          .values_list("pk", flat=True)))
    return managed.update(reseller=None)
