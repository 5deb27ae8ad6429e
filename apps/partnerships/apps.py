from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The hook registry loads no models, so it can be imported before the registry is ready.
from apps.outbox.hooks import register_mail_outcome


class PartnershipsConfig(AppConfig):
    name = "apps.partnerships"
    verbose_name = _("Partnerships")

    def ready(self):
        # Imported here: services load models, which the app registry allows only once ready.
        from .services import INVITATION_MAIL_EVENT, invitation_mail_outcome

        # A partnership request shows whether its last mail went, or why not.
        register_mail_outcome(INVITATION_MAIL_EVENT, invitation_mail_outcome)
