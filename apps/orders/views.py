"""The provider's Orders page (filter by status and kind, sortable) and an order's
Confirmation page (with Setup info). Retry is provisioning's (apps.provisioning.views)."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.lists import list_page, render_region
from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind, has_permission

from . import selectors, services
from .filters import OrderFilter
from .models import Order
from .pricing import order_totals
from .tables import ORDER_COLUMNS


@workspace_view(kinds=(Kind.PROVIDER,), permission="orders.view")
@require_GET
def orders(request):
    filterset = OrderFilter(request.GET or None,
                            queryset=selectors.order_list(provider=request.organization))
    can_submit = has_permission(request.membership, "orders.submit")
    rows = list_page(request, filterset.qs, ORDER_COLUMNS, default="-submitted_at")
    return render_region(request, "orders/list.html", "orders/partials/region.html", {
        "filter": filterset, "list": rows, "sort": rows.sort,
        "filtered": bool(filterset.is_bound and filterset.form.has_changed()),
        "can_submit": can_submit})


def _status_context(request, order):
    """The order's state; once completed, the one-time reveal of its Setup info."""
    setup = None
    if order.status == Order.Status.COMPLETED:
        setup = services.handover_reveal(order=order, user=request.user, request=request)
    lines = list(order.lines.all())
    return {"order": order, "lines": lines, "totals": order_totals(lines), "setup": setup,
            "can_submit": has_permission(request.membership, "orders.submit"),
            "temporary_password_days": settings.PORTAL_TEMPORARY_PASSWORD_DAYS}


@workspace_view(kinds=(Kind.PROVIDER,), permission="orders.view")
@require_GET
@never_cache
def confirmation(request, order_id):
    order = selectors.order_get(provider=request.organization, pk=order_id)
    return render(request, "orders/confirmation.html", _status_context(request, order))


@workspace_view(kinds=(Kind.PROVIDER,), permission="orders.view")
@require_GET
@never_cache
def status(request, order_id):
    """The Confirmation page's status block, polled by htmx while provisioning runs."""
    order = selectors.order_get(provider=request.organization, pk=order_id)
    return render(request, "orders/partials/status.html", _status_context(request, order))

