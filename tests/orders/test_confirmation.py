"""Confirmation page: progress while provisioning, then Setup info revealed once, to one user."""

import logging
from unittest import mock

import pytest
from django.core import mail

from apps.audit.models import AuditEvent
from apps.orders.models import CredentialHandover, Order
from apps.organizations.roles import Role
from apps.outbox.models import OutboxMessage
from apps.provisioning.tasks import provision_order
from tests import factories

ADMIN = "admin@margiestravel.onpartnercenter.test"


def confirmation(order):
    return f"/o/contoso/orders/{order.pk}/confirmation/"


def password_in(html):
    marker = 'id="setup-password" type="text" value="'
    return html.split(marker)[1].split('"')[0] if marker in html else None


def test_while_provisioning_the_page_polls_then_reveals_once(submit, client, provider_admin):
    order = submit(execute=False)
    client.force_login(provider_admin)
    page = client.get(confirmation(order)).content.decode()
    assert "being set up" in page
    status_url = f"/o/contoso/orders/{order.pk}/status/"
    assert f'hx-get="{status_url}"' in page
    assert 'hx-trigger="every 2s"' in page
    assert password_in(page) is None

    # The poll, before and after the worker ran.
    assert "being set up" in client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    provision_order.delay(str(order.pk))
    fragment = client.get(status_url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment  # polling stops
    assert "<html" not in fragment
    password = password_in(fragment)
    assert password
    assert ADMIN in fragment

    # Reloading or reopening the page: already shown.
    for _ in range(2):
        again = client.get(confirmation(order)).content.decode()
        assert password not in again
        assert "already shown" in again
        assert ADMIN in again
    assert AuditEvent.objects.filter(action="order.setup_info_shown").count() == 1


def test_only_the_submitting_user_sees_the_password(submit, client, provider, provider_admin):
    order = submit()
    colleague = factories.member(provider, Role.ADMIN, email="colleague@contoso.test")
    client.force_login(colleague)
    page = client.get(confirmation(order)).content.decode()
    assert password_in(page) is None
    assert "Only the person who submitted this order" in page
    # ... and looking did not use up the one reveal.
    client.force_login(provider_admin)
    assert password_in(client.get(confirmation(order)).content.decode())


def test_other_tenants_get_404(submit, client, outsider, reseller_admin):
    order = submit()
    for user, prefix in [(outsider, "/o/tailspin"), (reseller_admin, "/o/northwind")]:
        client.force_login(user)
        for suffix in ["confirmation/", "status/"]:
            assert client.get(f"{prefix}/orders/{order.pk}/{suffix}").status_code == 404
            assert client.get(f"/o/contoso/orders/{order.pk}/{suffix}").status_code == 404
    assert CredentialHandover.objects.get().revealed_at is None


@pytest.mark.parametrize("path", ["/o/contoso/orders/not-a-uuid/confirmation/",
                                  "/o/contoso/orders/00000000-0000-0000-0000-000000000000/"
                                  "confirmation/",
                                  "/o/contoso/orders/00000000-0000-0000-0000-000000000000/retry/",
                                  "/o/contoso/orders/?page=abc", "/o/contoso/orders/?page=-3",
                                  "/o/contoso/customers/not-a-uuid/",
                                  "/o/contoso/customers/00000000-0000-0000-0000-000000000000/"])
def test_junk_urls_are_404_or_a_page(client, provider_admin, path):
    client.force_login(provider_admin)
    assert client.get(path).status_code in (200, 404, 405)
    assert client.post(path).status_code in (200, 302, 404, 405)


def test_the_password_is_in_no_log_task_argument_email_audit_event_or_session(
        wizard, reseller, offers, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    sent = []
    original = provision_order.apply_async

    def spy(args=None, kwargs=None, **options):
        sent.append((args, kwargs))
        return original(args=args, kwargs=kwargs, **options)

    with mock.patch.object(provision_order, "apply_async", side_effect=spy):
        wizard.start(f"?reseller={reseller.pk}")
        wizard.details(reseller=reseller)
        wizard.subscriptions({offers["basic"]: 5, offers["standard"]: 10})
        with django_capture_on_commit_callbacks(execute=True):
            response = wizard.submit()
    order = Order.objects.get()
    page = wizard.client.get(response.url).content.decode()
    password = password_in(page)
    assert password
    assert len(sent) == 1
    assert sent[0] == (None, {"order_id": str(order.pk)})
    # Provisioning's task and, the order completed, the analytics count: the id only.
    assert sorted((m.kwargs for m in OutboxMessage.objects.all()), key=str) == [
        {"order_id": str(order.pk)}, {"order_ids": [str(order.pk)]}]
    logged = "\n".join(record.getMessage() + repr(record.args) for record in caplog.records)
    assert logged  # the task's own log lines are there
    assert password not in logged
    assert password not in caplog.text
    assert all(password not in m.body and password not in m.subject for m in mail.outbox)
    for event in AuditEvent.objects.all():
        assert password not in repr(event.data)
    assert password not in str(dict(wizard.client.session.items()))
    handover = CredentialHandover.objects.get()
    assert handover.secret == ""


def test_confirmation_pages_use_a_fixed_number_of_queries(submit, client, provider_admin,
                                                          django_assert_max_num_queries):
    order = submit()
    client.force_login(provider_admin)
    with django_assert_max_num_queries(16):
        client.get(confirmation(order))
    with django_assert_max_num_queries(12):
        client.get(f"/o/contoso/orders/{order.pk}/status/")
