from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.customers import hooks as customers_hooks
from apps.orders import hooks
from apps.subscriptions import hooks as subscriptions_hooks


class AnalyticsConfig(AppConfig):
    name = "apps.analytics"
    verbose_name = _("Analytics")

    def ready(self):
        # why: services import models, which can be imported only once the registry is ready.
        from .services import rollup_customers_move_enqueue, rollup_enqueue, rollup_move_enqueue

        # Orders sits below this app: it announces the orders whose lines took effect (a
        # list: one order, or a chunk of the term engine's renewals).
        if rollup_enqueue not in hooks.on_orders_took_effect:
            hooks.on_orders_took_effect.append(rollup_enqueue)
        # Changes of credit that no order records: a subscription's reseller of record, the
        # reseller managing a customer.
        if rollup_move_enqueue not in subscriptions_hooks.on_reseller_of_record_changed:
            subscriptions_hooks.on_reseller_of_record_changed.append(rollup_move_enqueue)
        if rollup_customers_move_enqueue not in customers_hooks.on_customers_reseller_changed:
            customers_hooks.on_customers_reseller_changed.append(rollup_customers_move_enqueue)
