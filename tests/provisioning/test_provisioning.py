"""provision_order: idempotent, survives a dead worker, fails clearly, retries transient errors."""

import threading
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import OperationalError, connection, connections
from django.utils import timezone

from apps.accounts import passwords
from apps.accounts.services import user_create_with_temporary_password
from apps.audit.models import AuditEvent
from apps.customers.models import Customer
from apps.customers.services import customer_submit
from apps.orders import crypto
from apps.orders.models import CredentialHandover, Order
from apps.orders.tasks import purge_credential_handovers
from apps.organizations.models import Membership
from apps.provisioning import services
from apps.provisioning.tasks import provision_order, requeue_stuck_orders
from apps.subscriptions.models import Subscription
from tests import factories
from tests.customers.conftest import DETAILS

User = get_user_model()
ADMIN = "admin@margiestravel.onpartnercenter.test"


def provisioned(order):
    """What provisioning made for an order, counted."""
    return {
        "users": User.objects.filter(email=ADMIN).count(),
        "memberships": Membership.objects.filter(organization=order.customer.organization).count(),
        "subscriptions": Subscription.objects.filter(customer=order.customer).count(),
        "handovers": CredentialHandover.objects.filter(order=order).count(),
    }


ONCE = {"users": 1, "memberships": 1, "subscriptions": 2, "handovers": 1}


def test_submit_queues_the_task_with_the_order_id_only(submit):
    with mock.patch.object(provision_order, "apply_async") as queued:
        order = submit()
    queued.assert_called_once()
    # Through the outbox: the order's id is the only argument (the outbox row's id goes as a
    # header).
    assert queued.call_args.kwargs == {"kwargs": {"order_id": str(order.pk)},
                                       "headers": {"portal_outbox_id": mock.ANY}}
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED
    assert order.customer.status == Customer.Status.PROVISIONING


def test_provisioning_makes_the_admin_subscriptions_delegation_and_handover(submit, reseller):
    order = submit()
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
    assert order.completed_at is not None
    assert order.attempts == 1
    assert provisioned(order) == ONCE
    user = User.objects.get(email=ADMIN)
    assert user.must_change_password
    assert timedelta(days=6, hours=23) < user.password_expires_at - timezone.now() <= timedelta(
        days=7)
    assert user.emailaddress_set.get().verified
    membership = Membership.objects.get(user=user)
    assert membership.organization == order.customer.organization
    assert membership.role == "admin"
    assert user.last_organization == order.customer.organization
    customer = Customer.objects.get(pk=order.customer_id)
    assert customer.status == Customer.Status.ACTIVE
    assert customer.reseller == reseller
    for subscription in Subscription.objects.filter(customer=customer):
        assert subscription.reseller_of_record == reseller
        assert subscription.support_contact == order.provider
        assert subscription.term_end > subscription.term_start
    handover = CredentialHandover.objects.get()
    assert handover.for_user == order.submitted_by
    assert handover.username == ADMIN
    # Encrypted at rest: the stored secret opens to a password that signs the admin in.
    password = crypto.decrypt(handover.secret)
    assert password not in handover.secret
    assert len(password) >= 16
    assert user.check_password(password)
    assert AuditEvent.objects.filter(organization=reseller, action="customer.delegated").exists()


def test_running_it_twice_creates_nothing_twice(submit):
    order = submit()
    assert provision_order.delay(str(order.pk)).get() == "skipped"
    assert services.order_provision(order_id=order.pk) == "skipped"
    assert provisioned(order) == ONCE


def test_a_second_run_after_completion_reuses_what_exists(submit):
    """Even forced through the claim (status set back), a run adds nothing and keeps the
    password that was handed over."""
    order = submit()
    first_hash = User.objects.get(email=ADMIN).password
    secret = CredentialHandover.objects.get().secret
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SUBMITTED)
    assert services.order_provision(order_id=order.pk) == "completed"
    assert provisioned(order) == ONCE
    assert User.objects.get(email=ADMIN).password == first_hash
    assert CredentialHandover.objects.get().secret == secret


def test_a_worker_that_died_half_way_leaves_nothing_and_the_order_is_taken_up_again(
        submit, django_capture_on_commit_callbacks):
    order = submit(execute=False)
    # The run claimed the order, then died inside its transaction: nothing of it committed.
    with mock.patch.object(services, "_delegate", side_effect=SystemExit("killed")), \
            pytest.raises(SystemExit):
        services.order_provision(order_id=order.pk)
    order.refresh_from_db()
    assert order.status == Order.Status.PROVISIONING
    assert provisioned(order) == {"users": 0, "memberships": 0, "subscriptions": 0,
                                  "handovers": 0}
    # Redelivered before the lease ran out: the claim is still held.
    assert services.order_provision(order_id=order.pk) == "skipped"
    assert requeue_stuck_orders.delay().get() == 0
    # Past the lease, the beat task enqueues it and a new run completes it, once.
    Order.objects.filter(pk=order.pk).update(claimed_at=timezone.now() - timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):  # the outbox relays on commit
        assert requeue_stuck_orders.delay().get() == 1
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
    assert order.attempts == 2
    assert provisioned(order) == ONCE


def test_orders_left_submitted_are_enqueued_again(submit, django_capture_on_commit_callbacks):
    order = submit(execute=False)
    assert services.orders_requeue_stuck() == 0  # just submitted: its task is on its way
    later = timezone.now() + timedelta(minutes=3)
    with mock.patch.object(provision_order, "apply_async") as queued, \
            django_capture_on_commit_callbacks(execute=True):
        assert services.orders_requeue_stuck(now=later) == 1
    queued.assert_called_once_with(kwargs={"order_id": str(order.pk)},
                                   headers={"portal_outbox_id": mock.ANY})


def test_a_transient_error_rolls_back_and_is_retried_with_backoff(submit):
    order = submit(execute=False)
    with mock.patch.object(services, "_subscriptions",
                           side_effect=OperationalError("connection lost")), \
            pytest.raises(OperationalError):
        services.order_provision(order_id=order.pk)
    order.refresh_from_db()
    assert order.status == Order.Status.SUBMITTED  # the claim was given back
    assert provisioned(order)["users"] == 0

    retried = []
    with mock.patch.object(services, "_subscriptions",
                           side_effect=OperationalError("connection lost")), \
            mock.patch.object(provision_order, "retry",
                              side_effect=lambda **kw: retried.append(kw) or RuntimeError()), \
            pytest.raises(RuntimeError):
        provision_order.run(str(order.pk))
    assert retried[0]["countdown"] == 5
    assert isinstance(retried[0]["exc"], OperationalError)

    assert provision_order.delay(str(order.pk)).get() == "completed"
    assert provisioned(order) == ONCE


def test_a_transient_error_that_persists_fails_the_order(submit):
    order = submit(execute=False)
    task = provision_order
    with mock.patch.object(services, "_subscriptions", side_effect=OperationalError("down")):
        task.push_request(retries=task.max_retries)
        try:
            assert task.run(str(order.pk)) == "failed"
        finally:
            task.pop_request()
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED
    assert "temporary error" in order.error


def test_an_account_name_in_use_fails_the_order_clearly_and_it_can_be_retried(submit, client,
                                                                               provider_admin):
    order = submit(execute=False)
    # The account name was free at Submit and taken (e.g. by a sign-up) before provisioning.
    squatter = factories.UserFactory(email=ADMIN)
    assert provision_order.delay(str(order.pk)).get() == "failed"
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED
    assert "already exists" in order.error
    assert Customer.objects.get(pk=order.customer_id).status == Customer.Status.FAILED
    assert not Subscription.objects.exists()
    assert not CredentialHandover.objects.exists()

    client.force_login(provider_admin)
    page = client.get(f"/o/contoso/orders/{order.pk}/confirmation/").content.decode()
    assert "Provisioning failed" in page
    assert "already exists" in page
    assert f'action="/o/contoso/orders/{order.pk}/retry/"' in page

    squatter.delete()
    with mock.patch("django.db.transaction.on_commit", side_effect=lambda f, *a, **k: f()):
        response = client.post(f"/o/contoso/orders/{order.pk}/retry/")
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.COMPLETED
    assert order.error == ""
    assert Customer.objects.get(pk=order.customer_id).status == Customer.Status.ACTIVE
    assert AuditEvent.objects.filter(action="order.retried").exists()


def test_an_unexpected_error_fails_the_order_with_a_message(submit, caplog):
    order = submit(execute=False)
    with mock.patch.object(services, "_subscriptions", side_effect=KeyError("bug")):
        assert services.order_provision(order_id=order.pk) == "failed"
    order.refresh_from_db()
    assert order.status == Order.Status.FAILED
    assert "failed unexpectedly" in order.error
    assert "Provisioning order" in caplog.text


def test_only_failed_orders_can_be_retried(submit, provider_admin):
    from apps.errors import DomainError

    order = submit()
    with pytest.raises(DomainError):
        services.order_retry(order=order, actor=provider_admin)


def test_unrevealed_handovers_are_purged_after_a_day(submit, client, provider_admin):
    order = submit()
    assert purge_credential_handovers.delay().get() == 0
    CredentialHandover.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert purge_credential_handovers.delay().get() == 1
    handover = CredentialHandover.objects.get()
    assert handover.secret == ""
    assert handover.purged_at is not None
    client.force_login(provider_admin)
    page = client.get(f"/o/contoso/orders/{order.pk}/confirmation/").content.decode()
    assert "not viewed within a day and was deleted" in page
    assert 'id="setup-password"' not in page


def test_a_handover_sealed_with_another_key_is_unreadable_not_a_500(submit, client,
                                                                    provider_admin, settings):
    order = submit()
    settings.PORTAL_CREDENTIAL_KEY = ["a-brand-new-key-after-rotation"]
    client.force_login(provider_admin)
    response = client.get(f"/o/contoso/orders/{order.pk}/confirmation/")
    assert response.status_code == 200
    assert "can no longer be read" in response.content.decode()


def test_key_rotation_keeps_old_handovers_readable(submit, settings):
    settings.PORTAL_CREDENTIAL_KEY = ["old-key"]
    submit()
    secret = CredentialHandover.objects.get().secret
    settings.PORTAL_CREDENTIAL_KEY = ["new-key", "old-key"]
    assert len(crypto.decrypt(secret)) == 20
    assert crypto.decrypt(crypto.encrypt("x")) == "x"


def test_temporary_passwords_follow_the_policy():
    from django.contrib.auth.password_validation import validate_password

    from apps.accounts.passwords import temporary_password

    seen = set()
    for _ in range(50):
        password = temporary_password()
        validate_password(password)
        assert len(password) >= 16
        assert any(c.islower() for c in password)
        assert any(c.isupper() for c in password)
        assert any(c.isdigit() for c in password)
        assert any(not c.isalnum() for c in password)
        seen.add(password)
    assert len(seen) == 50


def test_a_temporary_password_is_hashed_at_its_own_cost_and_at_full_cost_once_used(db, settings):
    """Random and about 120 bits, a temporary password is stored with fewer PBKDF2
    iterations; the first sign-in with it stores it again at the default cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    settings.PORTAL_TEMPORARY_PASSWORD_ITERATIONS = 1000
    user, password = user_create_with_temporary_password(email=ADMIN)
    assert user.password.split("$")[:2] == ["pbkdf2_sha256", "1000"]
    assert not user.check_password(password + "x")
    assert user.check_password(password)
    user.refresh_from_db()
    assert user.password.split("$")[1] == str(PBKDF2PasswordHasher.iterations)
    assert user.check_password(password)
    assert user.must_change_password


@pytest.mark.django_db(transaction=True)
def test_a_submit_of_the_same_provider_does_not_wait_for_the_password_hashing(
        provider, provider_admin, offers):
    """Hashing the new admin's temporary password, the slow part, happens before the
    provisioning transaction: the provider is not locked meanwhile, so its next Submit
    goes through (and another worker could provision another order of it)."""
    def submit(prefix):
        return customer_submit(
            provider=provider, reseller=None,
            customer_details={**DETAILS, "domain_prefix": prefix},
            lines=[(offers["basic"], 5)], idempotency_key=uuid.uuid4(),
            submitted_by=provider_admin)

    seen = []
    real_hash = passwords.temporary_password_hash

    def hash_while_another_submits(password):
        def another():
            try:
                seen.append(submit("second").status)
            finally:
                connections.close_all()

        thread = threading.Thread(target=another)
        thread.start()
        thread.join(timeout=15)
        seen.append(connection.in_atomic_block)
        return real_hash(password)

    with mock.patch.object(provision_order, "apply_async"):
        first = submit("first")
        with mock.patch("apps.accounts.services.temporary_password_hash",
                        side_effect=hash_while_another_submits):
            assert services.order_provision(order_id=str(first.pk)) == "completed"
    assert seen == [Order.Status.SUBMITTED, False]
    first.refresh_from_db()
    assert first.status == Order.Status.COMPLETED


@pytest.mark.django_db(transaction=True)
def test_two_orders_of_one_provider_are_provisioned_at_the_same_time(
        provider, provider_admin, offers):
    """Provisioning takes the provider's lock shared: while one run is inside its
    transaction, another order of the same provider is provisioned (two workers, twice the
    orders)."""
    def submit(prefix):
        return customer_submit(
            provider=provider, reseller=None,
            customer_details={**DETAILS, "domain_prefix": prefix},
            lines=[(offers["basic"], 5)], idempotency_key=uuid.uuid4(),
            submitted_by=provider_admin)

    with mock.patch.object(provision_order, "apply_async"):
        first, second = submit("first"), submit("second")
    inside, release, waited_out = threading.Event(), threading.Event(), []
    real_activate = services.customer_activate

    def activate(*, customer):
        if customer.pk == first.customer_id:  # the first run holds its locks here
            inside.set()
            waited_out.append(not release.wait(timeout=20))
        return real_activate(customer=customer)

    def provision_first():
        try:
            services.order_provision(order_id=str(first.pk))
        finally:
            connections.close_all()

    with mock.patch.object(services, "customer_activate", side_effect=activate):
        thread = threading.Thread(target=provision_first)
        thread.start()
        assert inside.wait(timeout=20)
        assert services.order_provision(order_id=str(second.pk)) == "completed"
        release.set()
        thread.join(timeout=30)
    assert waited_out == [False]  # the second finished while the first was in its transaction
    for order in (first, second):
        order.refresh_from_db()
        assert order.status == Order.Status.COMPLETED


def test_beat_runs_the_requeue_every_minute_and_the_purge_hourly(settings):
    from partnercenter.celery import app

    schedule = {entry["task"]: entry["schedule"]
                for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["apps.provisioning.tasks.requeue_stuck_orders"] == 60.0
    assert schedule["apps.orders.tasks.purge_credential_handovers"] == 3600.0
    app.loader.import_default_modules()
    assert {"apps.provisioning.tasks.requeue_stuck_orders",
            "apps.orders.tasks.purge_credential_handovers",
            "apps.provisioning.tasks.provision_order"} <= set(app.tasks)
