"""The Indirect resellers page: counts, search, sort, paging, constant queries; ending one."""

import pytest

from apps.audit.models import AuditEvent
from apps.partnerships.models import Partnership
from tests import factories

PAGE = "/o/contoso/resellers/"


def partner(provider, name, customers=0, credited=0):
    org = factories.ResellerFactory(name=name)
    factories.PartnershipFactory(provider=provider, reseller=org)
    for _ in range(customers):
        customer = factories.CustomerFactory(provider=provider, reseller=org)
        for _ in range(credited):
            factories.SubscriptionFactory(customer=customer, reseller_of_record=org)
    return org


def rows(response):
    return response.context["list"].rows


def test_counts_are_per_reseller_and_per_provider(client, provider_admin, provider,
                                                  other_provider):
    alpha = partner(provider, "Alpha IT", customers=2, credited=3)
    partner(provider, "Beta IT")
    # Alpha's business with another provider does not count here.
    factories.PartnershipFactory(provider=other_provider, reseller=alpha)
    factories.CustomerFactory(provider=other_provider, reseller=alpha)
    client.force_login(provider_admin)
    table = {r.name: r for r in rows(client.get(PAGE))}
    assert table["Alpha IT"].customer_count == 2
    assert table["Alpha IT"].subscription_count == 6
    assert table["Beta IT"].customer_count == 0


def test_search_sort_and_junk_parameters(client, provider_admin, provider):
    partner(provider, "Alpha IT", customers=1)
    partner(provider, "Beta IT", customers=3)
    client.force_login(provider_admin)
    names = [r.name for r in rows(client.get(PAGE + "?q=beta"))]
    assert names == ["Beta IT"]
    names = [r.name for r in rows(client.get(PAGE + "?sort=-customer_count"))]
    assert names == ["Beta IT", "Alpha IT"]
    names = [r.name for r in rows(client.get(PAGE + "?sort=-name"))]
    assert names == ["Beta IT", "Alpha IT"]
    for junk in ("?sort=password", "?sort=%00", "?page=abc", "?page=999", "?q=" + "x" * 500):
        assert client.get(PAGE + junk).status_code == 200, junk


def test_empty_state(client, provider_admin):
    client.force_login(provider_admin)
    assert "No indirect resellers yet." in client.get(PAGE).content.decode()


@pytest.mark.parametrize("count", [5, 50])
def test_query_count_does_not_grow_with_partners(client, provider_admin, provider, count,
                                                 django_assert_max_num_queries):
    for n in range(count):
        partner(provider, f"Reseller {n:03d}", customers=1, credited=1)
    client.force_login(provider_admin)
    with django_assert_max_num_queries(10):
        response = client.get(PAGE)
    assert len(rows(response)) == min(count, 25)


def test_rows_offer_end_partnership_to_admins_only(client, provider_admin, provider_helpdesk,
                                                   provider):
    partner(provider, "Alpha IT")
    client.force_login(provider_admin)
    assert "End partnership" in client.get(PAGE).content.decode()
    client.force_login(provider_helpdesk)
    content = client.get(PAGE).content.decode()
    assert "End partnership" not in content
    assert "Request a partnership" not in content


def test_ending_a_partnership_shows_the_rule_then_removes_access(client, provider_admin,
                                                                 provider, reseller):
    reseller_admin = factories.member(reseller, email="boss@northwind.test")
    customer = factories.CustomerFactory(provider=provider, reseller=reseller)
    subscription = factories.SubscriptionFactory(customer=customer, reseller_of_record=reseller,
                                                 support_contact=reseller)
    # The reseller's customer of another provider keeps it: that partnership goes on.
    elsewhere = factories.CustomerFactory(provider=factories.ProviderFactory(), reseller=reseller)
    supported_elsewhere = factories.SubscriptionFactory(customer=elsewhere,
                                                        support_contact=reseller)
    partnership = Partnership.objects.get(provider=provider, reseller=reseller)
    url = f"/o/contoso/resellers/partnerships/{partnership.pk}/end/"
    client.force_login(provider_admin)
    confirm = client.get(url).content.decode()
    assert "Customers keep their existing subscriptions" in confirm
    assert "loses delegated admin access to 1 customer" in confirm
    assert "1 subscription it supports gets you as designated support contact" in confirm
    assert customer.organization.name in confirm
    assert elsewhere.organization.name not in confirm

    unconfirmed = client.post(url, {})
    assert unconfirmed.status_code == 200
    assert Partnership.objects.get(pk=partnership.pk).status == "active"

    response = client.post(url, {"confirm": "on"})
    assert response.url == PAGE
    partnership.refresh_from_db()
    assert partnership.status == "ended"
    assert partnership.ended_at is not None
    customer.refresh_from_db()
    subscription.refresh_from_db()
    assert customer.reseller is None
    assert subscription.status == "active"
    assert subscription.quantity == 5
    assert subscription.support_contact == provider
    assert subscription.reseller_of_record == reseller  # past incentives stay credited
    for organization in (provider, reseller):
        event = AuditEvent.objects.get(organization=organization, action="partnership.ended")
        assert event.data == {"provider": provider.name, "reseller": reseller.name,
                              "customers_undelegated": 1, "support_moved_to_provider": 1,
                              "support_requests_moved_to_provider": 0}
    elsewhere.refresh_from_db()
    supported_elsewhere.refresh_from_db()
    assert elsewhere.reseller == reseller
    assert supported_elsewhere.support_contact == reseller
    # The reseller sees it too, and no longer sees the customer.
    client.force_login(reseller_admin)
    providers = client.get("/o/northwind/providers/").content.decode()
    assert "Ended" in providers
    assert customer.organization.name not in client.get("/o/northwind/customers/"
                                                         ).content.decode()
    # Ending twice is refused, never a 500.
    client.force_login(provider_admin)
    again = client.post(url, {"confirm": "on"})
    assert again.status_code == 200
    assert "already ended" in again.content.decode()


def test_reseller_lists_requests_addressed_to_its_members(client, provider, provider_admin,
                                                          reseller_admin, reseller):
    from apps.partnerships.services import invitation_create

    invitation_create(provider=factories.ProviderFactory(name="Litware Distribution"),
                      email=reseller_admin.email, created_by=provider_admin)
    invitation_create(provider=provider, email="someone@else.test", created_by=provider_admin)
    client.force_login(reseller_admin)
    content = client.get("/o/northwind/providers/").content.decode()
    assert "Litware Distribution invites you" in content
    assert "someone@else.test" not in content
    assert "/invitations/partnership/" in content


def test_the_page_size_is_ours_not_the_urls(client, provider_admin, provider):
    for n in range(30):
        partner(provider, f"Reseller {n:03d}")
    client.force_login(provider_admin)
    assert len(rows(client.get(PAGE + "?per_page=100000"))) == 25
    assert len(rows(client.get(PAGE + "?page=2"))) == 5
