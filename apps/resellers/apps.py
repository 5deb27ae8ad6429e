from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResellersConfig(AppConfig):
    name = "apps.resellers"
    verbose_name = _("Resellers")

    def ready(self):
        # Imported here: views load models, which the app registry allows only once ready.
        from apps.organizations.hooks import register_workspace_gate

        from .views import unapproved_reseller_gate

        register_workspace_gate(unapproved_reseller_gate)
