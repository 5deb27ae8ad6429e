"""The provider's Orders page. Orders arrive with the new-customer wizard."""

from django.shortcuts import render

from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind


@workspace_view(kinds=(Kind.PROVIDER,), permission="orders.view")
def orders(request):
    return render(request, "orders/list.html", {"orders": []})
