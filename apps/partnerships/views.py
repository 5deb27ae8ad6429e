"""Indirect resellers page, partnership requests and their draft e-mail, End partnership,
the reseller's Providers page, and the personalized link a reseller answers through."""

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.errors import DomainError
from apps.lists import list_page, page_number, paginate, search_term
from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind, has_permission

from . import selectors, services
from .forms import DraftForm, EndPartnershipForm, PartnershipRequestForm
from .models import PartnershipInvitation
from .tables import (
    INVITATION_COLUMNS,
    PARTNERSHIP_COLUMNS,
    STATUS_COLOURS,
    PartnerRows,
    answered_summary,
)
from .tokens import invitation_link, invitation_token

PER_PAGE = 25


# ------------------------------------------------------------------ provider side


@workspace_view(kinds=(Kind.PROVIDER,), permission="partners.view")
def indirect_resellers(request):
    provider = request.organization
    search = search_term(request)
    # The keys are sorted, counted and paged alone (the count and the page's keys in one
    # statement): a count per row is worked out there only to sort by it. The page's rows,
    # with both counts, come in one more statement as plain values.
    sort = request.GET.get("sort", "")[:100]
    keys = selectors.partnership_keys(provider=provider, search=search,
                                      count_customers="customer_count" in sort,
                                      count_credited="subscription_count" in sort)
    rows = list_page(request, keys, PARTNERSHIP_COLUMNS, default="name", per_page=PER_PAGE,
                     deferred=True,
                     rows=lambda page_keys: selectors.partnership_page_rows(provider=provider,
                                                                            keys=page_keys))
    # Each row drawn once in Python (partnerships.tables.PartnerRows): the buttons' links and
    # labels are worked out here, not by template tags per row.
    slug = {"org_slug": provider.slug}
    can_manage = has_permission(request.membership, "partners.manage")
    can_add_customer = has_permission(request.membership, "customers.manage")
    end_url = None
    if can_manage:
        placeholder = uuid.UUID(int=0)
        end_url = reverse("partnerships:partnership_end",
                          kwargs={**slug, "partnership_id": placeholder}
                          ).replace(str(placeholder), "{pk}")
    drawer = PartnerRows(
        new_customer_url=reverse("customers:new", kwargs=slug) if can_add_customer else None,
        end_url=end_url)
    # The rows' HTML as the template's loop drew it: each row between two line breaks.
    records: list[Any] = rows.rows  # selectors.PartnerRow
    rows_html = mark_safe("".join(f"\n{drawer(record)}\n" for record in records))  # noqa: S308 (escaped by PartnerRows)
    return render(request, "partnerships/list.html", {
        "list": rows, "rows_html": rows_html, "search": search, "tab": "partners",
        "can_manage": can_manage, "can_add_customer": can_add_customer,
    })


@workspace_view(kinds=(Kind.PROVIDER,), permission="partners.view")
def invitations(request):
    search = search_term(request)
    status = request.GET.get("status", "")
    if status not in PartnershipInvitation.Status.values:
        status = ""
    rows = list_page(request, selectors.invitation_list(provider=request.organization,
                                                        status=status, search=search),
                     INVITATION_COLUMNS, default="-created_at", per_page=PER_PAGE)
    # The status as of now (a pending request may have expired), and its badge's colour.
    records: list[Any] = rows.rows
    for invitation in records:
        invitation.shown_status = invitation.effective_status
        invitation.colour = STATUS_COLOURS[invitation.shown_status]
        invitation.answered = answered_summary(invitation)
    return render(request, "partnerships/invitations.html", {
        "list": rows, "search": search, "status": status, "tab": "invitations",
        "statuses": PartnershipInvitation.Status.choices,
        "can_manage": has_permission(request.membership, "partners.manage"),
    })


def _modal_or_page(request, partial, context):
    """htmx asks for the dialog's content; a plain request gets the whole page."""
    template = (f"partnerships/partials/{partial}.html" if request.htmx
                else f"partnerships/{partial}.html")
    return render(request, template, context)


@workspace_view(kinds=(Kind.PROVIDER,), permission="partners.manage")
@require_http_methods(["GET", "POST"])
def request_partnership(request):
    form = PartnershipRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                provider=request.organization, email=form.cleaned_data["email"],
                name=form.cleaned_data["name"], created_by=request.user, request=request)
        except DomainError as error:
            error.add_to_form(form)
        else:
            if request.htmx:
                return _draft_response(request, invitation)
            return redirect("partnerships:invitation_draft", org_slug=request.organization.slug,
                            invitation_id=invitation.pk)
    return _modal_or_page(request, "request", {"form": form})


def _draft_response(request, invitation, form=None, sent=False):
    if form is None:
        form = DraftForm(initial={"to": invitation.email, "subject": invitation.subject,
                                  "body": invitation.message})
    return _modal_or_page(request, "draft", {
        "invitation": invitation, "form": form, "link": invitation_link(invitation),
        "sent": sent, "status": invitation.effective_status,
    })


@workspace_view(kinds=(Kind.PROVIDER,), permission="partners.manage")
@require_http_methods(["GET", "POST"])
def invitation_draft(request, invitation_id):
    """The draft e-mail: edit it, open it in an e-mail program, copy it, or send it."""
    invitation = selectors.invitation_get(provider=request.organization, pk=invitation_id)
    if request.method == "GET":
        return _draft_response(request, invitation)
    form = DraftForm(request.POST, initial={"to": invitation.email})
    if form.is_valid():
        try:
            invitation = services.invitation_send(
                invitation=invitation, subject=form.cleaned_data["subject"],
                message=form.cleaned_data["body"], actor=request.user, request=request)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The partnership request is on its way to %(email)s.")
                             % {"email": invitation.email})
            if request.htmx:
                return _draft_response(request, invitation, sent=True)
            return redirect("partnerships:invitations", org_slug=request.organization.slug)
    return _draft_response(request, invitation, form=form)


@workspace_view(kinds=(Kind.PROVIDER,), permission="partners.manage")
@require_POST
def invitation_resend(request, invitation_id):
    invitation = selectors.invitation_get(provider=request.organization, pk=invitation_id)
    try:
        services.invitation_resend(invitation=invitation, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Sent again to %(email)s.") % {"email": invitation.email})
    return redirect("partnerships:invitations", org_slug=request.organization.slug)


@workspace_view(kinds=(Kind.PROVIDER,), permission="partners.manage")
@require_http_methods(["GET", "POST"])
def invitation_revoke(request, invitation_id):
    """Revoke asks first: the link stops working, and a new request is a new link."""
    invitation = selectors.invitation_get(provider=request.organization, pk=invitation_id)
    error = None
    if request.method == "POST":
        try:
            services.invitation_revoke(invitation=invitation, actor=request.user,
                                       request=request)
        except DomainError as failure:
            error = failure.message
        else:
            messages.success(request, _("The request to %(email)s is withdrawn; its link no "
                                        "longer works.") % {"email": invitation.email})
            return redirect("partnerships:invitations", org_slug=request.organization.slug)
    elif invitation.effective_status != PartnershipInvitation.Status.PENDING:
        error = _("Only a pending request can be withdrawn.")
    return render(request, "partnerships/revoke.html",
                  {"invitation": invitation, "error": error}, status=409 if error else 200)


@workspace_view(kinds=(Kind.PROVIDER,), permission="partners.manage")
@require_http_methods(["GET", "POST"])
def partnership_end(request, partnership_id):
    partnership = selectors.partnership_get(provider=request.organization, pk=partnership_id)
    effects = selectors.partnership_end_effects(partnership=partnership)
    form = EndPartnershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.partnership_end(partnership=partnership, actor=request.user,
                                     request=request)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("The partnership with %(name)s has ended.")
                             % {"name": partnership.reseller.name})
            return redirect("partnerships:list", org_slug=request.organization.slug)
    return render(request, "partnerships/end.html", {
        "partnership": partnership, "form": form, **effects})


# ------------------------------------------------------------------ reseller side


@workspace_view(kinds=(Kind.RESELLER,), permission="partners.view")
def providers(request):
    partnerships = selectors.partnership_history(reseller=request.organization)
    # A reseller has a few providers: when the first page holds them all, they are counted
    # from it rather than by a query of their own.
    if page_number(request) == 1:
        first = list(partnerships[:PER_PAGE + 1])
        paginator = Paginator(first if len(first) <= PER_PAGE else partnerships, PER_PAGE)
        page = Page(first[:PER_PAGE], 1, paginator)
    else:
        page = paginate(request, partnerships, per_page=PER_PAGE)
    pending = selectors.invitations_for_reseller(reseller=request.organization)
    return render(request, "partnerships/providers.html", {
        "page": page,
        "pending": [(invitation, reverse("partnership_invitation",
                                         kwargs={"token": invitation_token(invitation)}))
                    for invitation in pending],
    })


# ------------------------------------------------------------------ the personalized link

# DomainError codes → the status of the page that explains them.
_ERROR_STATUS: dict[str | None, int] = {
    "accepted": 409, "already_partners": 409, "declined": 410, "revoked": 410,
    "expired": 410, "not_approved": 403, "not_admin": 403}


def _invitation_page(request, invitation, *, error=None, status=200, **context):
    return render(request, "partnerships/invitation.html",
                  {"invitation": invitation, "error": error, **context}, status=status)


@require_http_methods(["GET", "POST"])
def partnership_invitation(request, token):
    invitation = selectors.invitation_from_token(token)
    if invitation is None:
        return render(request, "partnerships/invitation_invalid.html", status=404)
    try:
        services.invitation_check_open(invitation)
    except DomainError as error:
        return _invitation_page(request, invitation, error=error.message,
                                status=_ERROR_STATUS[error.code])
    if not request.user.is_authenticated:
        return _invitation_page(request, invitation, anonymous=True,
                                enrol_url=reverse("enrol") + "?next=" + request.path)
    memberships = list(selectors.reseller_admin_memberships(user=request.user))
    if not memberships:
        return _invitation_page(
            request, invitation, status=403, enrol_url=reverse("enrol") + "?next=" + request.path,
            error=_("Only an admin of an approved indirect reseller can accept. Enrol your "
                    "company as an indirect reseller first."))
    chosen = memberships[0].organization
    if len(memberships) > 1:
        wanted = request.POST.get("reseller") or request.GET.get("reseller")
        chosen = next((m.organization for m in memberships if str(m.organization_id) == wanted),
                      chosen)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                services.invitation_accept(invitation=invitation, user=request.user,
                                           reseller=chosen, request=request)
                messages.success(request, _("%(reseller)s and %(provider)s are now partners.")
                                 % {"reseller": chosen.name, "provider": invitation.provider.name})
            elif action == "decline":
                services.invitation_decline(invitation=invitation, user=request.user,
                                            reseller=chosen, request=request)
                messages.info(request, _("You declined the partnership request from "
                                         "%(provider)s.") % {"provider": invitation.provider.name})
            else:
                return _invitation_page(request, invitation, status=400, memberships=memberships,
                                        chosen=chosen, error=_("Choose Accept or Decline."))
        except DomainError as error:
            return _invitation_page(request, invitation, error=error.message,
                                    memberships=memberships, chosen=chosen,
                                    blocked=error.code in ("already_partners", "not_approved"),
                                    status=_ERROR_STATUS.get(error.code, 400))
        return redirect("partnerships:providers", org_slug=chosen.slug)
    blocker = _blocker(invitation, chosen)
    return _invitation_page(request, invitation, memberships=memberships, chosen=chosen,
                            error=blocker.message if blocker else None,
                            blocked=blocker is not None,
                            forwarded=not selectors.invitation_addressed_to_member(
                                invitation=invitation, reseller=chosen),
                            status=_ERROR_STATUS[blocker.code] if blocker else 200)


def _blocker(invitation, reseller):
    """Why this reseller cannot accept (shown before the user even tries), or None."""
    try:
        services.invitation_check_reseller(invitation=invitation, reseller=reseller)
    except DomainError as error:
        return error
    return None
