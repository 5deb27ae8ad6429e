"""URL map: public pages, accounts, and workspaces under /o/<org_slug>/."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django.views.i18n import JavaScriptCatalog

from apps.accounts import views as account_views
from apps.health import readyz
from apps.organizations import views as organization_views
from apps.partnerships import views as partnership_views
from apps.resellers import views as reseller_views

# Operators sign in through allauth (rate limits, MFA) rather than the bare admin form.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("Partner Center operations")
admin.site.site_title = _("Partner Center operations")


@require_GET
def healthz(request):
    """Liveness: the process answers. /readyz says whether what it depends on does too."""
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def favicon(request):
    """Browsers and tools that ask for /favicon.ico before reading a page's <link rel=icon>."""
    return redirect(static("img/favicon.ico"))


workspace_patterns = [
    path("", include("apps.portal.urls")),
    path("", include("apps.organizations.urls")),
    path("", include("apps.partnerships.urls")),
    path("", include("apps.relationships.urls")),
    path("", include("apps.incentives.urls")),
    path("", include("apps.analytics.urls")),
    path("", include("apps.customers.urls")),
    path("", include("apps.customers.subscription_urls")),
    path("", include("apps.customers.user_urls")),
    path("", include("apps.orders.urls")),
    path("", include("apps.billing.urls")),
    path("", include("apps.provisioning.urls")),
    path("", include("apps.providers.urls")),
    path("", include("apps.api.page_urls")),
    path("support/", include("apps.support.urls")),
    path("", include("apps.webhooks.urls")),
]

urlpatterns = [
    path("", organization_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("apps.api.urls")),
    # Under /i18n/, which the sign-in gates leave open: the language switch, and the
    # JavaScript strings of static/js (a script of our own origin, as the CSP wants).
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("i18n/js/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("apps.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("invitations/team/<str:token>/", organization_views.team_invitation,
         name="team_invitation"),
    path("invitations/partnership/<str:token>/", partnership_views.partnership_invitation,
         name="partnership_invitation"),
    path("resellers/enrol/", reseller_views.enrol, name="enrol"),
    path("directory/", include("apps.providers.directory_urls")),
    path("o/<slug:org_slug>/", include(workspace_patterns)),
]
