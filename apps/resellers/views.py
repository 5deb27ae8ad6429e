"""Indirect resellers page, partnership requests, the personalized link, enrolment."""

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.errors import DomainError
from apps.http import client_ip
from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind, has_permission
from apps.pagination import paginate, search_term
from apps.tables import configure_table

from . import selectors, services
from .forms import (
    DraftForm,
    EndPartnershipForm,
    EnrollmentForm,
    PartnershipRequestForm,
    RelationshipRequestForm,
)
from .models import PartnershipInvitation
from .tables import InvitationTable, PartnershipTable
from .tokens import invitation_link, invitation_token

PER_PAGE = 25


def _table(request, table):
    # Our page size, not the URL's; junk sort keys and page numbers fall back quietly.
    return configure_table(request, table, per_page=PER_PAGE)


# ------------------------------------------------------------------ provider side


@workspace_view(kinds=(Kind.PROVIDER,), permission="partners.view")
def indirect_resellers(request):
    provider = request.organization
    search = search_term(request)
    # The credited-subscriptions count is computed per row only to sort by it; otherwise
    # one grouped query fills it for the rows of the page.
    by_credited = any("subscription_count" in key for key in request.GET.getlist("sort"))
    table = _table(request, PartnershipTable(
        selectors.partnership_list(provider=provider, search=search,
                                   count_credited=by_credited),
        can_manage=has_permission(request.membership, "partners.manage"),
        can_add_customer=has_permission(request.membership, "customers.manage")))
    if not by_credited:
        records = [row.record for row in table.page.object_list]
        counts = selectors.credited_subscription_counts(
            provider=provider, reseller_ids=[record.reseller_id for record in records])
        for record in records:
            record.subscription_count = counts.get(record.reseller_id, 0)
    return render(request, "resellers/list.html", {
        "table": table, "search": search, "tab": "partners",
        "can_manage": has_permission(request.membership, "partners.manage"),
    })


@workspace_view(kinds=(Kind.PROVIDER,), permission="partners.view")
def invitations(request):
    search = search_term(request)
    status = request.GET.get("status", "")
    if status not in PartnershipInvitation.Status.values:
        status = ""
    table = _table(request, InvitationTable(
        selectors.invitation_list(provider=request.organization, status=status, search=search)))
    return render(request, "resellers/invitations.html", {
        "table": table, "search": search, "status": status, "tab": "invitations",
        "statuses": PartnershipInvitation.Status.choices,
        "can_manage": has_permission(request.membership, "partners.manage"),
    })


def _modal_or_page(request, partial, context):
    """htmx asks for the dialog's content; a plain request gets the whole page."""
    template = f"resellers/partials/{partial}.html" if request.htmx else f"resellers/{partial}.html"
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
            return redirect("resellers:invitation_draft", org_slug=request.organization.slug,
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
            return redirect("resellers:invitations", org_slug=request.organization.slug)
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
    return redirect("resellers:invitations", org_slug=request.organization.slug)


@workspace_view(kinds=(Kind.PROVIDER,), permission="partners.manage")
@require_POST
def invitation_revoke(request, invitation_id):
    invitation = selectors.invitation_get(provider=request.organization, pk=invitation_id)
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The request to %(email)s is withdrawn; its link no longer "
                                    "works.") % {"email": invitation.email})
    return redirect("resellers:invitations", org_slug=request.organization.slug)


@workspace_view(kinds=(Kind.PROVIDER,), permission="partners.manage")
@require_http_methods(["GET", "POST"])
def partnership_end(request, partnership_id):
    partnership = selectors.partnership_get(provider=request.organization, pk=partnership_id)
    customers, support = services.partnership_end_effects(partnership)
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
            return redirect("resellers:list", org_slug=request.organization.slug)
    return render(request, "resellers/end.html", {
        "partnership": partnership, "form": form, "customer_count": customers.count(),
        "customers": customers.select_related("organization")[:20],
        "support_count": support.count(),
    })


# ------------------------------------------------------------------ reseller side


@workspace_view(kinds=(Kind.RESELLER,), permission="partners.view")
def providers(request):
    page = paginate(request, selectors.partnership_history(reseller=request.organization))
    pending = selectors.invitations_for_reseller(reseller=request.organization)
    return render(request, "resellers/providers.html", {
        "page": page,
        "pending": [(invitation, reverse("partnership_invitation",
                                         kwargs={"token": invitation_token(invitation)}))
                    for invitation in pending],
    })


# ------------------------------------------------------------------ the personalized link

# DomainError codes → the status of the page that explains them.
_ERROR_STATUS = {"accepted": 409, "already_partners": 409, "declined": 410, "revoked": 410,
                 "expired": 410, "not_approved": 403, "not_admin": 403}


def _invitation_page(request, invitation, *, error=None, status=200, **context):
    return render(request, "resellers/invitation.html",
                  {"invitation": invitation, "error": error, **context}, status=status)


@require_http_methods(["GET", "POST"])
def partnership_invitation(request, token):
    invitation = selectors.invitation_from_token(token)
    if invitation is None:
        return render(request, "resellers/invitation_invalid.html", status=404)
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
                                    status=_ERROR_STATUS.get(error.code, 400))
        return redirect("resellers:providers", org_slug=chosen.slug)
    blocker = _blocker(invitation, chosen)
    return _invitation_page(request, invitation, memberships=memberships, chosen=chosen,
                            error=blocker.message if blocker else None,
                            blocked=blocker is not None,
                            status=_ERROR_STATUS[blocker.code] if blocker else 200)


def _blocker(invitation, reseller):
    """Why this reseller cannot accept (shown before the user even tries), or None."""
    try:
        services.invitation_check_reseller(invitation=invitation, reseller=reseller)
    except DomainError as error:
        return error
    return None


# ------------------------------------------------------------------ enrolment


def _enrolment_rate_limited(request):
    """At most PORTAL_ENROL_PER_HOUR enrolment attempts per address and hour (the cache is
    Redis when configured, so every web process shares the count)."""
    from django.conf import settings
    from django.core.cache import cache

    key = f"enrol-attempts:{client_ip(request) or ''}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) > settings.PORTAL_ENROL_PER_HOUR
    except ValueError:  # expired between add and incr
        return False


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return ""


@require_http_methods(["GET", "POST"])
def enrol(request):
    """Become an indirect reseller: the company, and the applicant's account if new."""
    # Bound on every POST, even an empty one (the rate-limit message is added to it).
    form = EnrollmentForm(request.POST if request.method == "POST" else None,
                          user=request.user)
    next_url = _safe_next(request)
    if request.method == "POST" and _enrolment_rate_limited(request):
        form.add_error(None, _("Too many enrolments from your address. Try again in an hour."))
        return render(request, "resellers/enrol.html", {"form": form, "next": next_url},
                      status=429)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signed_in = request.user.is_authenticated
        try:
            organization = services.reseller_enrol(
                user=request.user if signed_in else None, email=data.get("email"),
                password=data.get("password1"), company_name=data["company_name"],
                country=data["country"], partner_id=data["partner_id"], address=data["address"],
                contact_name=data["contact_name"], contact_phone=data["contact_phone"],
                request=request)
        except DomainError as error:
            if error.code != "account_exists":
                error.add_to_form(form)
            else:
                # Answer as a new sign-up would, and tell the address's owner by mail.
                from .tasks import send_enrollment_account_exists

                send_enrollment_account_exists.delay(data["email"].strip().lower())
                return redirect("account_email_verification_sent")
        else:
            if next_url:
                # After verifying the e-mail and signing in, come back to the link.
                request.session["portal_next"] = next_url
            if signed_in:
                return redirect(next_url or organization.get_absolute_url())
            services.reseller_enrol_send_verification(email=data["email"], request=request)
            return redirect("account_email_verification_sent")
    return render(request, "resellers/enrol.html", {"form": form, "next": next_url})


def enrollment_status(request):
    """What an unapproved reseller's workspace shows instead of its pages."""
    reseller = request.organization.reseller
    return render(request, "resellers/enrollment_status.html", {"reseller": reseller},
                  status=200 if request.resolver_match.view_name == "organizations:dashboard"
                  else 403)


# ------------------------------------------------------------------ reseller relationships


@workspace_view(kinds=(Kind.PROVIDER,), permission="customers.manage")
@require_http_methods(["GET", "POST"])
def relationship_new(request, customer_id):
    """Ask an existing customer to let a partnered reseller manage it."""
    from apps.customers.selectors import customer_get, partnered_resellers

    provider = request.organization
    customer = customer_get(organization=provider, pk=customer_id)
    partnered = partnered_resellers(provider=provider).exclude(pk=customer.reseller_id)
    form = RelationshipRequestForm(request.POST or None, resellers=partnered)
    if request.method == "POST" and form.is_valid():
        try:
            services.relationship_request_create(
                provider=provider, customer=customer, reseller=form.cleaned_data["reseller"],
                message=form.cleaned_data["message"], actor=request.user, request=request)
        except DomainError as error:
            error.add_to_form(form)
        else:
            messages.success(request, _("Request sent: %(customer)s's admin approves or "
                                        "declines it.") % {"customer": customer.organization.name})
            return redirect("resellers:relationship_new", org_slug=provider.slug,
                            customer_id=customer.pk)
    history = selectors.relationship_history(provider=provider,
                                             customer_organization=customer.organization)
    return render(request, "resellers/relationship_new.html", {
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
    return redirect("resellers:relationship_new", org_slug=request.organization.slug,
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
    return redirect("customers:partners", org_slug=request.organization.slug)


@workspace_view(kinds=(Kind.CUSTOMER,), permission="partners.manage")
@require_http_methods(["GET", "POST"])
def remove_reseller(request):
    customer, _pending = selectors.customer_relationships(
        customer_organization=request.organization)
    if customer.reseller is None:
        messages.info(request, _("No reseller manages your account."))
        return redirect("customers:partners", org_slug=request.organization.slug)
    if request.method == "POST":
        reseller = customer.reseller
        services.customer_remove_reseller(customer=customer, actor=request.user,
                                          request=request)
        messages.success(request, _("%(reseller)s no longer has access to your account.")
                         % {"reseller": reseller.name})
        return redirect("customers:partners", org_slug=request.organization.slug)
    return render(request, "resellers/remove_reseller.html", {"customer": customer})


# ------------------------------------------------------------------ incentives


def _month(value):
    """'2026-11' → date(2026, 11, 1); anything else → None."""
    import datetime

    try:
        return datetime.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return None


@workspace_view(kinds=(Kind.RESELLER,), permission="partners.view")
def incentives(request):
    """Incentive-eligible subscriptions: where this reseller is reseller of record."""
    from django.db.models import Sum

    month = _month(request.GET.get("month"))
    subscriptions = selectors.incentive_subscriptions(reseller=request.organization,
                                                      month=month)
    totals = subscriptions.aggregate(licenses=Sum("quantity"), value=Sum("monthly_value"))
    return render(request, "resellers/incentives.html", {
        "page": paginate(request, subscriptions, per_page=50), "month": month,
        "month_value": month.strftime("%Y-%m") if month else "",
        "bad_month": bool(request.GET.get("month")) and month is None,
        "totals": totals, "query": f"month={month:%Y-%m}" if month else "",
    })


@workspace_view(kinds=(Kind.RESELLER,), permission="partners.view")
def incentives_csv(request):
    import csv

    from django.http import HttpResponse
    from django.utils import timezone

    month = _month(request.GET.get("month")) or timezone.localdate().replace(day=1)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="incentives-{request.organization.slug}-{month:%Y-%m}.csv"')
    writer = csv.writer(response)
    writer.writerow(["month", "customer", "provider", "offer_code", "offer", "licenses",
                     "unit_price", "currency", "monthly_value", "term_start", "term_end",
                     "subscription_id"])
    for s in selectors.incentive_subscriptions(reseller=request.organization,
                                               month=month).iterator(chunk_size=500):
        writer.writerow([f"{month:%Y-%m}", _cell(s.customer.organization.name),
                         _cell(s.customer.provider.name), s.offer.code, _cell(s.offer.name),
                         s.quantity, f"{s.offer.unit_price:.2f}", s.offer.currency,
                         f"{s.monthly_value:.2f}",
                         s.term_start.isoformat(), s.term_end.isoformat(), s.pk])
    return response


def _cell(text):
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
