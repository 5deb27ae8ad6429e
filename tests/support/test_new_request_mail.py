"""The mail for a new support request says it is new; a reply's says updated."""

import pytest
from django.core import mail

from apps.support.models import SupportRequest
from tests import factories


@pytest.fixture
def supported(customer, fabrikam_partnered):
    return factories.SubscriptionFactory(customer=customer, support_contact=fabrikam_partnered)


def test_a_new_request_says_new(client, customer_admin, supported, fabrikam_helpdesk,
                                on_commit):
    client.force_login(customer_admin)
    with on_commit():
        client.post("/o/adatum/support/new/", {
            "subscription": str(supported.pk), "title": "Mailboxes do not sync",
            "severity": "high", "description": "Since this morning no mail arrives."})
    opened = mail.outbox[-1]
    assert 'Adatum Corporation opened a new support request "Mailboxes do not sync".' in \
        opened.body
    assert "updated" not in opened.body
    assert "opened a new support request" in opened.alternatives[0][0]

    support_request = SupportRequest.objects.get()
    client.force_login(fabrikam_helpdesk)
    with on_commit():
        client.post(f"/o/fabrikam/support/{support_request.pk}/reply/", {"body": "On it."})
    assert "updated the support request" in mail.outbox[-1].body
