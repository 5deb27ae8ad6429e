"""Retry: a failed order (Orders page, Confirmation page) goes to provisioning again."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.errors import DomainError
from apps.orders.selectors import order_get
from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind

from . import services


@workspace_view(kinds=(Kind.PROVIDER,), permission="orders.submit")
@require_POST
def retry(request, order_id):
    order = order_get(provider=request.organization, pk=order_id)
    try:
        services.order_retry(order=order, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("orders:list", org_slug=request.organization.slug)
    messages.success(request, _("The order was sent to provisioning again."))
    return redirect("orders:confirmation", org_slug=request.organization.slug, order_id=order.pk)
