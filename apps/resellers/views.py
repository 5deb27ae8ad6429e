"""Indirect resellers page (provider) and the reseller's list of providers."""

from django.shortcuts import render

from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind
from apps.pagination import paginate

from .selectors import partnership_list


@workspace_view(kinds=(Kind.PROVIDER,), permission="partners.view")
def indirect_resellers(request):
    page = paginate(request, partnership_list(provider=request.organization))
    return render(request, "resellers/list.html", {"page": page})


@workspace_view(kinds=(Kind.RESELLER,), permission="partners.view")
def providers(request):
    page = paginate(request, partnership_list(reseller=request.organization))
    return render(request, "resellers/providers.html", {"page": page})
