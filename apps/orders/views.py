"""The provider's Orders page (filter by status and kind, sortable) and an order's
Confirmation page (with Setup info). Retry is provisioning's (apps.provisioning.views)."""

import uuid

from django.conf import settings
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.lists import list_page, render_region
from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind, has_permission

from . import selectors, services
from .filters import OrderFilter
from .models import Order
from .pricing import order_totals
from .tables import ORDER_COLUMNS, OrderRows


@workspace_view(kinds=(Kind.PROVIDER,), permission="orders.view")
@require_GET
def orders(request):
    organization = request.organization
    filterset = OrderFilter(request.GET or None,
                            queryset=selectors.order_rows(provider=organization))
    can_submit = has_permission(request.membership, "orders.submit")
    rows = list_page(request, filterset.qs, ORDER_COLUMNS, default="-submitted_at")
    # Each row drawn once in Python (apps.orders.tables): links and labels worked out here.
    slug = {"org_slug": organization.slug}
    retry_url = None
    if can_submit:
        placeholder = uuid.UUID(int=0)
        retry_url = reverse("provisioning:retry", kwargs={**slug, "order_id": placeholder}
                            ).replace(str(placeholder), "{pk}")
    drawer = OrderRows(orders_url=reverse("orders:list", kwargs=slug),
                       customers_url=reverse("customers:list", kwargs=slug),
                       kinds=Order.Kind.choices, statuses=Order.Status.choices,
                       retry_url=retry_url, csrf_token=get_token(request) if can_submit else None)
    for row in rows.rows:
        row["html"] = drawer.html(row)
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

