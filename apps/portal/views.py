"""The workspace pages that gather several apps: the dashboard of each kind of organization
and the audit log of a provider or reseller."""

from django.shortcuts import render

from apps.audit.selectors import audit_event_list
from apps.lists import paginate
from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind

from .activity import activities
from .dashboard import dashboard_context


@workspace_view(kinds=(Kind.PROVIDER, Kind.RESELLER, Kind.CUSTOMER), permission="dashboard.view")
def dashboard(request):
    context = dashboard_context(request)
    return render(request, f"portal/dashboard_{request.organization.kind}.html", context)


@workspace_view(kinds=(Kind.PROVIDER, Kind.RESELLER), permission="audit.view")
def audit_log(request):
    page = paginate(request, audit_event_list(organization=request.organization), per_page=50)
    # Each row's sentence next to its recorded code (links checked once per kind of object).
    rows = activities(page.object_list, organization=request.organization,
                      membership=request.membership, user_id=request.user.pk)
    return render(request, "portal/audit_log.html", {"page": page, "rows": rows})
