from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.organizations.hooks import register_organization_renamed


class SubscriptionsConfig(AppConfig):
    name = "apps.subscriptions"
    verbose_name = _("Subscriptions")

    def ready(self):
        # Imported here: services load models, which the app registry allows only once ready.
        from apps.partnerships.hooks import register_partnership_ended

        from .services import subscription_customer_renamed, support_contacts_reassign

        def support_back_to_provider(*, provider, reseller):
            return support_contacts_reassign(provider=provider, from_org=reseller,
                                             to_org=provider)

        # The reseller's support designations go back to the provider.
        register_partnership_ended("support_moved_to_provider", support_back_to_provider)
        # A customer's new name goes onto its subscriptions (the Incentives page's order).
        register_organization_renamed("subscription_customer_name", subscription_customer_renamed)
