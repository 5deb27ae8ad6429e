from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationshipsConfig(AppConfig):
    name = "apps.relationships"
    verbose_name = _("Reseller relationships")
