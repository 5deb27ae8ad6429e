"""Support pages: the customer's requests, the support queue, and one request's thread."""

import uuid
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.errors import DomainError
from apps.lists import paginate, search_term
from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind, has_permission
from apps.subscriptions.selectors import subscription_list

from . import selectors, services
from .forms import OpenRequestForm, ReplyForm, StatusForm
from .models import SupportRequest
from .tables import SupportRows

if TYPE_CHECKING:
    from django.db.models import QuerySet

ALL = (Kind.PROVIDER, Kind.RESELLER, Kind.CUSTOMER)


@workspace_view(kinds=ALL, permission="support.view")
def support_list(request):
    status = request.GET.get("status", "")
    if status not in SupportRequest.Status.values:
        status = ""
    search = search_term(request)
    requests = selectors.support_request_rows(organization=request.organization, status=status,
                                              search=search)
    page = paginate(request, cast("QuerySet[Any]", requests))
    is_customer = request.organization.kind == Kind.CUSTOMER
    # Each row drawn once in Python (apps.support.tables), not by template lookups per cell.
    drawer = SupportRows(list_url=reverse("support:list",
                                          kwargs={"org_slug": request.organization.slug}),
                         is_customer=is_customer)
    for row in page.object_list:
        row["html"] = drawer.html(row)
    return render(request, "support/list.html", {
        "page": page, "status": status, "search": search,
        "statuses": SupportRequest.Status.choices, "is_customer": is_customer,
    })


@workspace_view(kinds=(Kind.CUSTOMER,), permission="support.open")
@require_http_methods(["GET", "POST"])
def support_new(request):
    subscriptions = subscription_list(organization=request.organization)
    form = OpenRequestForm(request.POST or None, subscriptions=subscriptions,
                           initial={"subscription": request.GET.get("subscription")}
                           if _is_uuid(request.GET.get("subscription")) else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            support_request = services.support_request_open(
                customer_organization=request.organization, user=request.user,
                title=data["title"], description=data["description"],
                severity=data["severity"], subscription=data["subscription"], request=request)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Your request went to %(name)s.")
                             % {"name": support_request.handled_by.name})
            return redirect("support:detail", org_slug=request.organization.slug,
                            request_id=support_request.pk)
    return render(request, "support/new.html", {"form": form})


def _is_uuid(value):
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@workspace_view(kinds=ALL, permission="support.view")
def support_detail(request, request_id, reply_form=None, status_form=None):
    support_request = selectors.support_request_get(organization=request.organization,
                                                    pk=request_id)
    is_handler = request.organization.pk == support_request.handled_by_id
    can_reply = has_permission(request.membership, "support.handle" if is_handler
                               else "support.open")
    return render(request, "support/detail.html", {
        "support_request": support_request, "is_handler": is_handler, "can_reply": can_reply,
        "thread": selectors.support_thread(support_request=support_request),
        "reply_form": reply_form or ReplyForm(initial={"idempotency_key": uuid.uuid4()}),
        "status_form": status_form or StatusForm(initial={"status": support_request.status}),
    }, status=400 if (reply_form or status_form) else 200)


@workspace_view(kinds=ALL, permission="support.view")
@require_POST
def support_reply(request, request_id):
    support_request = selectors.support_request_get(organization=request.organization,
                                                    pk=request_id)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.support_reply(support_request=support_request, user=request.user,
                                   organization=request.organization,
                                   body=form.cleaned_data["body"],
                                   idempotency_key=form.cleaned_data["idempotency_key"],
                                   request=request)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Reply sent."))
            return redirect("support:detail", org_slug=request.organization.slug,
                            request_id=support_request.pk)
    return support_detail.__wrapped__(request, request_id=request_id, reply_form=form)


@workspace_view(kinds=(Kind.PROVIDER, Kind.RESELLER), permission="support.handle")
@require_POST
def support_status(request, request_id):
    support_request = selectors.support_request_get(organization=request.organization,
                                                    pk=request_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.support_set_status(support_request=support_request,
                                        status=form.cleaned_data["status"], user=request.user,
                                        organization=request.organization, request=request)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Status changed."))
            return redirect("support:detail", org_slug=request.organization.slug,
                            request_id=support_request.pk)
    return support_detail.__wrapped__(request, request_id=request_id, status_form=form)
