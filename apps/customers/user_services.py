"""A customer's users (its Users page): add a user, reset a password (or issue again an
expired temporary one), disable and enable an account. Each is one transaction.

Who may: the customer's own admins, its provider, and the reseller it is delegated to (the
views scope the customer and check the role; `_check_acting` checks again). Each use case
is recorded in the customer's log, in the acting organization's and, when a reseller acts,
in the provider's.

A temporary password exists in plain text only inside these functions (to be hashed by
accounts and encrypted by orders' credential handover) and in the one response that reveals
it; it is never logged, audited, mailed or passed to a task. Hashing happens in the request,
as a sign-in or a password change does: the old password stops working when it commits.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.selectors import user_get_by_email
from apps.accounts.services import (
    user_create_with_temporary_password,
    user_deactivate,
    user_issue_temporary_password,
    user_reactivate,
)
from apps.audit.services import record
from apps.errors import DomainError
from apps.orders.selectors import handover_for_key
from apps.orders.services import HandoverReason, handover_create_for_account
from apps.organizations.roles import ROLES_BY_KIND, Kind
from apps.organizations.selectors import user_belongs_elsewhere
from apps.organizations.services import membership_add, organization_lock

if TYPE_CHECKING:
    from django.http import HttpRequest

    from apps.accounts.models import User
    from apps.orders.models import CredentialHandover
    from apps.organizations.models import Membership, Organization

    from .models import Customer


def customer_user_email(customer: Customer, username: str) -> str:
    """A new user's sign-in name: <username>@<prefix>.<CUSTOMER_DOMAIN_SUFFIX>."""
    return f"{username.strip().lower()}@{customer.domain_prefix}.{settings.CUSTOMER_DOMAIN_SUFFIX}"


def _check_acting(customer: Customer, acting_organization: Organization) -> None:
    """The customer itself, its provider, or the reseller it is delegated to."""
    allowed = {customer.organization_id, customer.provider_id}
    if customer.reseller_id is not None and customer.status == customer.Status.ACTIVE:
        allowed.add(customer.reseller_id)
    if acting_organization.pk not in allowed:
        raise DomainError(_("Only the customer, its provider and its indirect reseller manage "
                            "the customer's users."))


def _audit(*, action: str, customer: Customer, acting_organization: Organization, user: User,
           actor: User, request: HttpRequest | None, data: dict[str, object] | None = None
           ) -> None:
    """One event in the customer's log, the acting organization's and (a reseller acting)
    the provider's."""
    logs = [customer.organization]
    if acting_organization.pk != customer.organization_id:
        logs.append(acting_organization)
    if acting_organization.kind == Kind.RESELLER:
        logs.append(customer.provider)
    details = {"email": user.email, "customer": customer.organization.name,
               "by": acting_organization.name, **(data or {})}
    for organization in logs:
        record(actor=actor, organization=organization, action=action, target=user,
               data=details, request=request)


def _check_account(customer: Customer, membership: Membership, actor: User) -> User:
    """The member's account, when it is the customer's alone to act on."""
    if membership.organization_id != customer.organization_id:
        raise DomainError(_("This user does not belong to this customer."))
    user = membership.user
    if user.pk == actor.pk:
        raise DomainError(_("You cannot do this to your own account. To change your own "
                            "password, use Change password in the user menu."))
    if user.is_staff or user_belongs_elsewhere(user=user, organization=customer.organization):
        raise DomainError(_("%(email)s also belongs to another organization: only that "
                            "person can change the account.") % {"email": user.email})
    return user


def _existing(customer: Customer, key: uuid.UUID | None, actor: User) -> CredentialHandover | None:
    if key is None:
        return None
    return handover_for_key(organization=customer.organization, idempotency_key=key,
                            for_user=actor)


@transaction.atomic
def customer_user_add(*, customer: Customer, acting_organization: Organization,
                      username: str, first_name: str, last_name: str, role: str, actor: User,
                      idempotency_key: uuid.UUID | None = None,
                      request: HttpRequest | None = None) -> CredentialHandover:
    """A new user of the customer with a temporary password, handed over once to `actor`.
    The same idempotency key from the same actor returns the first handover."""
    _check_acting(customer, acting_organization)
    organization = customer.organization
    organization_lock(organization)  # a double click waits for the first, then finds it
    existing = _existing(customer, idempotency_key, actor)
    if existing is not None:
        return existing
    if role not in ROLES_BY_KIND[Kind.CUSTOMER]:
        raise DomainError(_("This role does not exist for this organization."), field="role")
    email = customer_user_email(customer, username)
    if user_get_by_email(email=email) is not None:
        raise DomainError(_("%(email)s already exists. Choose another user name.")
                          % {"email": email}, field="username")
    user, password = user_create_with_temporary_password(
        email=email, last_organization=organization, language=customer.language,
        first_name=first_name.strip(), last_name=last_name.strip())
    membership_add(organization=organization, user=user, role=role, audit=False)
    handover = handover_create_for_account(
        organization=organization, for_user=actor, username=email, password=password,
        reason=HandoverReason.NEW_USER, idempotency_key=idempotency_key)
    del password
    _audit(action="customer.user_added", customer=customer,
           acting_organization=acting_organization, user=user, actor=actor, request=request,
           data={"role": role})
    return handover


def temporary_password_expired(user: User) -> bool:
    """The user never changed a temporary password that has now stopped working."""
    return bool(user.must_change_password and user.password_expires_at is not None
                and user.password_expires_at <= timezone.now())


@transaction.atomic
def customer_user_reset_password(*, customer: Customer, acting_organization: Organization,
                                 membership: Membership, actor: User,
                                 idempotency_key: uuid.UUID | None = None,
                                 request: HttpRequest | None = None) -> CredentialHandover:
    """Reset a customer user's password (or issue again a temporary password that expired):
    the old one stops working at once, the new temporary one is handed over once to `actor`
    and must be changed at the next sign-in."""
    _check_acting(customer, acting_organization)
    organization_lock(customer.organization)
    existing = _existing(customer, idempotency_key, actor)
    if existing is not None:
        return existing
    user = _check_account(customer, membership, actor)
    if not user.is_active:
        raise DomainError(_("%(email)s is disabled. Enable the user first.")
                          % {"email": user.email})
    reissued = temporary_password_expired(user)
    user, password = user_issue_temporary_password(user=user)
    handover = handover_create_for_account(
        organization=customer.organization, for_user=actor, username=user.email,
        password=password, reason=HandoverReason.PASSWORD_RESET,
        idempotency_key=idempotency_key)
    del password
    _audit(action="customer.user_password_reset", customer=customer,
           acting_organization=acting_organization, user=user, actor=actor, request=request,
           data={"reissued_expired": reissued})
    return handover


@transaction.atomic
def customer_user_disable(*, customer: Customer, acting_organization: Organization,
                          membership: Membership, actor: User,
                          request: HttpRequest | None = None) -> User:
    """The user can no longer sign in, and their open sessions end. Nothing is deleted."""
    _check_acting(customer, acting_organization)
    user = _check_account(customer, membership, actor)
    user = user_deactivate(user=user, actor=actor, request=request)
    _audit(action="customer.user_disabled", customer=customer,
           acting_organization=acting_organization, user=user, actor=actor, request=request)
    return user


@transaction.atomic
def customer_user_enable(*, customer: Customer, acting_organization: Organization,
                         membership: Membership, actor: User,
                         request: HttpRequest | None = None) -> User:
    """A disabled user signs in again with the password they had."""
    _check_acting(customer, acting_organization)
    user = _check_account(customer, membership, actor)
    user = user_reactivate(user=user, actor=actor, request=request)
    _audit(action="customer.user_enabled", customer=customer,
           acting_organization=acting_organization, user=user, actor=actor, request=request)
    return user
