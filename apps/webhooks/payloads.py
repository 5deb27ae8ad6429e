"""The `data` of each event: a plain JSON picture of the object (ids as strings, names,
statuses, quantities, offer codes, ISO dates, the provider's and the reseller's ids).

Kept in one module so that the API can draw its resources the same way. The webhooks app
sits below the domain apps, so it names their models by duck typing only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def _when(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _money(value: Any) -> str | None:
    return None if value is None else f"{value:.2f}"


def _org(organization: Any) -> dict[str, Any] | None:
    if organization is None:
        return None
    return {"id": str(organization.pk), "name": organization.name}


def partnership(obj: Any) -> dict[str, Any]:
    return {"id": str(obj.pk), "status": obj.status, "provider": _org(obj.provider),
            "reseller": _org(obj.reseller), "accepted_at": _when(obj.accepted_at),
            "ended_at": _when(obj.ended_at)}


def partnership_invitation(obj: Any) -> dict[str, Any]:
    return {"id": str(obj.pk), "status": obj.status, "provider": _org(obj.provider),
            "reseller": _org(obj.reseller), "email": obj.email, "name": obj.name,
            "created_at": _when(obj.created_at), "expires_at": _when(obj.expires_at),
            "decided_at": _when(obj.decided_at)}


def customer(obj: Any) -> dict[str, Any]:
    return {"id": str(obj.pk), "organization_id": _id(obj.organization_id), "name": obj.name,
            "domain_prefix": getattr(obj, "domain_prefix", ""), "status": obj.status,
            "provider_id": _id(obj.provider_id), "reseller_id": _id(obj.reseller_id),
            "created_at": _when(obj.created_at)}


def order(obj: Any) -> dict[str, Any]:
    return {"id": str(obj.pk), "kind": obj.kind, "status": obj.status,
            "customer_id": _id(obj.customer_id), "provider_id": _id(obj.provider_id),
            "reseller_id": _id(obj.reseller_id), "error": obj.error,
            "submitted_at": _when(obj.submitted_at), "completed_at": _when(obj.completed_at),
            "lines": [{"id": str(line.pk), "action": line.action, "offer": line.offer.code,
                       "quantity": line.quantity, "previous_quantity": line.previous_quantity,
                       "subscription_id": _id(line.subscription_id),
                       "reseller_of_record_id": _id(line.reseller_of_record_id)}
                      for line in obj.lines.select_related("offer").order_by("pk")]}


def subscription(obj: Any) -> dict[str, Any]:
    return {"id": str(obj.pk), "customer_id": _id(obj.customer_id),
            "provider_id": _id(obj.provider_id), "offer": obj.offer.code,
            "offer_name": obj.offer.name, "quantity": obj.quantity, "status": obj.status,
            "reseller_of_record_id": _id(obj.reseller_of_record_id),
            "support_contact_id": _id(obj.support_contact_id),
            "term_start": _when(obj.term_start), "term_end": _when(obj.term_end),
            "auto_renew": obj.auto_renew, "cancelled_on": _when(obj.cancelled_on)}


def support_request(obj: Any) -> dict[str, Any]:
    return {"id": str(obj.pk), "title": obj.title, "severity": obj.severity,
            "status": obj.status, "customer_organization_id": _id(obj.customer_id),
            "subscription_id": _id(obj.subscription_id), "handled_by_id": _id(obj.handled_by_id),
            "created_at": _when(obj.created_at), "updated_at": _when(obj.updated_at),
            "resolved_at": _when(obj.resolved_at)}


def relationship_request(obj: Any) -> dict[str, Any]:
    return {"id": str(obj.pk), "status": obj.status, "provider_id": _id(obj.provider_id),
            "customer_organization_id": _id(obj.customer_id), "reseller": _org(obj.reseller),
            "created_at": _when(obj.created_at), "decided_at": _when(obj.decided_at)}


def invoice(obj: Any) -> dict[str, Any]:
    # Money as strings with two decimals (never floats); the parties as they were issued.
    return {"id": str(obj.pk), "kind": obj.kind, "status": obj.status,
            "number": obj.display_number if obj.number else None,
            "issuer": {"id": _id(obj.issuer_id), "name": obj.issuer_name},
            "recipient": {"id": _id(obj.recipient_id), "name": obj.recipient_name},
            "month": f"{obj.month:%Y-%m}" if obj.month else None, "currency": obj.currency,
            "subtotal": _money(obj.subtotal), "tax_rate": _money(obj.tax_rate),
            "tax": _money(obj.tax), "total": _money(obj.total),
            "reverse_charge": obj.reverse_charge, "issued_on": _when(obj.issued_on),
            "due_on": _when(obj.due_on), "paid_on": _when(obj.paid_on)}


# The builder of each model, by its label (app_label.modelname).
BUILDERS = {
    "partnerships.partnership": partnership,
    "partnerships.partnershipinvitation": partnership_invitation,
    "customers.customer": customer,
    "orders.order": order,
    "subscriptions.subscription": subscription,
    "support.supportrequest": support_request,
    "relationships.resellerrelationshiprequest": relationship_request,
    "billing.invoice": invoice,
}


def data_of(obj: Any) -> dict[str, Any]:
    """A model instance's data (a dict is taken as it is)."""
    if isinstance(obj, dict):
        return obj
    return BUILDERS[obj._meta.label_lower](obj)
