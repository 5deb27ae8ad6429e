from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The hook registry loads no models, so it can be imported before the registry is ready.
from apps.outbox.hooks import register_mail_outcome


class PartnershipsConfig(AppConfig):
    name = "apps.partnerships"
    verbose_name = _("Partnerships")

    def ready(self):
        # Imported here: services and selectors load models, which the app registry allows
        # only once ready.
        from apps.resellers.hooks import register_waiting_requests

        from .selectors import enrolment_waiting_requests
        from .services import INVITATION_MAIL_EVENT, invitation_mail_outcome

        # A partnership request shows whether its last mail went, or why not.
        register_mail_outcome(INVITATION_MAIL_EVENT, invitation_mail_outcome)
        register_waiting_requests(enrolment_waiting_requests)
