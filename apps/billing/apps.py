from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.orders import hooks


class BillingConfig(AppConfig):
    name = "apps.billing"
    verbose_name = _("Billing")

    def ready(self):
        # why: services import models, which can be imported only once the registry is ready.
        from .services import charges_record_for_orders

        # Orders sits below this app: it announces lines that took effect through its hook
        # (a list of orders: one, or a chunk of the term engine's renewals).
        if charges_record_for_orders not in hooks.on_orders_took_effect:
            hooks.on_orders_took_effect.append(charges_record_for_orders)
