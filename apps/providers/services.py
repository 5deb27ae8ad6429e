"""Provider use cases: creation, directory profile change requests and their publication."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_countries import countries

from apps.audit.services import record
from apps.errors import DomainError
from apps.organizations.roles import Kind
from apps.organizations.services import organization_create
from apps.outbox.services import enqueue

from .cache import directory_bump
from .logos import placeholder_logo
from .models import ProfileChangeRequest, ProposedLocation, Provider, ProviderListing, ProviderLogo
from .validators import clean_company_name, clean_target_url

if TYPE_CHECKING:
    from django.http import HttpRequest

    from apps.accounts.models import User
    from apps.organizations.models import Organization

    from .logos import Logo

# (country code, target URL) of one location.
Location = tuple[str, str]

Status = ProfileChangeRequest.Status
MAX_LOCATIONS = 250


@transaction.atomic
def provider_create(*, name: str, country: str = "", partner_id: str = "",
                    slug: str | None = None) -> Organization:
    organization = organization_create(kind=Kind.PROVIDER, name=name, country=country, slug=slug)
    Provider.objects.create(organization=organization, partner_id=partner_id)
    return organization


# ------------------------------------------------------------------ validation


def _validated(company_name: str,
               locations: Iterable[Location]) -> tuple[str, list[Location]]:
    """(name, [(country, url), …] sorted by country) or a DomainError naming the field."""
    try:
        company_name = clean_company_name(company_name)
    except ValidationError as error:
        raise DomainError(error.messages[0], field="company_name") from error
    cleaned: list[Location] = []
    seen: set[str] = set()
    for country, url in locations:
        code = str(country or "").upper()
        if code not in countries:
            raise DomainError(_("Choose a country from the list."), field="locations")
        if code in seen:
            raise DomainError(_("%(country)s is listed more than once. Give each location "
                                "once.") % {"country": countries.name(code)},
                              field="locations", code="duplicate")
        seen.add(code)
        try:
            cleaned.append((code, clean_target_url(url)))
        except ValidationError as error:
            raise DomainError(f"{countries.name(code)}: {error.messages[0]}",
                              field="locations") from error
    if not cleaned:
        raise DomainError(_("Give at least one location with its target URL."),
                          field="locations")
    if len(cleaned) > MAX_LOCATIONS:
        raise DomainError(ngettext("Give at most %(n)d location.", "Give at most %(n)d locations.",
                                   MAX_LOCATIONS) % {"n": MAX_LOCATIONS},
                          field="locations")
    return company_name, sorted(cleaned)


def logo_store(*, logo: Logo) -> ProviderLogo:
    """The stored row for a re-encoded logo (see logos.py); the same image is stored once."""
    stored, _created = ProviderLogo.objects.get_or_create(
        sha256=logo.sha256, defaults={"png": logo.png, "width": logo.width,
                                      "height": logo.height})
    return stored


def logo_store_placeholder(*, colour: str, accent: str) -> ProviderLogo:
    """The stored placeholder mark in two colours (demo data): a rounded square with a disc."""
    return logo_store(logo=placeholder_logo(colour, accent))


def published_locations(provider: Provider) -> list[dict[str, str]]:
    # values_list gives the stored code; the plugin types the column as a Country object.
    rows = cast("Iterable[Location]",
                provider.listings.order_by("country").values_list("country", "target_url"))
    return [{"country": code, "target_url": url} for code, url in rows]


# ------------------------------------------------------------------ publishing


def _publish(provider: Provider, *, company_name: str, logo: ProviderLogo | None,
             locations: Iterable[Location], now: datetime) -> None:
    """Replace the published profile: name, logo and the exact set of locations."""
    provider.directory_name = company_name
    provider.directory_logo = logo
    provider.directory_published_at = now
    provider.save(update_fields=["directory_name", "directory_logo", "directory_published_at"])
    wanted = dict(locations)
    provider.listings.exclude(country__in=list(wanted)).delete()
    existing = {listing.country.code: listing for listing in provider.listings.all()}
    for code, url in wanted.items():
        listing = existing.get(code)
        if listing is None:
            ProviderListing.objects.create(provider=provider, country=code, target_url=url,
                                           published_at=now)
        elif listing.target_url != url:
            listing.target_url = url
            listing.published_at = now
            listing.save(update_fields=["target_url", "published_at"])
    transaction.on_commit(directory_bump)


@transaction.atomic
def directory_publish(*, provider: Provider, company_name: str, locations: Iterable[Location],
                      logo: ProviderLogo | None = None, actor: User | None = None,
                      request: HttpRequest | None = None) -> Provider:
    """Publish a profile directly (demo data, operators' tools); providers use requests."""
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    company_name, locations = _validated(company_name, locations)
    _publish(provider, company_name=company_name, logo=logo, locations=locations,
             now=timezone.now())
    record(actor=actor, organization=provider.organization, action="directory.published",
           target=provider.organization,
           data={"company_name": company_name, "countries": [c for c, _u in locations]},
           request=request)
    return provider


# ------------------------------------------------------------------ change requests


def _lock_provider(provider: Provider) -> Provider:
    return Provider.objects.select_for_update().select_related("organization").get(
        pk=provider.pk)


def _changed_fields(change_request: ProfileChangeRequest,
                    locations: Iterable[Location]) -> list[str]:
    changed = []
    if change_request.company_name != change_request.previous_company_name:
        changed.append("company_name")
    if change_request.logo_id != change_request.previous_logo_id:
        changed.append("logo")
    before = {(p["country"], p["target_url"]) for p in change_request.previous_locations}
    if set(locations) != before:
        changed.append("locations")
    return changed


@transaction.atomic
def profile_change_submit(*, provider: Provider, submitted_by: User, company_name: str,
                          locations: Iterable[Location], new_logo: Logo | None = None,
                          remove_logo: bool = False,
                          request: HttpRequest | None = None) -> ProfileChangeRequest:
    """Ask the operators to publish this profile (company name, logo, every location).

    `new_logo` is a logos.Logo (already decoded and re-encoded); without one the request
    keeps the published logo, or drops it with `remove_logo`. One request per provider is
    in review at a time.
    """
    from .tasks import send_profile_change_submitted

    company_name, locations = _validated(company_name, locations)
    provider = _lock_provider(provider)
    if ProfileChangeRequest.objects.filter(provider=provider, status=Status.SUBMITTED).exists():
        raise DomainError(_("A change request is already in review. Wait for the decision, "
                            "or withdraw it to ask for something else."), code="pending")
    logo: ProviderLogo | None
    if new_logo is not None:
        logo = logo_store(logo=new_logo)
    else:
        logo = None if remove_logo else provider.directory_logo
    now = timezone.now()
    change_request = ProfileChangeRequest(
        provider=provider, submitted_by=submitted_by, submitted_at=now,
        due_at=now + timedelta(days=settings.PORTAL_PROFILE_REVIEW_DAYS),
        company_name=company_name, logo=logo,
        previous_company_name=provider.directory_name, previous_logo=provider.directory_logo,
        previous_locations=published_locations(provider))
    changed = _changed_fields(change_request, locations)
    if not changed:
        raise DomainError(_("Nothing to change: this is the profile the directory shows "
                            "already."), code="unchanged")
    try:
        with transaction.atomic():
            change_request.save()
    except IntegrityError as error:  # another request submitted in between
        raise DomainError(_("A change request is already in review. Wait for the decision, "
                            "or withdraw it to ask for something else."),
                          code="pending") from error
    ProposedLocation.objects.bulk_create(
        ProposedLocation(change_request=change_request, country=code, target_url=url)
        for code, url in locations)
    record(actor=submitted_by, organization=provider.organization,
           action="profile.change_submitted", target=change_request,
           data={"changed": changed, "company_name": company_name,
                 "countries": [code for code, _url in locations],
                 "logo": logo.sha256 if logo else None,
                 "due_at": change_request.due_at.isoformat()},
           request=request)
    enqueue(send_profile_change_submitted, change_request_id=str(change_request.pk),
            key=f"profile-change:{change_request.pk}:submitted")
    return change_request


def _lock_request(change_request: ProfileChangeRequest) -> ProfileChangeRequest:
    return (ProfileChangeRequest.objects.select_for_update()
            .select_related("provider__organization").get(pk=change_request.pk))


@transaction.atomic
def profile_change_withdraw(*, change_request: ProfileChangeRequest, actor: User,
                            request: HttpRequest | None = None) -> ProfileChangeRequest:
    change_request = _lock_request(change_request)
    if not change_request.is_pending:
        raise DomainError(_("Only a request in review can be withdrawn; this one is %(status)s.")
                          % {"status": change_request.get_status_display().lower()})
    change_request.status = Status.WITHDRAWN
    change_request.decided_at = timezone.now()
    change_request.decided_by = actor
    change_request.save(update_fields=["status", "decided_at", "decided_by"])
    record(actor=actor, organization=change_request.provider.organization,
           action="profile.change_withdrawn", target=change_request, request=request)
    return change_request


@transaction.atomic
def profile_change_approve(*, change_request: ProfileChangeRequest, actor: User,
                           request: HttpRequest | None = None) -> ProfileChangeRequest:
    """Publish the whole proposal at once (name, logo, locations) and tell the provider."""
    from .tasks import send_profile_change_decision

    change_request = _lock_request(change_request)
    if change_request.status == Status.APPROVED:
        return change_request
    if not change_request.is_pending:
        raise DomainError(_("Only a request in review can be approved; this one is "
                            "%(status)s.") % {"status": change_request.get_status_display()
                                              .lower()})
    provider = _lock_provider(change_request.provider)
    locations = [(location.country.code, location.target_url)
                 for location in change_request.locations.all()]
    now = timezone.now()
    _publish(provider, company_name=change_request.company_name, logo=change_request.logo,
             locations=locations, now=now)
    change_request.status = Status.APPROVED
    change_request.decided_at = now
    change_request.decided_by = actor
    change_request.rejection_reason = ""
    change_request.save(update_fields=["status", "decided_at", "decided_by",
                                       "rejection_reason"])
    record(actor=actor, organization=provider.organization, action="profile.change_approved",
           target=change_request,
           data={"company_name": change_request.company_name,
                 "countries": [code for code, _url in locations],
                 "logo": change_request.logo_id, "overdue": now > change_request.due_at},
           request=request)
    enqueue(send_profile_change_decision, change_request_id=str(change_request.pk),
            key=f"profile-change:{change_request.pk}:decision")
    return change_request


@transaction.atomic
def profile_change_reject(*, change_request: ProfileChangeRequest, reason: str, actor: User,
                          request: HttpRequest | None = None) -> ProfileChangeRequest:
    """Refuse the proposal with a reason the provider reads; nothing public changes."""
    from .tasks import send_profile_change_decision

    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the provider a reason for the rejection."), field="reason")
    if len(reason) > 2000:
        raise DomainError(_("Keep the reason to 2000 characters or fewer."), field="reason")
    change_request = _lock_request(change_request)
    if not change_request.is_pending:
        raise DomainError(_("Only a request in review can be rejected; this one is "
                            "%(status)s.") % {"status": change_request.get_status_display()
                                              .lower()})
    change_request.status = Status.REJECTED
    change_request.decided_at = timezone.now()
    change_request.decided_by = actor
    change_request.rejection_reason = reason
    change_request.save(update_fields=["status", "decided_at", "decided_by",
                                       "rejection_reason"])
    record(actor=actor, organization=change_request.provider.organization,
           action="profile.change_rejected", target=change_request, data={"reason": reason},
           request=request)
    enqueue(send_profile_change_decision, change_request_id=str(change_request.pk),
            key=f"profile-change:{change_request.pk}:decision")
    return change_request
