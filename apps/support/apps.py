from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The hook registries load no models, so they can be imported before the registry is ready.
from apps.customers.hooks import register_customer_undelegated
from apps.partnerships.hooks import register_partnership_ended
from apps.subscriptions.hooks import register_support_contact_changed


class SupportConfig(AppConfig):
    name = "apps.support"
    verbose_name = _("Support")

    def ready(self):
        # Imported here: services load models, which the app registry allows only once ready.
        from .services import (
            support_requests_contact_changed,
            support_requests_customer_undelegated,
            support_requests_partnership_ended,
        )

        # A reseller that loses access to a customer no longer handles its requests: they
        # go to the provider, or to the subscription's new designated support contact.
        register_partnership_ended("support_requests_moved_to_provider",
                                   support_requests_partnership_ended)
        register_customer_undelegated("support_requests_moved_to_provider",
                                      support_requests_customer_undelegated)
        register_support_contact_changed("support_requests_moved_to_contact",
                                         support_requests_contact_changed)
