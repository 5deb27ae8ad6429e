from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from apps.organizations.hooks import register_organization_renamed


class CustomersConfig(AppConfig):
    name = "apps.customers"
    verbose_name = _("Customers")

    def ready(self):
        # Imported here: services load models, which the app registry allows only once ready.
        from apps.partnerships.hooks import register_partnership_ended

        from . import options
        from .services import customer_name_sync, customers_undelegate_for

        # The reseller loses delegated access to the provider's customers it managed.
        register_partnership_ended("customers_undelegated", customers_undelegate_for)
        # The customer's name (the Customers page's sort key) follows its organization's.
        register_organization_renamed("customer_name", customer_name_sync)

        # The Customers page's reseller filter is cached: forget it when it may change.
        for signal in (post_save, post_delete):
            signal.connect(options.partnership_changed, sender="partnerships.Partnership",
                           dispatch_uid=f"customers-options-partnership-{signal is post_save}")
            signal.connect(options.customer_changed, sender="customers.Customer",
                           dispatch_uid=f"customers-options-customer-{signal is post_save}")
        post_save.connect(options.organization_changed, sender="organizations.Organization",
                          dispatch_uid="customers-options-organization")
