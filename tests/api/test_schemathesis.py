"""Schemathesis against a live test server, over the OpenAPI document: generated
requests for every operation (a bounded number each), with a provider admin's key on a
small world. No response may be a server error or break the document (status code,
content type, headers, body schema)."""

import datetime
import json

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apps.billing.services import month_close
from apps.partnerships.services import invitation_create
from apps.support.services import support_request_open
from tests import factories
from tests.api.conftest import make_key
from tests.billing.helpers import subscribe

EXAMPLES_PER_OPERATION = 30
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


@pytest.fixture
def schemathesis_key(transactional_db, settings):
    settings.PORTAL_API_RATE_LIMIT = 100_000  # the run sends hundreds of requests a minute
    contoso = factories.ProviderFactory(slug="contoso")
    northwind = factories.ResellerFactory(slug="northwind")
    factories.PartnershipFactory(provider=contoso, reseller=northwind)
    basic = factories.OfferFactory(code="basic", name="Business Basic")
    standard = factories.OfferFactory(code="standard", name="Business Standard")
    basic.upgrades_to.add(standard)
    admin = factories.member(contoso, "admin")
    for n in range(3):
        customer = factories.CustomerFactory(provider=contoso, reseller=northwind)
        factories.OrderFactory(provider=contoso, customer=customer, reseller=northwind)
        factories.CustomerFactory(provider=contoso, organization__name=f"Direct {n}")
        # Subscriptions of each state, and partnership requests, for the new operations.
        factories.SubscriptionFactory(customer=customer, offer=basic,
                                      status=("active", "suspended", "cancelled")[n])
        invitation_create(provider=contoso, email=f"reseller{n}@litware.test",
                          created_by=admin)
    # A support request the provider handles (a direct customer's): its queue, thread
    # and audit events have rows.
    direct = factories.CustomerFactory(provider=contoso, organization__name="Direct support")
    support_request_open(customer_organization=direct.organization,
                         user=factories.member(direct.organization, "admin"),
                         title="Sign-in fails", description="Since this morning.",
                         severity="high")
    # Charges of a resold and a direct subscription, and October closed: invoices, a
    # statement and charge lines for the billing operations.
    october = datetime.date(2026, 10, 5)
    subscribe(customer, basic, 3, october, reseller=northwind)
    subscribe(direct, standard, 2, october)
    month_close(month=october, today=datetime.date(2026, 11, 1))
    return make_key(admin, contoso)[1]


def _document():
    """The document /api/v1/schema/ serves (test_the_served_document_is_this_one), built
    at collection: Schemathesis 4's fixture loader does not run under pytest 9."""
    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(json.loads(json.dumps(_document(), default=str)))


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_document(case, schemathesis_key, live_server):
    case.call_and_validate(base_url=live_server.url, checks=CHECKS,
                           headers={"Authorization": f"Bearer {schemathesis_key}"})


def test_the_served_document_is_this_one(client):
    served = client.get("/api/v1/schema/").json()
    assert served == json.loads(json.dumps(_document(), default=str))
    assert served["openapi"] == "3.1.0"
