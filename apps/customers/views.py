"""Customer lists of a provider or reseller, and a customer's partners."""

from django.shortcuts import render

from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind
from apps.pagination import paginate

from .selectors import customer_list, customer_partners


@workspace_view(kinds=(Kind.PROVIDER, Kind.RESELLER), permission="customers.view")
def customers(request):
    page = paginate(request, customer_list(organization=request.organization))
    return render(request, "customers/list.html", {"page": page})


@workspace_view(kinds=(Kind.CUSTOMER,), permission="partners.view")
def partners(request):
    return render(request, "customers/partners.html",
                  {"partners": customer_partners(customer_organization=request.organization)})
