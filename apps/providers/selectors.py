"""Directory and profile reads: the public directory (cached) and a provider's own profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django_countries import countries

from .cache import cached
from .models import ProfileChangeRequest, ProposedLocation, Provider, ProviderListing, ProviderLogo

if TYPE_CHECKING:
    from uuid import UUID

    from django.db.models import QuerySet

    from apps.organizations.models import Organization

DIRECTORY_PER_PAGE = 24

# ------------------------------------------------------------------ the public directory


def _published_listings() -> QuerySet[ProviderListing]:
    return ProviderListing.objects.filter(
        provider__directory_published_at__isnull=False,
        provider__organization__is_active=True,
    ).exclude(provider__directory_name="")


def directory_countries() -> list[tuple[str, str]]:
    """[(code, name)] of the countries with at least one listing, by name."""
    def compute() -> list[str]:
        # values_list gives the stored codes; the plugin types the column as Country objects.
        return list(cast("QuerySet[Any, str]",
                         _published_listings().order_by().values_list("country", flat=True)
                         .distinct()))
    # Codes are cached, names are not: they are in the visitor's language.
    return sorted(((code, countries.name(code)) for code in cached(("countries",), compute)),
                  key=lambda pair: pair[1].casefold())


@dataclass
class DirectoryPage:
    """One page of listings; quacks like a Django Page for partials/pagination.html."""

    object_list: list[dict[str, Any]]
    number: int
    num_pages: int
    count: int
    paginator: DirectoryPage = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.paginator = self

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def _page_number(raw: object) -> int:
    try:
        number = int(str(raw or "1").strip())
    except ValueError:
        return 1
    return min(max(number, 1), 100_000)


def directory_page(*, country: str = "", search: str = "", page: object = 1,
                   per_page: int = DIRECTORY_PER_PAGE) -> DirectoryPage:
    """Listings of active, published providers: one per location, cached per version.

    Two queries on a miss (count and page), none on a hit. Junk page numbers give the
    first page; numbers past the end give the last.
    """
    number = _page_number(page)

    def compute() -> dict[str, Any]:
        listings = _published_listings()
        if country:
            listings = listings.filter(country=country)
        if search:
            listings = listings.filter(provider__directory_name__icontains=search)
        rows = (listings
                .order_by(Lower("provider__directory_name"), "provider_id", "country")
                .values("country", "target_url", name=F("provider__directory_name"),
                        logo=F("provider__directory_logo_id")))
        result = Paginator(rows, per_page).get_page(number)
        items = list(result.object_list)
        return {"items": items, "number": result.number,
                "num_pages": result.paginator.num_pages, "count": result.paginator.count}

    data = cached(("page", country, search.casefold(), number, per_page), compute)
    return DirectoryPage(object_list=[{**item, "country_name": countries.name(item["country"])}
                                      for item in data["items"]],
                         number=data["number"], num_pages=data["num_pages"],
                         count=data["count"])


def published_logo_png(*, digest: str) -> bytes | memoryview | None:
    """The PNG of a logo an active provider publishes, or None (unknown, or not public)."""
    return (ProviderLogo.objects
            .filter(sha256=digest, providers__directory_published_at__isnull=False,
                    providers__organization__is_active=True)
            .values_list("png", flat=True).first())


# ------------------------------------------------------------------ a provider's own profile


def provider_profile(*, organization: Organization) -> Provider:
    """The provider of a workspace with its published listings and logo."""
    return get_object_or_404(
        Provider.objects.select_related("organization", "directory_logo")
        .prefetch_related(Prefetch("listings", ProviderListing.objects.order_by("country"))),
        organization=organization)


def _with_locations(
        queryset: QuerySet[ProfileChangeRequest]) -> QuerySet[ProfileChangeRequest]:
    return queryset.prefetch_related(
        Prefetch("locations", ProposedLocation.objects.order_by("country")))


def change_request_list(*, provider: Provider) -> QuerySet[ProfileChangeRequest]:
    """Every change request of the provider, newest first (the history)."""
    return _with_locations(
        ProfileChangeRequest.objects.filter(provider=provider)
        .select_related("submitted_by", "decided_by"))


def change_request_pending(*, provider: Provider) -> ProfileChangeRequest | None:
    return _with_locations(
        ProfileChangeRequest.objects.filter(provider=provider,
                                            status=ProfileChangeRequest.Status.SUBMITTED)
        .select_related("submitted_by", "logo", "previous_logo")).first()


def change_request_get(*, provider: Provider, pk: UUID) -> ProfileChangeRequest:
    return get_object_or_404(ProfileChangeRequest.objects.select_related("provider"),
                             provider=provider, pk=pk)


# ------------------------------------------------------------------ the diff


@dataclass
class LocationChange:
    country: str
    country_name: str
    before: str
    after: str

    @property
    def kind(self) -> str:
        if not self.before:
            return "added"
        if not self.after:
            return "removed"
        return "changed" if self.before != self.after else "unchanged"


@dataclass
class ChangeRequestDiff:
    name_before: str
    name_after: str
    logo_before: ProviderLogo | None
    logo_after: ProviderLogo | None
    locations: list[LocationChange]

    @property
    def name_changed(self) -> bool:
        return self.name_before != self.name_after

    @property
    def logo_changed(self) -> bool:
        before = self.logo_before.pk if self.logo_before else None
        after = self.logo_after.pk if self.logo_after else None
        return before != after

    @property
    def locations_changed(self) -> bool:
        return any(change.kind != "unchanged" for change in self.locations)

    @property
    def changed_fields(self) -> list[str]:
        return [name for name, changed in (("company_name", self.name_changed),
                                            ("logo", self.logo_changed),
                                            ("locations", self.locations_changed)) if changed]


def change_request_diff(change_request: ProfileChangeRequest) -> ChangeRequestDiff:
    """Published-at-submission values against the proposal, location by location."""
    before = {p["country"]: p["target_url"] for p in change_request.previous_locations}
    after = {loc.country.code: loc.target_url for loc in change_request.locations.all()}
    codes = sorted(set(before) | set(after), key=lambda code: countries.name(code).casefold())
    return ChangeRequestDiff(
        name_before=change_request.previous_company_name,
        name_after=change_request.company_name,
        logo_before=change_request.previous_logo,
        logo_after=change_request.logo,
        locations=[LocationChange(code, countries.name(code), before.get(code, ""),
                                  after.get(code, "")) for code in codes])
