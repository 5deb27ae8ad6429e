"""What the list pages' speed-ups must not change: the top bar kept per user, workspace,
page and language still shows what is true now and carries this request's CSRF token;
the pages that had no query-count check get one."""

import re

from apps.organizations.models import Organization
from apps.organizations.roles import Role
from tests import factories


def _bar(html):
    return html[html.index("<header"):html.index("</header>")]


def test_the_top_bar_follows_a_renamed_organization_and_the_page(client, provider_admin,
                                                                 provider):
    client.force_login(provider_admin)
    first = _bar(client.get("/o/contoso/customers/").content.decode())
    assert "Contoso Distribution" in first
    assert 'aria-current="page">Customers<' in first
    Organization.objects.filter(pk=provider.pk).update(name="Contoso Cloud Distribution")
    renamed = _bar(client.get("/o/contoso/customers/").content.decode())
    assert "Contoso Cloud Distribution" in renamed
    orders = _bar(client.get("/o/contoso/orders/").content.decode())
    assert 'aria-current="page">Orders<' in orders


def test_the_top_bar_follows_a_new_membership_and_the_language(client, provider_admin,
                                                              reseller):
    client.force_login(provider_admin)
    before = _bar(client.get("/o/contoso/").content.decode())
    assert "Northwind Traders" not in before
    factories.MembershipFactory(user=provider_admin, organization=reseller, role=Role.ADMIN)
    after = _bar(client.get("/o/contoso/").content.decode())
    assert "Northwind Traders" in after
    provider_admin.language = "zh-hans"
    provider_admin.save(update_fields=["language"])
    chinese = _bar(client.get("/o/contoso/").content.decode())
    assert "注销" in chinese
    assert "Sign out" not in chinese


def test_the_top_bar_forms_carry_this_requests_token_and_path(client, provider_admin):
    client.force_login(provider_admin)
    html = client.get("/o/contoso/customers/?q=a%26b").content.decode()
    bar = _bar(html)
    assert 'name="next" value="/o/contoso/customers/?q=a%26b"' in bar
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', bar)
    assert len(tokens) == 2
    assert "\ue000" not in bar
    # Signing out with the bar's token works (the token is this session's, not a kept one).
    client.handler.enforce_csrf_checks = True
    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": tokens[-1]})
    assert response.status_code == 302
    assert client.get("/o/contoso/customers/").status_code == 302  # signed out


def test_a_visitor_gets_the_bar_without_a_token(client):
    bar = _bar(client.get("/accounts/login/").content.decode())
    assert "csrfmiddlewaretoken" not in bar
    assert "\ue000" not in bar


def test_the_resellers_providers_page_keeps_a_constant_number_of_queries(
        client, reseller_admin, reseller, django_assert_max_num_queries):
    for _ in range(30):
        factories.PartnershipFactory(provider=factories.ProviderFactory(), reseller=reseller)
    client.force_login(reseller_admin)
    with django_assert_max_num_queries(10):
        response = client.get("/o/northwind/providers/")
    assert response.status_code == 200
    assert response.content.decode().count("<tr") >= 25
