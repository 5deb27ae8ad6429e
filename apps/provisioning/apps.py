from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.orders import hooks


class ProvisioningConfig(AppConfig):
    name = "apps.provisioning"
    verbose_name = _("Provisioning")

    def ready(self):
        # why: services import models, which can be imported only once the registry is ready.
        from .services import provisioning_enqueue

        # Orders sits below this app: it announces submitted orders through its hook.
        if provisioning_enqueue not in hooks.on_order_submitted:
            hooks.on_order_submitted.append(provisioning_enqueue)
