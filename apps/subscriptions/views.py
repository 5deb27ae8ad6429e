"""A customer's subscriptions."""

from django.shortcuts import render

from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind
from apps.pagination import paginate

from .selectors import subscription_list


@workspace_view(kinds=(Kind.CUSTOMER,), permission="subscriptions.view")
def subscriptions(request):
    page = paginate(request, subscription_list(organization=request.organization))
    return render(request, "subscriptions/list.html", {"page": page})
