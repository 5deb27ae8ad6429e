from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncentivesConfig(AppConfig):
    name = "apps.incentives"
    verbose_name = _("Incentives")
