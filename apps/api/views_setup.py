"""POST /api/v1/orders/{id}/setup-info/reveal/: the temporary password of a new customer's
admin, shown once, to the user who submitted the order (the key's creator) — the Setup info
block of the order's Confirmation page, through the same hand-over service. Never in a
list or in the order's own representation."""

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.orders.selectors import order_get
from apps.orders.services import handover_reveal
from apps.organizations.roles import Kind

from . import serializers as s
from .problems import Conflict
from .views import ERRORS


class SetupInfoSerializer(serializers.Serializer):
    username = serializers.CharField(help_text="The customer admin's user name.")
    password = serializers.CharField(help_text="The temporary password: shown this once.")
    revealed_at = serializers.DateTimeField()


def _refusal(setup):
    """The Setup info block's message for a password that cannot be shown."""
    if setup.state == "already_shown":
        when = date_format(localtime(setup.revealed_at), "DATETIME_FORMAT") \
            if setup.revealed_at else ""
        return _("The temporary password was already shown (%(when)s) and can't be shown "
                 "again.") % {"when": when}
    if setup.state == "expired":
        return _("The temporary password was not viewed within a day and was deleted.")
    if setup.state == "not_yours":
        return _("Only the person who submitted this order can see the temporary password.")
    if setup.state == "unreadable":
        return _("The temporary password can no longer be read (the encryption key changed). "
                 "Contact the platform operators.")
    return _("This order has no temporary password to show.")


class SetupInfoReveal(APIView):
    kinds = (Kind.PROVIDER,)
    permissions = {"POST": "orders.view"}

    @extend_schema(operation_id="orders_setup_info_reveal", request=None,
                   summary="Reveal the new customer admin's temporary password, once",
                   responses={200: SetupInfoSerializer,
                              (409, "application/problem+json"): s.ProblemSerializer,
                              **ERRORS})
    def post(self, request, order_id):
        order = order_get(provider=request._request.organization, pk=order_id)
        if order.status != order.Status.COMPLETED:
            raise Conflict(_("The order is not complete yet: the temporary password is shown "
                             "once the customer's account is set up."))
        setup = handover_reveal(order=order, user=request.user, request=request._request)
        if setup.state != "shown":
            raise Conflict(_refusal(setup))
        return Response(SetupInfoSerializer(setup).data)
