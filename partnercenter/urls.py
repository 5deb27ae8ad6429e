"""URL map: public pages, accounts, and workspaces under /o/<org_slug>/."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET

from apps.health import readyz
from apps.organizations import views as organization_views
from apps.resellers import views as reseller_views

# Operators sign in through allauth (rate limits, MFA) rather than the bare admin form.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Partner Center operations"
admin.site.site_title = "Partner Center operations"


@require_GET
def healthz(request):
    """Liveness: the process answers. /readyz says whether what it depends on does too."""
    return HttpResponse("ok", content_type="text/plain")


workspace_patterns = [
    path("", include("apps.organizations.urls")),
    path("", include("apps.resellers.urls")),
    path("", include("apps.customers.urls")),
    path("", include("apps.subscriptions.urls")),
    path("", include("apps.orders.urls")),
    path("", include("apps.providers.urls")),
    path("audit/", include("apps.audit.urls")),
    path("support/", include("apps.support.urls")),
]

urlpatterns = [
    path("", organization_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("apps.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("invitations/team/<str:token>/", organization_views.team_invitation,
         name="team_invitation"),
    path("invitations/partnership/<str:token>/", reseller_views.partnership_invitation,
         name="partnership_invitation"),
    path("resellers/enrol/", reseller_views.enrol, name="enrol"),
    path("directory/", include("apps.providers.directory_urls")),
    path("o/<slug:org_slug>/", include(workspace_patterns)),
]
