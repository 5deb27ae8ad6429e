"""The API keys page of a provider's or reseller's workspace (its admins): the keys with
their last use, New API key (the key is shown once), Revoke (after a confirmation)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from apps.errors import DomainError
from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind

from .forms import ApiKeyForm
from .selectors import api_key_get, api_key_list
from .services import api_key_create, api_key_revoke

KINDS = (Kind.PROVIDER, Kind.RESELLER)


@workspace_view(kinds=KINDS, permission="api.manage")
@require_GET
def api_keys(request):
    return render(request, "api/keys.html", {"keys": api_key_list(
        organization=request.organization)})


@workspace_view(kinds=KINDS, permission="api.manage")
@require_http_methods(["GET", "POST"])
@never_cache
def api_key_new(request):
    form = ApiKeyForm(request.POST or None, initial={"role": request.membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            key, secret = api_key_create(membership=request.membership,
                                         name=form.cleaned_data["name"],
                                         role=form.cleaned_data["role"],
                                         expires_at=form.expires_at(), request=request)
        except DomainError as error:
            error.add_to_form(form)
        else:
            # Shown in this response only: never stored, never in a URL or the session.
            return render(request, "api/key_created.html", {"key": key, "secret": secret})
    return render(request, "api/key_new.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


@workspace_view(kinds=KINDS, permission="api.manage")
@require_http_methods(["GET", "POST"])
def api_key_revoke_page(request, key_id):
    key = api_key_get(organization=request.organization, pk=key_id)
    if request.method == "POST":
        api_key_revoke(key=key, actor=request.user, request=request)
        messages.success(request, _("API key %(name)s revoked.") % {"name": key.name})
        return redirect("apikeys:list", org_slug=request.organization.slug)
    return render(request, "api/key_revoke.html", {"key": key})
