"""Support requests go to the subscription's designated support contact and back."""

import pytest
from django.core import mail

from apps.audit.models import AuditEvent
from apps.support.models import SupportMessage, SupportRequest
from tests import factories


@pytest.fixture
def supported_by_fabrikam(customer, fabrikam_partnered):
    """Adatum (Northwind's customer) has a subscription Fabrikam supports."""
    return factories.SubscriptionFactory(customer=customer, support_contact=fabrikam_partnered,
                                         offer__name="Microsoft 365 Business Standard")


def open_request(client, subscription, on_commit, changes=None):
    data = {"subscription": str(subscription.pk) if subscription else "",
            "title": "Mailboxes do not sync", "severity": "high",
            "description": "Since this morning no mail arrives.", **(changes or {})}
    with on_commit():
        return client.post("/o/adatum/support/new/", data)


def test_request_reaches_the_designated_contact_and_the_reply_comes_back(
        client, customer_admin, supported_by_fabrikam, fabrikam_helpdesk, reseller_admin,
        on_commit):
    client.force_login(customer_admin)
    response = open_request(client, supported_by_fabrikam, on_commit)
    support_request = SupportRequest.objects.get()
    assert response.url == f"/o/adatum/support/{support_request.pk}/"
    assert support_request.handled_by.slug == "fabrikam"
    assert mail.outbox[-1].to == ["helpdesk@fabrikam.test"]
    assert "New support request from Adatum Corporation" in mail.outbox[-1].subject

    # In Fabrikam's queue, not in Northwind's.
    client.force_login(fabrikam_helpdesk)
    assert "Mailboxes do not sync" in client.get("/o/fabrikam/support/").content.decode()
    client.force_login(reseller_admin)
    assert "Mailboxes do not sync" not in client.get("/o/northwind/support/").content.decode()
    assert client.get(f"/o/northwind/support/{support_request.pk}/").status_code == 404

    # Fabrikam replies: the work starts and the customer is told.
    client.force_login(fabrikam_helpdesk)
    with on_commit():
        client.post(f"/o/fabrikam/support/{support_request.pk}/reply/",
                    {"body": "We are on it: the connector needed a restart."})
    support_request.refresh_from_db()
    assert support_request.status == "in_progress"
    assert mail.outbox[-1].to == ["admin@adatum.test"]
    assert "the connector needed a restart" in mail.outbox[-1].body

    client.force_login(customer_admin)
    thread = client.get(f"/o/adatum/support/{support_request.pk}/").content.decode()
    assert "Since this morning no mail arrives." in thread
    assert "the connector needed a restart" in thread
    assert AuditEvent.objects.filter(action="support.replied",
                                     organization=support_request.handled_by).exists()


def test_status_changes_are_the_handlers_and_are_mailed(client, customer_admin,
                                                        supported_by_fabrikam, fabrikam_helpdesk,
                                                        on_commit):
    client.force_login(customer_admin)
    open_request(client, supported_by_fabrikam, on_commit)
    support_request = SupportRequest.objects.get()
    # The customer cannot set the status.
    assert client.post(f"/o/adatum/support/{support_request.pk}/status/",
                       {"status": "resolved"}).status_code == 404

    client.force_login(fabrikam_helpdesk)
    with on_commit():
        client.post(f"/o/fabrikam/support/{support_request.pk}/status/", {"status": "resolved"})
    support_request.refresh_from_db()
    assert support_request.status == "resolved"
    assert support_request.resolved_at is not None
    assert "Resolved" in mail.outbox[-1].subject
    bad = client.post(f"/o/fabrikam/support/{support_request.pk}/status/", {"status": "gone"})
    assert bad.status_code == 400
    assert "Select a valid choice" in bad.content.decode()

    # The customer writes again: the request opens again.
    client.force_login(customer_admin)
    with on_commit():
        client.post(f"/o/adatum/support/{support_request.pk}/reply/", {"body": "Back again."})
    support_request.refresh_from_db()
    assert support_request.status == "open"
    assert support_request.resolved_at is None


def test_without_a_designated_contact_the_request_goes_to_the_provider(
        client, customer_admin, customer, provider_helpdesk, on_commit):
    plain = factories.SubscriptionFactory(customer=customer, support_contact=None)
    client.force_login(customer_admin)
    open_request(client, plain, on_commit)
    assert SupportRequest.objects.get().handled_by.slug == "contoso"
    client.force_login(provider_helpdesk)
    assert "Mailboxes do not sync" in client.get("/o/contoso/support/").content.decode()


def test_a_request_about_no_subscription_goes_to_the_delegated_reseller(
        client, customer_admin, on_commit):
    client.force_login(customer_admin)
    open_request(client, None, on_commit)
    assert SupportRequest.objects.get().handled_by.slug == "northwind"


@pytest.mark.parametrize(("changes", "message"), [
    ({"title": ""}, "This field is required."),
    ({"description": ""}, "This field is required."),
    ({"severity": "apocalyptic"}, "Select a valid choice"),
    ({"title": "x" * 201}, "at most 200 characters"),
    ({"description": "nul\x00"}, "Null characters are not allowed."),
    ({"subscription": "not-a-uuid"}, "is not a valid UUID."),
])
def test_bad_requests_are_refused_next_to_the_field(client, customer_admin, supported_by_fabrikam,
                                                    on_commit, changes, message):
    client.force_login(customer_admin)
    response = open_request(client, supported_by_fabrikam, on_commit, changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SupportRequest.objects.exists()
    assert not mail.outbox


def test_another_customers_subscription_is_refused(client, customer_admin, provider,
                                                   on_commit):
    foreign = factories.SubscriptionFactory(customer=factories.CustomerFactory(provider=provider))
    client.force_login(customer_admin)
    response = open_request(client, foreign, on_commit)
    assert "Select a valid choice" in response.content.decode()
    assert not SupportRequest.objects.exists()


def test_notifications_are_sent_once_per_entry(client, customer_admin, supported_by_fabrikam,
                                               fabrikam_helpdesk, on_commit):
    from apps.support.tasks import send_support_notification

    client.force_login(customer_admin)
    open_request(client, supported_by_fabrikam, on_commit)
    entry = SupportMessage.objects.get()
    assert send_support_notification.apply(args=[str(entry.pk)]).get() == "skipped"
    assert len(mail.outbox) == 1


def test_queue_filters_pages_and_junk(client, fabrikam_helpdesk, fabrikam_partnered, customer,
                                      django_assert_max_num_queries):
    for n in range(30):
        SupportRequest.objects.create(customer=customer.organization, handled_by=fabrikam_partnered,
                                      title=f"Issue {n:02d}",
                                      status="resolved" if n % 2 else "open")
    client.force_login(fabrikam_helpdesk)
    with django_assert_max_num_queries(10):
        page = client.get("/o/fabrikam/support/?status=open")
    assert len(page.context["page"].object_list) == 15
    assert "Issue 29" not in page.content.decode()
    for junk in ("?status=%00", "?page=zz", "?page=9999", "?q=" + "x" * 300):
        assert client.get("/o/fabrikam/support/" + junk).status_code == 200


def test_a_search_with_an_ampersand_keeps_paging(client, fabrikam_helpdesk, fabrikam_partnered,
                                                  customer):
    for n in range(30):
        SupportRequest.objects.create(customer=customer.organization, handled_by=fabrikam_partnered,
                                      title=f"Mail & calendar {n:02d}", status="open")
    client.force_login(fabrikam_helpdesk)
    html = client.get("/o/fabrikam/support/?status=open&q=mail+%26+cal").content.decode()
    assert 'href="?status=open&amp;q=mail+%26+cal&amp;page=2"' in html
    second = client.get("/o/fabrikam/support/?status=open&q=mail+%26+cal&page=2")
    assert len(second.context["page"].object_list) == 5


@pytest.mark.usefixtures("fabrikam_partnered")
def test_empty_states(client, customer_admin, fabrikam_helpdesk):
    client.force_login(customer_admin)
    assert "No support requests yet." in client.get("/o/adatum/support/").content.decode()
    client.force_login(fabrikam_helpdesk)
    assert "The queue is empty." in client.get("/o/fabrikam/support/").content.decode()
