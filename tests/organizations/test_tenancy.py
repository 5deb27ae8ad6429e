"""Workspaces resolve only through the user's memberships; other tenants are 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.organizations.roles import Role
from tests import factories
from tests.statements import statement_sql


def test_another_providers_workspace_is_not_found(client, outsider, provider):
    client.force_login(outsider)
    for path in ["/o/contoso/", "/o/contoso/customers/", "/o/contoso/team/",
                 "/o/does-not-exist/"]:
        assert client.get(path).status_code == 404, path


def test_an_object_of_another_tenant_is_not_found_inside_my_workspace(client, provider_admin,
                                                                      outsider):
    foreign = outsider.memberships.get()
    client.force_login(provider_admin)
    response = client.get(f"/o/contoso/team/members/{foreign.pk}/role/")
    assert response.status_code == 404


def test_sales_agent_gets_403_on_an_admin_only_page(client, provider_sales):
    client.force_login(provider_sales)
    assert client.get("/o/contoso/team/invite/").status_code == 403
    assert client.get("/o/contoso/audit/").status_code == 403
    assert client.get("/o/contoso/customers/").status_code == 200


def test_anonymous_is_sent_to_sign_in_and_back(client, provider):
    response = client.get("/o/contoso/customers/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/o/contoso/customers/"


@pytest.mark.parametrize("path", ["/o/contoso/team/members/not-a-uuid/role/",
                                  "/o/contoso/team/members/00000000-0000-0000-0000-000000000000/remove/",
                                  "/o/contoso/team/invitations/123/revoke/",
                                  "/o/contoso/audit/?page=-1", "/o/contoso/audit/?page=abc",
                                  "/o/contoso/customers/?page=99999999999999999999",
                                  "/o/%00/", "/o/contoso/%00/"])
def test_junk_in_urls_never_gives_a_500(client, provider_admin, path):
    client.force_login(provider_admin)
    assert client.get(path).status_code in (200, 400, 404)


def test_inactive_organization_is_not_found(client, provider_admin, provider):
    provider.is_active = False
    provider.save()
    client.force_login(provider_admin)
    assert client.get("/o/contoso/").status_code == 404


def test_sign_in_lands_in_the_organization_used_last(client, provider_admin, reseller):
    factories.MembershipFactory(user=provider_admin, organization=reseller, role=Role.SALES)
    client.force_login(provider_admin)
    client.get("/o/northwind/")
    client.logout()
    client.force_login(provider_admin)
    response = client.get("/")
    assert response.url == "/o/northwind/"


def test_switcher_lists_every_membership_of_the_user(client, provider_admin, reseller):
    factories.MembershipFactory(user=provider_admin, organization=reseller, role=Role.SALES)
    client.force_login(provider_admin)
    html = client.get("/o/contoso/").content.decode()
    assert 'href="/o/northwind/"' in html
    assert 'href="/o/contoso/"' in html


def test_user_without_organization_sees_an_explanation(client, db):
    client.force_login(factories.UserFactory())
    response = client.get("/")
    assert response.status_code == 200
    assert "You are not a member of any organization yet." in response.content.decode()


@pytest.mark.parametrize(("fixture", "labels", "absent"), [
    ("provider_admin", ["Indirect resellers", "Customers", "Orders", "Team", "Audit log"], []),
    ("provider_sales", ["Indirect resellers", "Customers", "Orders", "Team"], ["Audit log"]),
    ("reseller_admin", ["Providers", "Customers", "Team", "Audit log"], ["Indirect resellers"]),
    ("customer_admin", ["Subscriptions", "Partners", "Team"], ["Indirect resellers", "Audit log"]),
])
def test_dashboard_menu_matches_the_role(client, request, fixture, labels, absent):
    user = request.getfixturevalue(fixture)
    client.force_login(user)
    response = client.get("/", follow=True)
    menu = response.context["workspace_menu"]
    names = [str(item["label"]) for item in menu]
    for label in labels:
        assert label in names
    for label in absent:
        assert label not in names
    html = response.content.decode()
    assert '<nav aria-label="Dashboard"' in html
    assert html.count("<h1") == 1


def test_pages_carry_title_language_and_landmarks(client, provider_admin):
    client.force_login(provider_admin)
    html = client.get("/o/contoso/customers/").content.decode()
    assert '<html lang="en">' in html
    assert "<title>Customers · Contoso Distribution · Partner Center</title>" in html
    for landmark in ("<header", "<nav", "<main"):
        assert landmark in html


def test_workspace_pages_keep_a_constant_number_of_queries(client, provider_admin, provider,
                                                           django_assert_max_num_queries):
    for n in range(30):
        reseller = factories.ResellerFactory()
        factories.PartnershipFactory(provider=provider, reseller=reseller)
        customer = factories.CustomerFactory(provider=provider, reseller=reseller)
        factories.SubscriptionFactory(customer=customer)
        factories.member(provider, Role.SALES, email=f"colleague{n}@contoso.test")
    client.force_login(provider_admin)
    for path in ["/o/contoso/", "/o/contoso/resellers/", "/o/contoso/customers/",
                 "/o/contoso/team/", "/o/contoso/audit/"]:
        with django_assert_max_num_queries(12):
            assert client.get(path).status_code == 200


def test_the_membership_and_the_switcher_come_from_one_query(client, provider_admin, provider,
                                                             reseller, tailspin):
    factories.MembershipFactory(user=provider_admin, organization=reseller)
    factories.MembershipFactory(user=provider_admin, organization=tailspin)
    client.force_login(provider_admin)
    client.get("/o/contoso/")  # the first visit remembers the workspace
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/o/contoso/customers/").content.decode()
    sent = [statement_sql(q["sql"]) for q in queries]
    membership_queries = [sql for sql in sent if '"organizations_membership"' in sql
                          and "INNER JOIN" in sql and '"user_id" =' in sql]
    assert len(membership_queries) == 1
    for name in ("Contoso Distribution", "Northwind Traders", "Tailspin Cloud"):
        assert name in html.split('aria-labelledby="org-switcher"')[1]
