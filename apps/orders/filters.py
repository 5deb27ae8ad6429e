"""The Orders page's filters: status and kind."""

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.forms import BulkSelect

from .models import Order


class OrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Order.Status.choices, empty_label=_("Any status"),
        widget=BulkSelect,
        error_messages={"invalid_choice": _("Choose a status from the list.")})
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Order.Kind.choices, empty_label=_("Any kind"), widget=BulkSelect,
        error_messages={"invalid_choice": _("Choose a kind from the list.")})

    class Meta:
        model = Order
        fields = ["status", "kind"]
