"""Support requests go to the subscription's designated support contact and back."""

import pytest
from django.core import mail

from apps.audit.models import AuditEvent
from apps.organizations.roles import Role
from apps.support.models import SupportMessage, SupportRequest
from tests import factories


@pytest.fixture
def fabrikam(provider):
    org = factories.ResellerFactory(name="Fabrikam Solutions", slug="fabrikam")
    factories.PartnershipFactory(provider=provider, reseller=org)
    return org


@pytest.fixture
def fabrikam_helpdesk(fabrikam):
    return factories.member(fabrikam, Role.HELPDESK, email="helpdesk@fabrikam.test")


@pytest.fixture
def subscription(customer, fabrikam):
    """Adatum (Northwind's customer) has a subscription Fabrikam supports."""
    return factories.SubscriptionFactory(customer=customer, support_contact=fabrikam,
                                         offer__name="Microsoft 365 Business Standard")


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def open_request(client, subscription, run_on_commit, changes=None):
    data = {"subscription": str(subscription.pk) if subscription else "",
            "title": "Mailboxes do not sync", "severity": "high",
            "description": "Since this morning no mail arrives.", **(changes or {})}
    with run_on_commit():
        return client.post("/o/adatum/support/new/", data)


def test_request_reaches_the_designated_contact_and_the_reply_comes_back(
        client, customer_admin, subscription, fabrikam_helpdesk, reseller_admin, run_on_commit):
    client.force_login(customer_admin)
    response = open_request(client, subscription, run_on_commit)
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
    with run_on_commit():
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


def test_status_changes_are_the_handlers_and_are_mailed(client, customer_admin, subscription,
                                                        fabrikam_helpdesk, run_on_commit):
    client.force_login(customer_admin)
    open_request(client, subscription, run_on_commit)
    support_request = SupportRequest.objects.get()
    # The customer cannot set the status.
    assert client.post(f"/o/adatum/support/{support_request.pk}/status/",
                       {"status": "resolved"}).status_code == 404

    client.force_login(fabrikam_helpdesk)
    with run_on_commit():
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
    with run_on_commit():
        client.post(f"/o/adatum/support/{support_request.pk}/reply/", {"body": "Back again."})
    support_request.refresh_from_db()
    assert support_request.status == "open"
    assert support_request.resolved_at is None


def test_without_a_designated_contact_the_request_goes_to_the_provider(
        client, customer_admin, customer, provider_helpdesk, run_on_commit):
    plain = factories.SubscriptionFactory(customer=customer, support_contact=None)
    client.force_login(customer_admin)
    open_request(client, plain, run_on_commit)
    assert SupportRequest.objects.get().handled_by.slug == "contoso"
    client.force_login(provider_helpdesk)
    assert "Mailboxes do not sync" in client.get("/o/contoso/support/").content.decode()


def test_a_request_about_no_subscription_goes_to_the_delegated_reseller(
        client, customer_admin, run_on_commit):
    client.force_login(customer_admin)
    open_request(client, None, run_on_commit)
    assert SupportRequest.objects.get().handled_by.slug == "northwind"


@pytest.mark.parametrize(("changes", "message"), [
    ({"title": ""}, "This field is required."),
    ({"description": ""}, "This field is required."),
    ({"severity": "apocalyptic"}, "Select a valid choice"),
    ({"title": "x" * 201}, "at most 200 characters"),
    ({"description": "nul\x00"}, "Null characters are not allowed."),
    ({"subscription": "not-a-uuid"}, "is not a valid UUID."),
])
def test_bad_requests_are_refused_next_to_the_field(client, customer_admin, subscription,
                                                    run_on_commit, changes, message):
    client.force_login(customer_admin)
    response = open_request(client, subscription, run_on_commit, changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SupportRequest.objects.exists()
    assert not mail.outbox


def test_another_customers_subscription_is_refused(client, customer_admin, provider,
                                                   run_on_commit):
    foreign = factories.SubscriptionFactory(customer=factories.CustomerFactory(provider=provider))
    client.force_login(customer_admin)
    response = open_request(client, foreign, run_on_commit)
    assert "Select a valid choice" in response.content.decode()
    assert not SupportRequest.objects.exists()


def test_notifications_are_sent_once_per_entry(client, customer_admin, subscription,
                                               fabrikam_helpdesk, run_on_commit):
    from apps.support.tasks import send_support_notification

    client.force_login(customer_admin)
    open_request(client, subscription, run_on_commit)
    entry = SupportMessage.objects.get()
    assert send_support_notification.apply(args=[str(entry.pk)]).get() == "skipped"
    assert len(mail.outbox) == 1


def test_queue_filters_pages_and_junk(client, fabrikam_helpdesk, fabrikam, customer,
                                      django_assert_max_num_queries):
    for n in range(30):
        SupportRequest.objects.create(customer=customer.organization, handled_by=fabrikam,
                                      title=f"Issue {n:02d}",
                                      status="resolved" if n % 2 else "open")
    client.force_login(fabrikam_helpdesk)
    with django_assert_max_num_queries(10):
        page = client.get("/o/fabrikam/support/?status=open")
    assert len(page.context["page"].object_list) == 15
    assert "Issue 29" not in page.content.decode()
    for junk in ("?status=%00", "?page=zz", "?page=9999", "?q=" + "x" * 300):
        assert client.get("/o/fabrikam/support/" + junk).status_code == 200


def test_empty_states(client, customer_admin, fabrikam_helpdesk):
    client.force_login(customer_admin)
    assert "No support requests yet." in client.get("/o/adatum/support/").content.decode()
    client.force_login(fabrikam_helpdesk)
    assert "The queue is empty." in client.get("/o/fabrikam/support/").content.decode()
