"""Customer lists of a provider or reseller (the Customers page, its expanded records), a
customer's page and Subscriptions page, Add subscription, and the New customer wizard.
(A subscription's page and its changes: subscription_views.py.)"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from formtools.wizard.forms import ManagementForm
from formtools.wizard.views import NamedUrlSessionWizardView

from apps.billing.selectors import credit_notice, viewer_prices
from apps.errors import DomainError
from apps.lists import list_page, paginate, render_region
from apps.orders.selectors import order_for_key, order_notices, orderable_offers
from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind, has_permission
from apps.partnerships.selectors import partnered_resellers
from apps.subscriptions.selectors import (
    active_subscriptions_of_offers,
    subscription_list_for_customer,
)

from .filters import CustomerFilter
from .forms import (
    CustomerDetailsForm,
    NewSubscriptionForm,
    ReviewForm,
    SubscriptionsForm,
    domain_prefix_problem,
    normalize_prefix,
)
from .options import reseller_options_and_total
from .selectors import (
    admin_username,
    customer_get,
    customer_keys,
    customer_page_rows,
    customer_total_keep,
    customer_total_kept,
)
from .services import (
    customer_add_licenses_or_order,
    customer_order_subscriptions,
    customer_submit,
)
from .tables import CustomerRows, customer_columns


@workspace_view(kinds=(Kind.PROVIDER, Kind.RESELLER), permission="customers.view")
@require_GET
def customers(request):
    organization = request.organization
    is_provider = organization.kind == Kind.PROVIDER
    # The reseller filter's options and the kept total: one round trip to the cache.
    options, kept_total = (reseller_options_and_total(provider=organization) if is_provider
                           else (None, customer_total_kept(organization=organization)))
    filterset = CustomerFilter(request.GET or None,
                               queryset=customer_keys(organization=organization),
                               organization=organization, options=options)
    filtered = bool(filterset.is_bound and filterset.form.has_changed())
    # The unfiltered total of a long list comes from the cache ("about N"); otherwise the
    # page counts with its keys, in one statement, and keeps a long total.
    total = None if filtered else kept_total
    rows = list_page(request, filterset.qs, customer_columns(organization), default="company",
                     deferred=True, count=total,
                     rows=lambda keys: customer_page_rows(organization=organization, keys=keys))
    exact = total is None
    if exact and not filtered:
        customer_total_keep(organization=organization, total=rows.count)
    customers_url = reverse("customers:list", kwargs={"org_slug": organization.slug})
    # What a row shows, worked out once here rather than by template lookups and filters
    # per cell: labels that name the customer (translated once), its link, its date.
    row = CustomerRows(customers_url=customers_url, direct=_("none (direct)"),
                       expand=_("Expand %(name)s"), open_=_("Open %(name)s"))
    rows_html = mark_safe("\n  ".join(row(customer) for customer in rows.rows))  # noqa: S308 (escaped)
    return render_region(request, "customers/list.html", "customers/partials/region.html", {
        "filter": filterset, "list": rows, "sort": rows.sort, "is_provider": is_provider,
        "customers_url": customers_url, "rows_html": rows_html,
        "new_customer_url": (reverse("customers:new", kwargs={"org_slug": organization.slug})
                             if is_provider
                             and has_permission(request.membership, "customers.manage")
                             else ""),
        "filtered": filtered, "count_about": not exact,
    })


@workspace_view(kinds=(Kind.PROVIDER, Kind.RESELLER), permission="customers.view")
@require_GET
def customer_summary(request, customer_id):
    """The expanded record of the Customers page (htmx): subscriptions, reseller, support
    contacts and actions."""
    customer = customer_get(organization=request.organization, pk=customer_id)
    subscriptions = list(subscription_list_for_customer(customer=customer)
                         .filter(status__in=["active", "suspended"])[:SUMMARY_ROWS + 1])
    contacts = {s.support_contact for s in subscriptions if s.support_contact is not None}
    return render(request, "customers/partials/summary.html", {
        "customer": customer, "subscriptions": subscriptions[:SUMMARY_ROWS],
        "more": len(subscriptions) > SUMMARY_ROWS,
        "support_contacts": sorted(contacts, key=lambda org: org.name),
        **_actions(request, customer),
    })


SUMMARY_ROWS = 5
DETAIL_ROWS = 10


def _actions(request, customer):
    is_provider = request.organization.kind == Kind.PROVIDER
    return {
        # The delegated reseller may request subscriptions too (through the provider).
        "can_add_subscription": (customer.status == customer.Status.ACTIVE
                                 and has_permission(request.membership, "orders.submit")),
        "can_manage": is_provider and has_permission(request.membership, "customers.manage"),
    }


@workspace_view(kinds=(Kind.PROVIDER, Kind.RESELLER), permission="customers.view")
@require_GET
def customer_detail(request, customer_id):
    customer = customer_get(organization=request.organization, pk=customer_id)
    subscriptions = list(subscription_list_for_customer(customer=customer)[:DETAIL_ROWS + 1])
    return render(request, "customers/detail.html", {
        "customer": customer, "tab": "details",
        "admin_username": admin_username(customer.domain_prefix),
        "subscriptions": subscriptions[:DETAIL_ROWS],
        "more_subscriptions": len(subscriptions) > DETAIL_ROWS,
        **_actions(request, customer),
    })


@workspace_view(kinds=(Kind.PROVIDER, Kind.RESELLER), permission="customers.view")
@require_GET
def customer_subscriptions_page(request, customer_id):
    """The customer's Subscriptions page. While an order of new subscriptions is being
    provisioned, htmx asks for the list again every few seconds."""
    customer = customer_get(organization=request.organization, pk=customer_id)
    notices = list(order_notices(customer=customer))
    context = {
        "customer": customer, "tab": "subscriptions",
        "page": paginate(request, subscription_list_for_customer(customer=customer), per_page=50),
        "notices": notices, "pending": any(order.is_pending for order in notices),
        **_actions(request, customer),
    }
    return render_region(request, "customers/subscriptions.html",
                           "customers/partials/subscriptions_region.html", context)


@workspace_view(kinds=(Kind.PROVIDER, Kind.RESELLER), permission="orders.submit")
@require_http_methods(["GET", "POST"])
def add_subscription(request, customer_id):
    """Add subscription → the New subscription page: offers, licenses and the reseller of
    record; Submit places a new_subscription order, provisioned in the background.

    A delegated reseller requests subscriptions for its customer through the customer's
    provider: the order is the provider's, with the reseller as reseller of record.
    """
    customer = customer_get(organization=request.organization, pk=customer_id)
    provider = customer.provider
    acting_reseller = request.organization if request.organization.kind == Kind.RESELLER \
        else None
    offers = list(orderable_offers())
    subscriptions_url = reverse("customers:subscriptions",
                                kwargs={"org_slug": request.organization.slug,
                                        "customer_id": customer.pk})

    context = {
        "customer": customer, "cancel_url": subscriptions_url,
        "acting_reseller": acting_reseller, "provider": provider,
        "customer_active": customer.status == customer.Status.ACTIVE,
    }

    # The price the viewer pays per licence, and its margin (the reseller billed: the one
    # asking, else the customer's).
    _price_offers(offers, viewer=request.organization, provider=provider,
                  reseller=acting_reseller or customer.reseller)

    def make_form(*args, **kwargs):
        form = NewSubscriptionForm(*args, offers=offers, provider=provider, **kwargs)
        if acting_reseller is not None:
            del form.fields["reseller"]  # the reseller asking is the reseller of record
        return form

    if request.method == "POST":
        form = make_form(request.POST)
        key = _uuid_or_none(request.POST.get("idempotency_key"))
        if key is not None and order_for_key(provider=provider, idempotency_key=key,
                                             user=request.user, customer=customer):
            return redirect(subscriptions_url)  # a double click: the order exists already
        if form.is_valid():
            lines = form.lines()
            existing = _already_has(customer, lines)
            choice = request.POST.get("duplicates")
            if existing and choice not in ("add", "separate"):
                # The customer has some of these offers: ask, keeping what was entered.
                return render(request, "customers/add_subscription.html", {
                    **context, "form": form,
                    "duplicates": [(offer, licenses, existing[offer.pk])
                                   for offer, licenses in lines if offer.pk in existing],
                })
            reseller = acting_reseller or form.cleaned_data["reseller"]
            key = form.cleaned_data["idempotency_key"]
            notice = credit_notice(provider=provider, reseller=reseller, lines=lines,
                                   acting_organization=request.organization,
                                   on=timezone.localdate())
            if notice is not None and notice.refused:
                form.add_error(None, notice.message)
                return render(request, "customers/add_subscription.html",
                              {**context, "form": form}, status=400)
            try:
                if existing and choice == "add":
                    changed, order = customer_add_licenses_or_order(
                        provider=provider, customer=customer, reseller=reseller, lines=lines,
                        existing=existing, idempotency_key=key, submitted_by=request.user,
                        acting_organization=request.organization, request=request)
                else:
                    changed, order = [], customer_order_subscriptions(
                        provider=provider, customer=customer, reseller=reseller, lines=lines,
                        idempotency_key=key, submitted_by=request.user,
                        acting_organization=request.organization, request=request)
            except DomainError as error:
                error.add_to_form(form)
            else:
                for subscription in changed:
                    messages.success(request, ngettext(
                        "%(offer)s now has %(count)s license.",
                        "%(offer)s now has %(count)s licenses.", subscription.quantity)
                        % {"offer": subscription.offer.name, "count": subscription.quantity})
                if order is not None:
                    messages.success(request, _("Order submitted. The new subscriptions "
                                                "appear in the list once they are set up."))
                if notice is not None:
                    messages.warning(request, notice.message)
                return redirect(subscriptions_url)
    else:
        # A direct customer (no reseller): pk=None matches no row, the field starts empty.
        reseller = (partnered_resellers(provider=provider)
                    .filter(pk=customer.reseller_id).first())  # type: ignore[misc]
        form = make_form(initial={"reseller": reseller, "idempotency_key": uuid.uuid4()})
    return render(request, "customers/add_subscription.html", {**context, "form": form},
                  status=400 if request.method == "POST" else 200)


def _price_offers(offers, *, viewer, provider, reseller):
    """Each offer's `price` (what the viewer pays per licence) and `sells_for`/`margin`
    (what its buyer pays, for the provider and the reseller)."""
    quoted = viewer_prices(viewer=viewer, provider=provider, reseller=reseller,
                           lines=[(offer, 1) for offer in offers], on=timezone.localdate())
    for offer, price in zip(offers, quoted, strict=True):
        offer.price, offer.sells_for = price.pays, price.sells_for
        offer.margin, offer.margin_percent = price.margin, price.margin_percent
    return offers


def _already_has(customer, lines):
    """{offer id: the customer's (oldest) active subscription of it} for the lines' offers."""
    subscriptions = list(active_subscriptions_of_offers(
        customer=customer, offer_ids=[offer.pk for offer, _licenses in lines]))
    # Oldest first: reversed, the oldest of each offer is the one a dict keeps.
    return {subscription.offer_id: subscription for subscription in reversed(subscriptions)}


def _uuid_or_none(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# ------------------------------------------------------------------ New customer wizard


@workspace_view(kinds=(Kind.PROVIDER,), permission="customers.manage")
@require_GET
def domain_check(request):
    """The live availability check of the domain prefix (htmx): the rule the form applies."""
    raw = request.GET.get("details-domain_prefix", request.GET.get("domain_prefix", ""))
    prefix = normalize_prefix(raw)[:200]
    problem = domain_prefix_problem(prefix) if prefix else None
    return render(request, "customers/partials/domain_check.html", {
        "prefix": prefix, "problem": problem,
        "username": admin_username(prefix) if prefix and not problem else "",
    })


STEP_TEMPLATES = {
    "details": "customers/new_details.html",
    "subscriptions": "customers/new_subscriptions.html",
    "review": "customers/new_review.html",
}
# Where a DomainError from the service is shown.
FIELD_STEPS: dict[str | None, str] = {"offers": "subscriptions"}


class NewCustomerWizard(NamedUrlSessionWizardView):
    """New customer → New subscription → Review; nothing is saved before Submit.

    The wizard lives in the session, one per provider workspace. Starting it (the
    `customers:new` URL) clears it, picks the reseller named in `?reseller=` when it is
    a partner, remembers where it began (for Cancel) and draws the idempotency key the
    Review form sends with Submit.
    """

    form_list = [("details", CustomerDetailsForm), ("subscriptions", SubscriptionsForm),
                 ("review", ReviewForm)]

    # -------------------------------------------------------------- plumbing

    @property
    def organization(self):
        return self.request.organization

    def get_prefix(self, request, *args, **kwargs):
        return f"new_customer_{request.organization.pk.hex}"

    def get_step_url(self, step):
        return reverse("customers:new_step",
                       kwargs={"org_slug": self.organization.slug, "step": step})

    def origin_url(self):
        name = ("partnerships:list" if self.storage.extra_data.get("origin") == "resellers"
                else "customers:list")
        return reverse(name, kwargs={"org_slug": self.organization.slug})

    def get_template_names(self):
        return [STEP_TEMPLATES[self.steps.current]]

    @cached_property
    def offers(self):
        return list(orderable_offers())

    def get_form_kwargs(self, step=None):
        if step == "details":
            return {"provider": self.organization, "suffix": settings.CUSTOMER_DOMAIN_SUFFIX,
                    "domain_check_url": reverse("customers:domain_check",
                                                kwargs={"org_slug": self.organization.slug})}
        if step == "subscriptions":
            return {"offers": _price_offers(self.offers, viewer=self.organization,
                                            provider=self.organization,
                                            reseller=self.chosen_reseller())}
        return {}

    def chosen_reseller(self):
        """The reseller chosen on the first step (the one billed), if any."""
        details = self.get_cleaned_data_for_step("details") or {}
        return details.get("reseller")

    def get_form_initial(self, step):
        extra = self.storage.extra_data
        if step == "details":
            return {"reseller": extra.get("reseller"), "language": get_language()}
        if step == "review":
            return {"idempotency_key": extra.get("idempotency_key")}
        return {}

    # -------------------------------------------------------------- requests

    def get(self, request, *args, step=None, **kwargs):
        if step is None:
            return self.start()
        if not self.storage.extra_data.get("idempotency_key"):
            self.begin()  # a step URL opened directly (bookmark, new session): start afresh
        steps = list(self.get_form_list())
        if step not in steps:
            return redirect(self.get_step_url(self.steps.first))
        # A step opens only once the steps before it are complete.
        for earlier in steps[:steps.index(step)]:
            if self.get_cleaned_data_for_step(earlier) is None:
                return redirect(self.get_step_url(earlier))
        self.storage.current_step = step
        return self.render(self.get_form(data=self.storage.current_step_data))

    def begin(self, *, reseller=None, origin="customers"):
        self.storage.reset()
        self.storage.current_step = self.steps.first
        self.storage.extra_data = {
            "idempotency_key": str(uuid.uuid4()),
            "origin": origin,
            "reseller": str(reseller.pk) if reseller else None,
        }

    def start(self):
        raw = self.request.GET.get("reseller", "")
        reseller = None
        if raw:
            try:
                reseller = partnered_resellers(provider=self.organization).filter(
                    pk=uuid.UUID(raw)).first()
            except ValueError:
                reseller = None
            if reseller is None:
                messages.warning(self.request, _("That reseller is not one of your partnered "
                                                 "indirect resellers: choose one below."))
        self.begin(reseller=reseller, origin="resellers" if raw else "customers")
        return redirect(self.get_step_url(self.steps.first))

    def post(self, request, *args, **kwargs):
        if "wizard_cancel" in request.POST:
            return self.cancel()
        existing = self.submitted_order()
        if existing is not None:
            # A double click, or Submit sent again: the order exists already.
            return redirect("orders:confirmation", org_slug=self.organization.slug,
                            order_id=existing.pk)
        if not self.storage.extra_data.get("idempotency_key"):
            messages.info(request, _("This form was closed. Start the new customer again."))
            return redirect("customers:new", org_slug=self.organization.slug)
        if self.tampered_step():
            return self.back_to_first_step()
        return super().post(request, *args, **kwargs)

    def tampered_step(self):
        """Whether the step posted, or the one kept in the session, is not a step of this
        wizard. (A missing management form stays formtools' 400.)"""
        steps = self.get_form_list()
        management = ManagementForm(self.request.POST, prefix=self.prefix)
        posted = management.cleaned_data["current_step"] if management.is_valid() else None
        stored = self.storage.current_step
        return (posted is not None and posted not in steps) or (
            stored is not None and stored not in steps)

    def back_to_first_step(self):
        """The entered steps are kept; the user continues from the first one."""
        self.storage.current_step = self.steps.first
        messages.warning(self.request, _("This form is out of date. Check the customer "
                                         "details and continue."))
        return redirect(self.get_step_url(self.steps.first))

    def close(self):
        """Forget the wizard: its session entry goes."""
        self.storage.reset()
        self.request.session.pop(self.storage.prefix, None)

    def cancel(self):
        target = self.origin_url()
        self.close()
        messages.info(self.request, _("New customer cancelled. Nothing was saved."))
        return redirect(target)

    def submitted_order(self):
        raw = self.request.POST.get("review-idempotency_key", "")
        try:
            key = uuid.UUID(raw)
        except ValueError:
            return None
        return order_for_key(provider=self.organization, idempotency_key=key,
                             user=self.request.user)

    # -------------------------------------------------------------- done

    def render_done(self, form, **kwargs):
        """Submit: revalidate every step, then place the order in the same POST."""
        if not has_permission(self.request.membership, "orders.submit"):
            raise PermissionDenied
        final = {}
        for step in self.get_form_list():
            step_form = self.get_form(step=step, data=self.storage.get_step_data(step))
            if not step_form.is_valid():
                return self.render_revalidation_failure(step, step_form, **kwargs)
            final[step] = step_form
        key = final["review"].cleaned_data["idempotency_key"]
        if str(key) != self.storage.extra_data.get("idempotency_key"):
            # This page belongs to a wizard that was started over in another tab.
            messages.warning(self.request, _("The order changed in another window. "
                                             "Check it again before you submit."))
            return redirect(self.get_step_url("review"))
        details = dict(final["details"].cleaned_data)
        reseller = details.pop("reseller")
        # The provider places it over the reseller's credit limit, with a warning.
        notice = credit_notice(provider=self.organization, reseller=reseller,
                               lines=final["subscriptions"].lines(),
                               acting_organization=self.organization, on=timezone.localdate())
        try:
            order = customer_submit(
                provider=self.organization, reseller=reseller, customer_details=details,
                lines=final["subscriptions"].lines(), idempotency_key=key,
                submitted_by=self.request.user, request=self.request)
        except DomainError as error:
            step = FIELD_STEPS.get(error.field, "details" if error.field else "review")
            step_form = final[step]
            error.add_to_form(step_form)
            self.storage.current_step = step
            return self.render(step_form)
        self.close()
        if notice is not None:
            messages.warning(self.request, notice.message)
        return redirect("orders:confirmation", org_slug=self.organization.slug,
                        order_id=order.pk)

    # -------------------------------------------------------------- templates

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context["cancel_url"] = self.origin_url()
        context["form_action"] = self.get_step_url(self.steps.current)
        context["wizard_step_labels"] = [("details", _("Customer details")),
                                         ("subscriptions", _("Subscriptions")),
                                         ("review", _("Review"))]
        context["step_urls"] = {step: self.get_step_url(step) for step in self.get_form_list()}
        if self.steps.current == "review":
            context.update(self.review_context())
        return context

    def review_context(self):
        details = self.get_cleaned_data_for_step("details") or {}
        subscriptions_form = self.get_form(step="subscriptions",
                                           data=self.storage.get_step_data("subscriptions"))
        # What the provider pays (cost) and what the reseller (or direct customer) pays it.
        priced = viewer_prices(viewer=self.organization, provider=self.organization,
                               reseller=details.get("reseller"),
                               lines=(subscriptions_form.lines()
                                      if subscriptions_form.is_valid() else []),
                               on=timezone.localdate())
        totals: dict[str, Decimal] = {}
        for line in priced:
            totals[line.currency] = totals.get(line.currency, Decimal(0)) + line.total
        details_form = self.get_form(step="details")
        country = dict(details_form.fields["country"].choices).get(details.get("country"), "")
        language = dict(details_form.fields["language"].choices).get(details.get("language"), "")
        return {
            "details": details, "country_name": country, "language_name": language,
            "admin_username": admin_username(details.get("domain_prefix", "")),
            "lines": priced, "totals": list(totals.items()), "show_margin": True,
        }


new_customer = workspace_view(kinds=(Kind.PROVIDER,), permission="customers.manage")(
    NewCustomerWizard.as_view(url_name="customers:new_step"))
