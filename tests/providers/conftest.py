"""Fixtures for the directory: a published Contoso, and the forms' POST data."""

import pytest

from apps.providers.logos import logo_from_bytes
from apps.providers.services import directory_publish, logo_store
from tests.providers.images import png_bytes

PROFILE = "/o/contoso/profile/"
REQUEST = "/o/contoso/profile/request/"
DIRECTORY = "/directory/"


@pytest.fixture
def published(provider):
    """Contoso in the directory: its name, a blue logo and a US location."""
    logo = logo_store(logo=logo_from_bytes(png_bytes(colour=(11, 61, 110, 255))))
    directory_publish(provider=provider.provider, company_name="Contoso Distribution",
                      locations=[("US", "https://contoso.example/us")], logo=logo)
    provider.provider.refresh_from_db()
    return provider.provider


def form_data(company_name="Contoso Distribution", locations=(("US",
              "https://contoso.example/us"),), initial=None, extra=0, **fields):
    """POST data of Request a change: the company fields and a locations formset."""
    initial = len(locations) if initial is None else initial
    data = {"company_name": company_name, "locations-TOTAL_FORMS": str(len(locations) + extra),
            "locations-INITIAL_FORMS": str(initial), "locations-MIN_NUM_FORMS": "1",
            "locations-MAX_NUM_FORMS": "250"}
    for index, (country, url) in enumerate(locations):
        data[f"locations-{index}-country"] = country
        data[f"locations-{index}-target_url"] = url
    data.update(fields)
    return data
