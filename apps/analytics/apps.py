from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.orders import hooks


class AnalyticsConfig(AppConfig):
    name = "apps.analytics"
    verbose_name = _("Analytics")

    def ready(self):
        # why: services import models, which can be imported only once the registry is ready.
        from .services import rollup_enqueue

        # Orders sits below this app: it announces the orders whose lines took effect (a
        # list: one order, or a chunk of the term engine's renewals).
        if rollup_enqueue not in hooks.on_orders_took_effect:
            hooks.on_orders_took_effect.append(rollup_enqueue)
