"""The Audit log page of a provider or reseller."""

from django.shortcuts import render

from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind
from apps.pagination import paginate

from .selectors import audit_event_list


@workspace_view(kinds=(Kind.PROVIDER, Kind.RESELLER), permission="audit.view")
def audit_list(request):
    page = paginate(request, audit_event_list(organization=request.organization), per_page=50)
    return render(request, "audit/list.html", {"page": page})
