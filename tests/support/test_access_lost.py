"""Support requests follow access: when a reseller loses access to a customer (End
partnership, Remove access, a support contact changed away from it), the requests it
handles for that customer go to the new handler, and the reseller gets 404 on them."""

import pytest

from apps.audit.models import AuditEvent
from apps.organizations.roles import Role
from apps.partnerships.models import Partnership
from apps.support.models import SupportMessage, SupportRequest
from apps.support.services import support_request_open, support_set_status
from tests import factories


@pytest.fixture
def northwind_supported(customer, reseller):
    """Adatum's subscription whose designated support contact is Northwind."""
    return factories.SubscriptionFactory(customer=customer, support_contact=reseller,
                                         offer__name="Microsoft 365 Business Standard")


@pytest.fixture
def open_request(customer, customer_admin, django_capture_on_commit_callbacks):
    def _open(title, subscription=None):
        with django_capture_on_commit_callbacks(execute=False):
            return support_request_open(customer_organization=customer.organization,
                                        user=customer_admin, title=title,
                                        description="Since this morning no mail arrives.",
                                        severity="high", subscription=subscription)
    return _open


@pytest.fixture
def northwind_requests(open_request, northwind_supported, reseller, reseller_admin,
                       django_capture_on_commit_callbacks):
    """Three requests Northwind handles for Adatum: open, in progress (about its
    subscription) and resolved."""
    general = open_request("Mailboxes do not sync")
    about = open_request("Licences missing", northwind_supported)
    resolved = open_request("Password reset")
    with django_capture_on_commit_callbacks(execute=False):
        support_set_status(support_request=about, status="in_progress", user=reseller_admin,
                           organization=reseller)
        support_set_status(support_request=resolved, status="resolved", user=reseller_admin,
                           organization=reseller)
    requests = [general, about, resolved]
    assert {r.handled_by_id for r in SupportRequest.objects.all()} == {reseller.pk}
    return requests


def assert_moved(client, requests, *, to, former, former_admin, to_user, slug):
    for support_request in requests:
        support_request.refresh_from_db()
        assert support_request.handled_by == to
        entry = SupportMessage.objects.get(request=support_request, kind="handler")
        assert entry.moved_from == former
        assert entry.author_organization == to
        assert AuditEvent.objects.filter(action="support.handler_changed",
                                         target_id=str(support_request.pk),
                                         organization=to).exists()
        assert AuditEvent.objects.filter(action="support.handler_changed",
                                         target_id=str(support_request.pk),
                                         organization=support_request.customer).exists()
    client.force_login(former_admin)
    queue = client.get(f"/o/{former.slug}/support/").content.decode()
    for support_request in requests:
        assert support_request.title not in queue
        assert client.get(f"/o/{former.slug}/support/{support_request.pk}/").status_code == 404
        response = client.post(f"/o/{former.slug}/support/{support_request.pk}/reply/",
                               {"body": "Still here"})
        assert response.status_code == 404
    client.force_login(to_user)
    queue = client.get(f"/o/{slug}/support/").content.decode()
    for support_request in requests:
        assert support_request.title in queue
        page = client.get(f"/o/{slug}/support/{support_request.pk}/")
        assert page.status_code == 200
        assert (f"This request moved from {former.name} to {to.name}, which handles it from "
                "now on") in page.content.decode()


def test_end_partnership_moves_northwinds_requests_to_the_provider(
        client, provider, provider_admin, reseller, reseller_admin, northwind_requests):
    partnership = Partnership.objects.get(provider=provider, reseller=reseller)
    client.force_login(provider_admin)
    response = client.post(f"/o/contoso/resellers/partnerships/{partnership.pk}/end/",
                           {"confirm": "on"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(organization=provider, action="partnership.ended")
    assert event.data["support_requests_moved_to_provider"] == 3
    assert_moved(client, northwind_requests, to=provider, former=reseller,
                 former_admin=reseller_admin, to_user=provider_admin, slug="contoso")


def test_requests_of_another_providers_customer_stay(client, provider, provider_admin,
                                                     reseller, reseller_admin,
                                                     northwind_requests, customer_admin):
    elsewhere = factories.CustomerFactory(provider=factories.ProviderFactory(), reseller=reseller)
    kept = SupportRequest.objects.create(customer=elsewhere.organization, handled_by=reseller,
                                         title="Another provider's customer")
    partnership = Partnership.objects.get(provider=provider, reseller=reseller)
    client.force_login(provider_admin)
    client.post(f"/o/contoso/resellers/partnerships/{partnership.pk}/end/", {"confirm": "on"})
    kept.refresh_from_db()
    assert kept.handled_by == reseller


def test_remove_access_moves_northwinds_requests_to_the_provider(
        client, customer, customer_admin, provider, provider_admin, reseller, reseller_admin,
        northwind_requests):
    client.force_login(customer_admin)
    response = client.post("/o/adatum/partners/remove-reseller/")
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.reseller is None
    assert_moved(client, northwind_requests, to=provider, former=reseller,
                 former_admin=reseller_admin, to_user=provider_admin, slug="contoso")
    # The customer reads the entry in its own thread too.
    client.force_login(customer_admin)
    page = client.get(f"/o/adatum/support/{northwind_requests[0].pk}/").content.decode()
    assert "This request moved from Northwind Traders to Contoso Distribution" in page


@pytest.mark.parametrize("new_contact", ["provider", "fabrikam_partnered"])
def test_a_support_contact_changed_away_moves_the_requests_about_that_subscription(
        client, provider, provider_admin, reseller, reseller_admin, fabrikam_partnered,
        northwind_supported, northwind_requests, new_contact):
    contact = provider if new_contact == "provider" else fabrikam_partnered
    general, about, resolved = northwind_requests
    client.force_login(provider_admin)
    response = client.post(
        f"/o/contoso/customers/{northwind_supported.customer_id}/subscriptions/"
        f"{northwind_supported.pk}/support-contact/", {"support_contact": str(contact.pk)})
    assert response.status_code == 302
    northwind_supported.refresh_from_db()
    assert northwind_supported.support_contact == contact
    to_user = provider_admin if contact == provider else factories.member(
        fabrikam_partnered, Role.HELPDESK, email="helpdesk@fabrikam.test")
    assert_moved(client, [about], to=contact, former=reseller, former_admin=reseller_admin,
                 to_user=to_user, slug=contact.slug)
    # Northwind still manages Adatum: its other requests stay with it.
    for kept in (general, resolved):
        kept.refresh_from_db()
        assert kept.handled_by == reseller
        assert not SupportMessage.objects.filter(request=kept, kind="handler").exists()


def test_a_contact_changed_away_from_the_provider_moves_nothing(
        client, customer, provider, provider_admin, fabrikam_partnered, open_request):
    subscription = factories.SubscriptionFactory(customer=customer, support_contact=provider)
    mine = open_request("Provider's request", subscription)
    client.force_login(provider_admin)
    client.post(f"/o/contoso/customers/{customer.pk}/subscriptions/{subscription.pk}/"
                "support-contact/", {"support_contact": str(fabrikam_partnered.pk)})
    subscription.refresh_from_db()
    assert subscription.support_contact == fabrikam_partnered
    mine.refresh_from_db()
    assert mine.handled_by == provider
