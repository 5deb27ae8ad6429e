"""The Webhooks pages of a provider's or reseller's admins: endpoints, their signing
secret, the delivery log with Resend, and a test event."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.errors import DomainError
from apps.lists import list_page, render_region
from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind

from . import selectors, services
from .events import EVENTS
from .forms import EndpointForm
from .tables import DELIVERY_COLUMNS

KINDS = (Kind.PROVIDER, Kind.RESELLER)
PERMISSION = "webhooks.manage"


def _to_detail(request, endpoint):
    return redirect("webhooks:detail", org_slug=request.organization.slug,
                    endpoint_id=endpoint.pk)


@workspace_view(kinds=KINDS, permission=PERMISSION)
@require_GET
def endpoints(request):
    return render(request, "webhooks/list.html", {
        "endpoints": selectors.endpoint_list(organization=request.organization)})


@workspace_view(kinds=KINDS, permission=PERMISSION)
@require_http_methods(["GET", "POST"])
def endpoint_new(request):
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.endpoint_create(
                organization=request.organization, url=form.cleaned_data["url"],
                description=form.cleaned_data["description"],
                events=form.cleaned_data["events"], actor=request.user, request=request)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Endpoint added. Its signing secret is shown below."))
            return _to_detail(request, endpoint)
    return render(request, "webhooks/form.html", {"form": form, "endpoint": None})


@workspace_view(kinds=KINDS, permission=PERMISSION)
@require_http_methods(["GET", "POST"])
def endpoint_edit(request, endpoint_id):
    endpoint = selectors.endpoint_get(organization=request.organization, pk=endpoint_id)
    form = EndpointForm(request.POST or None, editing=True, initial={
        "url": endpoint.url, "description": endpoint.description, "events": endpoint.events,
        "enabled": endpoint.enabled})
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(
                endpoint=endpoint, url=form.cleaned_data["url"],
                description=form.cleaned_data["description"],
                events=form.cleaned_data["events"], enabled=form.cleaned_data["enabled"],
                actor=request.user, request=request)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Endpoint saved."))
            return _to_detail(request, endpoint)
    return render(request, "webhooks/form.html", {"form": form, "endpoint": endpoint})


@workspace_view(kinds=KINDS, permission=PERMISSION)
@require_GET
@never_cache
def endpoint_detail(request, endpoint_id):
    """The endpoint, its signing secret (behind a disclosure) and its delivery log."""
    endpoint = selectors.endpoint_get(organization=request.organization, pk=endpoint_id)
    rows = list_page(request, selectors.delivery_list(endpoint=endpoint), DELIVERY_COLUMNS,
                     default="-created_at")
    return render_region(request, "webhooks/detail.html", "webhooks/partials/deliveries.html", {
        "endpoint": endpoint, "secret": services.endpoint_secret(endpoint),
        "event_labels": [(name, EVENTS.get(name, "")) for name in endpoint.events],
        "list": rows, "sort": rows.sort})


@workspace_view(kinds=KINDS, permission=PERMISSION)
@require_http_methods(["GET", "POST"])
def endpoint_rotate(request, endpoint_id):
    endpoint = selectors.endpoint_get(organization=request.organization, pk=endpoint_id)
    if request.method == "POST":
        services.endpoint_rotate_secret(endpoint=endpoint, actor=request.user, request=request)
        messages.success(request, _("A new signing secret was made. Update your receiver: "
                                    "events are signed with it from now on."))
        return _to_detail(request, endpoint)
    return render(request, "webhooks/rotate.html", {"endpoint": endpoint})


@workspace_view(kinds=KINDS, permission=PERMISSION)
@require_http_methods(["GET", "POST"])
def endpoint_delete(request, endpoint_id):
    endpoint = selectors.endpoint_get(organization=request.organization, pk=endpoint_id)
    if request.method == "POST":
        services.endpoint_delete(endpoint=endpoint, actor=request.user, request=request)
        messages.success(request, _("Endpoint deleted."))
        return redirect("webhooks:list", org_slug=request.organization.slug)
    return render(request, "webhooks/delete.html", {"endpoint": endpoint})


@workspace_view(kinds=KINDS, permission=PERMISSION)
@require_POST
def endpoint_test(request, endpoint_id):
    endpoint = selectors.endpoint_get(organization=request.organization, pk=endpoint_id)
    try:
        services.endpoint_send_test(endpoint=endpoint, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Test event queued. It appears in the log below."))
    return _to_detail(request, endpoint)


@workspace_view(kinds=KINDS, permission=PERMISSION)
@require_POST
def delivery_resend(request, endpoint_id, delivery_id):
    endpoint = selectors.endpoint_get(organization=request.organization, pk=endpoint_id)
    delivery = selectors.delivery_get(endpoint=endpoint, pk=delivery_id)
    try:
        services.delivery_resend(delivery=delivery, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Event %(id)s queued to be sent again.") %
                         {"id": delivery.message.message_id})
    return _to_detail(request, endpoint)
