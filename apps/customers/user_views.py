"""A customer's Users page: its users (name, e-mail, role, last sign-in, status), Add user,
Reset password (or issue again an expired temporary password), Disable and Enable, and the
one-time Setup info that hands a temporary password over.

Each page exists twice: under /customers/<id>/users/ for the customer's provider and its
delegated reseller (a link beside Subscriptions on the customer's page), and under users/
in the customer's own workspace for its admins. Provider and reseller admins and the
customer's admins do everything; helpdesk agents reset passwords; sales agents only read.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.errors import DomainError
from apps.orders.selectors import handover_for_account
from apps.orders.services import handover_reveal_for_account
from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind, has_permission
from apps.organizations.selectors import members_elsewhere, membership_get, membership_list
from apps.pagination import paginate

from .selectors import customer_for_organization, customer_get
from .user_forms import AddUserForm, KeyedForm
from .user_services import (
    customer_user_add,
    customer_user_disable,
    customer_user_email,
    customer_user_enable,
    customer_user_reset_password,
    temporary_password_expired,
)

STAFF_KINDS = (Kind.PROVIDER, Kind.RESELLER)


class Place:
    """Where the pages are: the customer's own workspace, or a customer's pages under
    /customers/<id>/ of its provider or delegated reseller."""

    def __init__(self, request, customer_id=None):
        self.request = request
        self.own = customer_id is None
        if self.own:
            self.customer = customer_for_organization(organization=request.organization)
        else:
            self.customer = customer_get(organization=request.organization, pk=customer_id)

    def url(self, name, **kwargs):
        kwargs["org_slug"] = self.request.organization.slug
        if not self.own:
            kwargs["customer_id"] = self.customer.pk
            name = f"customer_{name}"
        return reverse(f"users:{name}", kwargs=kwargs)

    def context(self, **extra):
        return {"customer": self.customer, "own": self.own, "tab": "users",
                "list_url": self.url("list"), **extra}


def _status(user):
    if not user.is_active:
        return "disabled", _("Disabled")
    if temporary_password_expired(user):
        return "expired", _("Temporary password expired")
    if user.must_change_password:
        return "temporary", _("Must change password")
    return "active", _("Active")


def _list(request, customer_id=None):
    place = Place(request, customer_id)
    membership = request.membership
    can_reset = has_permission(membership, "users.reset")
    can_manage = has_permission(membership, "users.manage")
    page = paginate(request, membership_list(organization=place.customer.organization))
    elsewhere = members_elsewhere(organization=place.customer.organization)
    rows = []
    for member in page:
        user = member.user
        status, label = _status(user)
        # Only accounts that are the customer's alone (not the viewer's own) can be changed.
        actionable = user.pk != request.user.pk and user.pk not in elsewhere \
            and not user.is_staff
        rows.append({
            "member": member, "status": status, "status_label": label,
            "elsewhere": user.pk in elsewhere,
            "reset_url": (place.url("reset_password", membership_id=member.pk)
                          if actionable and can_reset and user.is_active else None),
            "disable_url": (place.url("disable", membership_id=member.pk)
                            if actionable and can_manage and user.is_active else None),
            "enable_url": (place.url("enable", membership_id=member.pk)
                           if actionable and can_manage and not user.is_active else None),
        })
    return render(request, "customers/users/list.html", place.context(
        page=page, rows=rows, can_reset=can_reset, can_manage=can_manage,
        role_name=membership.get_role_display(),
        add_url=place.url("new") if can_manage else None))


def _new(request, customer_id=None):
    place = Place(request, customer_id)
    customer = place.customer
    domain = customer_user_email(customer, "x").split("@", 1)[1]
    form = AddUserForm(request.POST or None, domain=domain)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            handover = customer_user_add(
                customer=customer, acting_organization=request.organization,
                username=data["username"], first_name=data["first_name"],
                last_name=data["last_name"], role=data["role"], actor=request.user,
                idempotency_key=data["idempotency_key"], request=request)
        except DomainError as error:
            error.add_to_form(form)
        else:
            return redirect(place.url("setup_info", handover_id=handover.pk))
    return render(request, "customers/users/new.html", place.context(form=form, domain=domain),
                  status=400 if form.is_bound and form.errors else 200)


def _confirm(request, customer_id, membership_id, *, template, act, done):
    """A confirmation page (GET) and the action it confirms (POST)."""
    place = Place(request, customer_id)
    member = membership_get(organization=place.customer.organization, pk=membership_id)
    form = KeyedForm(request.POST or None)
    error = None
    if request.method == "POST":
        if form.is_valid():
            try:
                result = act(place, member, form.cleaned_data["idempotency_key"])
            except DomainError as exc:
                error = exc.message
            else:
                return done(place, member, result)
        else:
            error = _("This form is out of date. Open the Users page again.")
    context = place.context(member=member, form=form, error=error,
                            expired=temporary_password_expired(member.user),
                            temporary_password_days=settings.PORTAL_TEMPORARY_PASSWORD_DAYS)
    return render(request, template, context, status=400 if error else 200)


def _reset_password(request, customer_id=None, membership_id=None):
    def act(place, member, key):
        return customer_user_reset_password(
            customer=place.customer, acting_organization=request.organization,
            membership=member, actor=request.user, idempotency_key=key, request=request)

    def done(place, member, handover):
        return redirect(place.url("setup_info", handover_id=handover.pk))

    return _confirm(request, customer_id, membership_id,
                    template="customers/users/reset_password.html", act=act, done=done)


def _disable(request, customer_id=None, membership_id=None):
    def act(place, member, key):
        return customer_user_disable(customer=place.customer,
                                     acting_organization=request.organization,
                                     membership=member, actor=request.user, request=request)

    def done(place, member, user):
        messages.success(request, _("%(email)s is disabled and can no longer sign in.")
                         % {"email": user.email})
        return redirect(place.url("list"))

    return _confirm(request, customer_id, membership_id,
                    template="customers/users/disable.html", act=act, done=done)


def _enable(request, customer_id=None, membership_id=None):
    place = Place(request, customer_id)
    member = membership_get(organization=place.customer.organization, pk=membership_id)
    try:
        user = customer_user_enable(customer=place.customer,
                                    acting_organization=request.organization,
                                    membership=member, actor=request.user, request=request)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(email)s is enabled and can sign in again.")
                         % {"email": user.email})
    return redirect(place.url("list"))


def _setup_info(request, customer_id=None, handover_id=None):
    """The temporary password, shown once to the person who asked for it."""
    place = Place(request, customer_id)
    handover = handover_for_account(organization=place.customer.organization, pk=handover_id)
    setup = handover_reveal_for_account(handover=handover, user=request.user, request=request)
    return render(request, "customers/users/setup_info.html", place.context(
        setup=setup, handover=handover,
        temporary_password_days=settings.PORTAL_TEMPORARY_PASSWORD_DAYS))


def _both(view, *, permission, methods):
    """The view for the customer's own workspace, and for its provider and reseller."""
    view = methods(view)
    own = workspace_view(kinds=(Kind.CUSTOMER,), permission=permission)(view)
    theirs = workspace_view(kinds=STAFF_KINDS, permission=permission)(view)
    return own, theirs


users, customer_users = _both(_list, permission="users.view", methods=require_GET)
user_new, customer_user_new = _both(_new, permission="users.manage",
                                    methods=require_http_methods(["GET", "POST"]))
user_reset_password, customer_user_reset_password_view = _both(
    _reset_password, permission="users.reset", methods=require_http_methods(["GET", "POST"]))
user_disable, customer_user_disable_view = _both(
    _disable, permission="users.manage", methods=require_http_methods(["GET", "POST"]))
user_enable, customer_user_enable_view = _both(_enable, permission="users.manage",
                                               methods=require_POST)
setup_info, customer_setup_info = _both(never_cache(_setup_info), permission="users.view",
                                        methods=require_GET)
