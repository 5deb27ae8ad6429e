"""Reseller relationships with existing customers: the provider's request (and its
withdrawal), and the customer's Partners page where its admin answers or removes access."""

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.customers.selectors import customer_get
from apps.errors import DomainError
from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind, has_permission
from apps.partnerships.selectors import partnered_resellers

from . import selectors, services
from .forms import RelationshipRequestForm


@workspace_view(kinds=(Kind.CUSTOMER,), permission="partners.view")
def partners(request):
    """The customer's provider and reseller, and the reseller requests it is asked to answer."""
    customer, pending = selectors.customer_relationships(
        customer_organization=request.organization)
    return render(request, "relationships/partners.html", {
        "customer": customer, "pending": pending,
        "provider_emails": selectors.provider_contact_emails(customer=customer),
        "can_open_support": has_permission(request.membership, "support.open"),
        "can_manage": has_permission(request.membership, "partners.manage"),
    })


@workspace_view(kinds=(Kind.PROVIDER,), permission="customers.manage")
@require_http_methods(["GET", "POST"])
def relationship_new(request, customer_id):
    """Ask an existing customer to let a partnered reseller manage it."""
    provider = request.organization
    customer = customer_get(organization=provider, pk=customer_id)
    # A direct customer (no reseller): excluding pk=None leaves every partnered reseller.
    partnered = partnered_resellers(provider=provider).exclude(
        pk=customer.reseller_id)  # type: ignore[misc]
    form = RelationshipRequestForm(request.POST or None, resellers=partnered)
    if request.method == "POST" and form.is_valid():
        try:
            services.relationship_request_create(
                provider=provider, customer=customer, reseller=form.cleaned_data["reseller"],
                message=form.cleaned_data["message"], actor=request.user, request=request)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Request sent: the admin of %(customer)s approves or "
                                        "declines it.") % {"customer": customer.organization.name})
            return redirect("relationships:new", org_slug=provider.slug,
                            customer_id=customer.pk)
    history = selectors.relationship_history(provider=provider,
                                             customer_organization=customer.organization)
    return render(request, "relationships/new.html", {
        "customer": customer, "form": form, "history": history,
        "pending": next((r for r in history if r.status == "pending"), None),
    })


@workspace_view(kinds=(Kind.PROVIDER,), permission="customers.manage")
@require_POST
def relationship_withdraw(request, customer_id, request_id):
    relationship = selectors.relationship_get(provider=request.organization, pk=request_id)
    if relationship.customer_id != customer_id:
        raise Http404
    try:
        services.relationship_request_withdraw(relationship=relationship, actor=request.user,
                                               request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Request withdrawn."))
    return redirect("relationships:new", org_slug=request.organization.slug,
                    customer_id=customer_id)


@workspace_view(kinds=(Kind.CUSTOMER,), permission="partners.manage")
@require_POST
def relationship_answer(request, request_id):
    relationship = selectors.relationship_get(customer_organization=request.organization,
                                              pk=request_id)
    action = request.POST.get("action")
    if action not in ("approve", "decline"):
        return HttpResponseBadRequest(_("Choose Approve or Decline."))
    try:
        services.relationship_request_answer(relationship=relationship,
                                             approve=action == "approve", actor=request.user,
                                             request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if action == "approve":
            messages.success(request, _("%(reseller)s now manages your subscriptions.")
                             % {"reseller": relationship.reseller.name})
        else:
            messages.info(request, _("You declined; nothing changed."))
    return redirect("relationships:partners", org_slug=request.organization.slug)


@workspace_view(kinds=(Kind.CUSTOMER,), permission="partners.manage")
@require_http_methods(["GET", "POST"])
def remove_reseller(request):
    customer, _pending = selectors.customer_relationships(
        customer_organization=request.organization)
    if customer.reseller is None:
        messages.info(request, _("No reseller manages your account."))
        return redirect("relationships:partners", org_slug=request.organization.slug)
    if request.method == "POST":
        reseller = customer.reseller
        services.customer_remove_reseller(customer=customer, actor=request.user,
                                          request=request)
        messages.success(request, _("%(reseller)s no longer has access to your account.")
                         % {"reseller": reseller.name})
        return redirect("relationships:partners", org_slug=request.organization.slug)
    return render(request, "relationships/remove_reseller.html", {"customer": customer})
