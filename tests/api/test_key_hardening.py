"""A key acts for its creator: it stops when the creator leaves the organization or is
deactivated, and never does more than the creator's current role allows."""

import pytest

from apps.accounts.services import user_deactivate
from apps.audit.models import AuditEvent
from apps.organizations.models import Membership
from apps.organizations.roles import Role
from apps.organizations.services import membership_change_role, membership_remove
from tests import factories
from tests.api.conftest import make_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_admin(contoso):
    return factories.member(contoso, Role.ADMIN, email="second@contoso.test")


def _membership(user, organization):
    return Membership.objects.get(user=user, organization=organization)


def test_a_key_stops_when_its_creator_leaves_the_organization(api, contoso, contoso_admin,
                                                              second_admin):
    _key, secret = make_key(second_admin, contoso)
    assert api(secret).get("/api/v1/offers/").status_code == 200
    membership_remove(membership=_membership(second_admin, contoso), actor=contoso_admin)
    response = api(secret).get("/api/v1/offers/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"] == (
        "This API key no longer works: the person who created it left the organization.")


def test_a_key_stops_when_its_creator_is_deactivated(api, contoso, contoso_admin,
                                                     second_admin):
    _key, secret = make_key(second_admin, contoso)
    user_deactivate(user=second_admin, actor=contoso_admin)
    response = api(secret).get("/api/v1/offers/")
    assert response.status_code == 401
    assert "deactivated" in response.json()["detail"]


def test_a_creator_in_another_organization_does_not_keep_the_key(
        api, contoso, tailspin, contoso_admin, second_admin):
    factories.MembershipFactory(organization=tailspin, user=second_admin, role=Role.ADMIN)
    _key, secret = make_key(second_admin, contoso)
    membership_remove(membership=_membership(second_admin, contoso), actor=contoso_admin)
    assert api(secret).get("/api/v1/offers/").status_code == 401


def test_a_demoted_creators_admin_key_acts_as_the_lower_role(api, contoso, contoso_admin,
                                                             second_admin, adatum):
    _key, secret = make_key(second_admin, contoso)  # an admin key
    assert api(secret).get("/api/v1/audit-events/").status_code == 200
    membership_change_role(membership=_membership(second_admin, contoso), role=Role.HELPDESK,
                           actor=contoso_admin)
    client = api(secret)
    refused = client.get("/api/v1/audit-events/")  # admins only
    assert refused.status_code == 403
    assert client.post("/api/v1/customers/", {}, format="json").status_code == 403
    assert client.get("/api/v1/customers/").status_code == 200  # helpdesk may read
    # Promoted again: the key has its own role back, never more.
    membership_change_role(membership=_membership(second_admin, contoso), role=Role.ADMIN,
                           actor=contoso_admin)
    assert client.get("/api/v1/audit-events/").status_code == 200


def test_a_sales_key_stays_sales_when_its_creator_is_promoted(api, contoso, contoso_admin):
    sales = factories.member(contoso, Role.SALES, email="sales@contoso.test")
    _key, secret = make_key(sales, contoso)
    membership_change_role(membership=_membership(sales, contoso), role=Role.ADMIN,
                           actor=contoso_admin)
    assert api(secret).get("/api/v1/audit-events/").status_code == 403


def test_a_refused_key_records_nothing(api, contoso, contoso_admin, second_admin):
    _key, secret = make_key(second_admin, contoso)
    membership_remove(membership=_membership(second_admin, contoso), actor=contoso_admin)
    before = AuditEvent.objects.count()
    api(secret).post("/api/v1/customers/", {}, format="json")
    assert AuditEvent.objects.count() == before


def test_the_api_keys_page_says_so(login, contoso_admin):
    from django.urls import reverse

    page = login(contoso_admin).get(reverse("apikeys:list", kwargs={"org_slug": "contoso"}))
    assert "when they leave the organization" in page.content.decode()
