from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.orders import hooks


class BillingConfig(AppConfig):
    name = "apps.billing"
    verbose_name = _("Billing")

    def ready(self):
        # why: services import models, which can be imported only once the registry is ready.
        from .services import charges_record_for_order

        # Orders sits below this app: it announces lines that took effect through its hook.
        if charges_record_for_order not in hooks.on_order_took_effect:
            hooks.on_order_took_effect.append(charges_record_for_order)
