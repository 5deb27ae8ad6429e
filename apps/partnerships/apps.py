from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "apps.partnerships"
    verbose_name = _("Partnerships")

    def ready(self):
        # Imported here: selectors load models, which the registry allows only once ready.
        from apps.resellers.hooks import register_waiting_requests

        from .selectors import enrolment_waiting_requests

        register_waiting_requests(enrolment_waiting_requests)
