from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "apps.customers"
    verbose_name = _("Customers")

    def ready(self):
        # Imported here: services load models, which the app registry allows only once ready.
        from apps.partnerships.hooks import register_partnership_ended

        from .services import customers_undelegate_for

        # The reseller loses delegated access to the provider's customers it managed.
        register_partnership_ended("customers_undelegated", customers_undelegate_for)
