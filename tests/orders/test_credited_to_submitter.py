"""What provisioning does for an order is credited to whoever submitted it, not "system"."""

from apps.audit.models import AuditEvent
from apps.subscriptions.models import Subscription
from apps.subscriptions.selectors import subscription_history


def test_provisioning_credits_the_submitter(submit, provider, provider_admin, reseller):
    order = submit()
    for action in ("subscription.purchased", "customer.delegated", "customer.admin_created"):
        events = AuditEvent.objects.filter(action=action)
        assert events.exists(), action
        assert {event.actor_email for event in events} == {"admin@contoso.test"}, action
    subscription = Subscription.objects.filter(customer=order.customer).first()
    history = subscription_history(subscription=subscription, viewer=provider)
    purchased = [entry for entry in history if entry.what.startswith("Purchased")]
    assert [entry.who for entry in purchased] == ["admin@contoso.test"]
    # The reseller reads the provider's name, not an "automatic" entry.
    assert [entry.who for entry in subscription_history(subscription=subscription,
                                                        viewer=reseller)
            if entry.what.startswith("Purchased")] == ["Contoso Distribution"]
