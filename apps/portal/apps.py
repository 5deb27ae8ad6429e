from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The pages and commands that gather several apps: dashboards, audit log, demo data."""

    name = "apps.portal"
    verbose_name = _("Portal")
