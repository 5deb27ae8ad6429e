"""What the enrolment mails say about partnership requests waiting for the new reseller.

Partnerships sits above resellers, so resellers cannot read its requests: partnerships
registers a provider from its AppConfig.ready(). A provider takes the reseller's
organization and the page the applicant enrolled from (a personalized link, or '') and
returns (provider name, path of the request's link) for each request still open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from apps.organizations.models import Organization


class WaitingRequests(Protocol):
    def __call__(self, *, organization: Organization,
                 return_to: str) -> list[tuple[str, str]]: ...


waiting_request_providers: list[WaitingRequests] = []


def register_waiting_requests(provider: WaitingRequests) -> None:
    if provider not in waiting_request_providers:
        waiting_request_providers.append(provider)


def waiting_requests(*, organization: Organization, return_to: str) -> list[tuple[str, str]]:
    """Every registered provider's answer, in order, without repeats."""
    found: list[tuple[str, str]] = []
    for provider in waiting_request_providers:
        for item in provider(organization=organization, return_to=return_to):
            if item not in found:
                found.append(item)
    return found
