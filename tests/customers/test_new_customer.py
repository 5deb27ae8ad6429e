"""New customer wizard: details → New subscription → Review → Submit or Cancel."""

import uuid
from decimal import Decimal

import pytest

from apps.audit.models import AuditEvent
from apps.customers.models import Customer
from apps.orders.models import CredentialHandover, Order, OrderLine
from apps.organizations.models import Organization
from apps.organizations.roles import Role
from apps.outbox.models import OutboxMessage
from apps.subscriptions.models import Subscription
from tests import factories
from tests.customers.conftest import DETAILS, admin_of


def counts():
    from django.contrib.auth import get_user_model

    return (Customer.objects.count(), Order.objects.count(), OrderLine.objects.count(),
            get_user_model().objects.count(), Organization.objects.count(),
            Subscription.objects.count())


def test_from_a_reseller_row_to_the_confirmation(wizard, reseller, offers, provider,
                                                 django_capture_on_commit_callbacks):
    before = counts()
    response = wizard.start(f"?reseller={reseller.pk}")
    assert response.status_code == 302
    assert response.url == wizard.url("details")

    page = wizard.client.get(wizard.url("details"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>New customer</h1>" in html
    # Northwind is already selected on the customer details form.
    assert f'<option value="{reseller.pk}" selected>Northwind Traders</option>' in html
    assert "Next: Subscriptions" in html
    assert 'hx-get="/o/contoso/customers/new/domain-check/"' in html

    response = wizard.details(reseller=reseller)
    assert response.status_code == 302
    assert response.url == wizard.url("subscriptions")

    page = wizard.client.get(wizard.url("subscriptions")).content.decode()
    assert "<h1>New subscription</h1>" in page
    assert "Business Basic" in page
    assert "Business Standard" in page
    assert "Retired plan" not in page  # inactive offers cannot be ordered
    assert "Next: Review" in page

    response = wizard.subscriptions({offers["basic"]: 5, offers["standard"]: 10})
    assert response.status_code == 302
    assert response.url == wizard.url("review")

    review = wizard.client.get(wizard.url("review")).content.decode()
    assert "<h1>Review</h1>" in review
    for text in ["Northwind Traders", "Margie&#x27;s Travel", admin_of("margiestravel"),
                 "30.00 USD", "125.00 USD", "155.00 USD", "Submit", "Cancel"]:
        assert text in review, text
    # Nothing is written before Submit.
    assert counts() == before

    with django_capture_on_commit_callbacks(execute=True):
        response = wizard.submit()
    order = Order.objects.get()
    assert response.status_code == 302
    assert response.url == f"/o/contoso/orders/{order.pk}/confirmation/"

    assert order.kind == Order.Kind.NEW_CUSTOMER
    assert order.status == Order.Status.COMPLETED
    assert order.reseller == reseller
    assert order.submitted_by.email == "admin@contoso.test"
    customer = order.customer
    assert customer.status == Customer.Status.ACTIVE
    assert customer.reseller == reseller
    assert customer.provider == provider
    assert customer.organization.name == "Margie's Travel"
    assert customer.organization.country == "US"
    assert customer.domain_prefix == "margiestravel"
    assert customer.contact_email == "margie@margiestravel.example"
    lines = {line.offer.code: line for line in order.lines.all()}
    assert {code: line.quantity for code, line in lines.items()} == {"basic": 5,
                                                                     "standard": 10}
    assert lines["standard"].unit_price == Decimal("12.50")
    subscriptions = Subscription.objects.filter(customer=customer)
    assert sorted(s.quantity for s in subscriptions) == [5, 10]
    assert {s.reseller_of_record for s in subscriptions} == {reseller}
    assert all(line.subscription_id for line in order.lines.all())
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"customer.created", "order.submitted", "order.completed", "customer.delegated",
            "customer.admin_created"} <= actions

    # Confirmation: Setup info, once.
    page = wizard.client.get(response.url)
    html = page.content.decode()
    assert "<h1>Confirmation</h1>" in html
    assert "Setup info" in html
    assert admin_of("margiestravel") in html
    assert "no-store" in page["Cache-Control"]
    handover = CredentialHandover.objects.get()
    assert handover.revealed_at is not None
    assert handover.secret == ""
    password = html.split('id="setup-password" type="text" value="')[1].split('"')[0]
    assert len(password) >= 16
    assert 'data-copy-target="#setup-password"' in html
    assert "You won't be able to see this password again" in html

    again = wizard.client.get(response.url).content.decode()
    assert password not in again
    assert "already shown" in again

    # Done → Customers, with the reseller.
    assert 'href="/o/contoso/customers/"' in html
    listing = wizard.client.get("/o/contoso/customers/").content.decode()
    assert "Margie&#x27;s Travel" in listing
    row = listing.split("Margie&#x27;s Travel", 1)[1].split("</tr>", 1)[0]
    assert "Northwind Traders" in row


def test_the_same_page_from_customers_for_a_direct_customer(wizard, offers,
                                                            django_capture_on_commit_callbacks):
    listing = wizard.client.get("/o/contoso/customers/").content.decode()
    assert 'href="/o/contoso/customers/new/"' in listing
    assert "Add new customer" in listing
    wizard.start()
    html = wizard.client.get(wizard.url("details")).content.decode()
    assert '<option value="" selected>None: a direct customer of yours</option>' in html
    assert wizard.details().status_code == 302
    assert wizard.subscriptions({offers["basic"]: 3}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        wizard.submit()
    order = Order.objects.get()
    assert order.reseller is None
    assert order.customer.reseller is None
    assert order.status == Order.Status.COMPLETED
    assert order.lines.get().subscription.reseller_of_record is None


def test_cancel_at_review_creates_nothing_and_returns_where_it_began(wizard, reseller, offers):
    before = counts()
    wizard.start(f"?reseller={reseller.pk}")
    wizard.details(reseller=reseller)
    wizard.subscriptions({offers["basic"]: 5, offers["standard"]: 10})
    response = wizard.cancel()
    assert response.status_code == 302
    assert response.url == "/o/contoso/resellers/"
    assert counts() == before
    assert not any(key.startswith("wizard_") for key in wizard.client.session.keys())  # noqa: SIM118
    # Started again, the wizard is empty.
    html = wizard.client.get(wizard.url("details")).content.decode()
    assert "margiestravel" not in html
    # The review page now sends back to the first step.
    assert wizard.client.get(wizard.url("review")).url == wizard.url("details")


@pytest.mark.parametrize("step", ["details", "subscriptions"])
def test_cancel_from_customers_returns_to_customers(wizard, offers, step):
    wizard.start()
    if step == "subscriptions":
        wizard.details()
    response = wizard.cancel(step)
    assert response.url == "/o/contoso/customers/"
    assert Customer.objects.count() == 0


def test_back_links_keep_what_was_entered(wizard, reseller, offers):
    wizard.start()
    wizard.details(reseller=reseller)
    wizard.subscriptions({offers["basic"]: 7})
    details = wizard.client.get(wizard.url("details")).content.decode()
    assert 'value="margiestravel"' in details
    assert f'<option value="{reseller.pk}" selected>' in details
    # Changing a detail keeps the subscriptions.
    wizard.details(reseller=reseller, company_name="Margie's Travel Ltd")
    subscriptions = wizard.client.get(wizard.url("subscriptions")).content.decode()
    assert 'value="7"' in subscriptions
    review = wizard.client.get(wizard.url("review")).content.decode()
    assert "Margie&#x27;s Travel Ltd" in review
    assert "42.00 USD" in review
    assert 'href="/o/contoso/customers/new/details/"' in review
    assert 'href="/o/contoso/customers/new/subscriptions/"' in review


def test_double_submit_with_the_same_key_makes_one_order(wizard, reseller, offers,
                                                         django_capture_on_commit_callbacks):
    wizard.start()
    wizard.details(reseller=reseller)
    wizard.subscriptions({offers["basic"]: 5})
    key = wizard.idempotency_key()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = wizard.submit(key)
        second = wizard.submit(key)  # the second click, after the wizard was closed
        third = wizard.submit(key)
    # One provisioning task; the order provisioned, one count in the analytics.
    assert len(callbacks) == 2
    assert sorted(OutboxMessage.objects.values_list("task", flat=True)) == [
        "apps.analytics.tasks.rollup_orders", "apps.provisioning.tasks.provision_order"]
    assert Order.objects.count() == 1
    assert Customer.objects.count() == 1
    assert first.url == second.url == third.url
    assert Order.objects.get().idempotency_key == uuid.UUID(key)


def test_the_service_returns_the_same_order_for_the_same_key(provider, provider_admin, reseller,
                                                             offers):
    from apps.customers.services import customer_submit

    key = uuid.uuid4()
    details = dict(DETAILS.items())
    kwargs = {"provider": provider, "reseller": reseller, "customer_details": details,
              "lines": [(offers["basic"], 5)], "idempotency_key": key,
              "submitted_by": provider_admin}
    first = customer_submit(**kwargs)
    second = customer_submit(**kwargs)
    assert first.pk == second.pk
    assert Order.objects.count() == 1
    assert Customer.objects.count() == 1
    # Someone else's replay of the key is refused, not merged.
    from apps.errors import DomainError

    colleague = factories.member(provider, Role.SALES)
    with pytest.raises(DomainError):
        customer_submit(**{**kwargs, "submitted_by": colleague})


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"domain_prefix": ""}, "domain_prefix", "This field is required."),
    ({"domain_prefix": "adatum"}, "domain_prefix", "is already taken"),
    ({"domain_prefix": "ADATUM "}, "domain_prefix", "is already taken"),
    ({"domain_prefix": "bad_prefix!"}, "domain_prefix", "lower-case letters, digits and hyph"),
    ({"domain_prefix": "-dash"}, "domain_prefix", "lower-case letters, digits and hyph"),
    ({"domain_prefix": "x" * 64}, "domain_prefix", "at most 63 characters"),
    ({"contact_email": "not-an-email"}, "contact_email", "Enter a valid email address."),
    ({"contact_email": ""}, "contact_email", "This field is required."),
    ({"company_name": "   "}, "company_name", "This field is required."),
    ({"company_name": "x" * 201}, "company_name", "at most 200 characters"),
    ({"company_name": "nul\x00byte"}, "company_name", "Null characters are not allowed."),
    ({"country": "XX"}, "country", "Select a valid choice."),
    ({"language": "klingon"}, "language", "Select a valid choice."),
    ({"contact_phone": "call me"}, "contact_phone", "Enter a phone number"),
    ({"reseller": "not-a-uuid"}, "reseller", "Choose one of your partnered indirect resellers."),
    ({"reseller": str(uuid.uuid4())}, "reseller",
     "Choose one of your partnered indirect resellers."),
])
def test_bad_details_are_refused_at_their_step(wizard, customer, overrides, field, message):
    before = counts()
    wizard.start()
    response = wizard.details(**overrides)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'id="id_details-{field}_error"' in html
    assert 'aria-invalid="true"' in html
    assert counts() == before


def test_a_reseller_not_partnered_with_this_provider_is_refused(wizard, other_reseller,
                                                                reseller):
    wizard.start()
    response = wizard.details(reseller=other_reseller)  # a tampered POST
    assert response.status_code == 200
    assert "Choose one of your partnered indirect resellers." in response.content.decode()
    # Nor is it offered in the list.
    assert str(other_reseller.pk) not in response.content.decode().split(
        'name="details-reseller"')[1].split("</select>")[0]
    assert Customer.objects.count() == 0


@pytest.mark.parametrize("query", ["?reseller=junk", "?reseller=%00", f"?reseller={'9' * 500}",
                                   "?reseller=00000000-0000-0000-0000-000000000000"])
def test_a_junk_reseller_in_the_link_is_ignored(wizard, query, reseller):
    response = wizard.start(query)
    assert response.status_code == 302
    page = wizard.client.get(response.url).content.decode()
    assert "not one of your partnered indirect resellers" in page
    assert '<option value="" selected>' in page


def test_a_reseller_of_another_provider_in_the_link_is_not_preselected(wizard, other_reseller,
                                                                       other_provider):
    factories.PartnershipFactory(provider=other_provider, reseller=other_reseller)
    wizard.start(f"?reseller={other_reseller.pk}")
    page = wizard.client.get(wizard.url("details")).content.decode()
    assert f'value="{other_reseller.pk}"' not in page


@pytest.mark.parametrize(("lines", "extra", "message"), [
    ({"basic": "0"}, None, "Enter 1 or more licenses."),
    ({"basic": "-5"}, None, "Enter 1 or more licenses."),
    ({"basic": "ten"}, None, "Enter a whole number of licenses."),
    ({"basic": "2.5"}, None, "Enter a whole number of licenses."),
    ({"basic": "301"}, None, "Enter 300 or fewer licenses: the most this subscription allows."),
    ({"basic": "99999999999999999999999"}, None, "Enter 300 or fewer licenses"),
    ({"basic": ""}, None, "Enter the number of licenses."),
    ({}, None, "Select at least one subscription."),
    ({}, {"subscriptions-offers": ["retired"]}, "is not available for ordering"),
    ({}, {"subscriptions-offers": [str(uuid.uuid4())]}, "is not available for ordering"),
])
def test_bad_licenses_are_refused_at_their_step(wizard, offers, lines, extra, message):
    wizard.start()
    wizard.details()
    ticked = {offers[code]: quantity for code, quantity in lines.items()}
    posted = None
    if extra and extra["subscriptions-offers"] == ["retired"]:
        posted = [str(offers["retired"].pk)]
        extra = {f"subscriptions-licenses_{offers['retired'].pk}": "5"}
    elif extra:
        posted, extra = extra["subscriptions-offers"], None
    response = wizard.subscriptions(ticked, offers=posted, extra=extra)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert wizard.client.get(wizard.url("review")).url == wizard.url("subscriptions")
    assert Order.objects.count() == 0


def test_licenses_without_a_tick_are_pointed_out(wizard, offers):
    wizard.start()
    wizard.details()
    response = wizard.subscriptions({offers["basic"]: 2}, offers=[],
                                    extra={f"subscriptions-licenses_{offers['standard'].pk}": "3",
                                           "subscriptions-offers": [str(offers["basic"].pk)]})
    html = response.content.decode()
    assert "Select this subscription too, or clear the number." in html


def test_a_prefix_taken_before_submit_is_reported_at_the_details_step(
        wizard, offers, provider, django_capture_on_commit_callbacks):
    wizard.start()
    wizard.details()
    wizard.subscriptions({offers["basic"]: 1})
    key = wizard.idempotency_key()
    factories.CustomerFactory(provider=provider, domain_prefix="margiestravel")
    response = wizard.submit(key)
    assert response.status_code == 302
    assert response.url == wizard.url("details")
    page = wizard.client.get(response.url).content.decode()
    assert "admin@margiestravel.onpartnercenter.test is already taken" in page
    assert Order.objects.count() == 0


def test_an_offer_retired_before_submit_is_reported_at_the_subscriptions_step(wizard, offers):
    wizard.start()
    wizard.details()
    wizard.subscriptions({offers["basic"]: 1, offers["standard"]: 2})
    key = wizard.idempotency_key()
    offers["standard"].is_active = False
    offers["standard"].save()
    response = wizard.submit(key)
    assert response.url == wizard.url("subscriptions")
    assert "not available for ordering" in wizard.client.get(response.url).content.decode()
    assert Order.objects.count() == 0


def test_a_service_error_at_submit_shows_at_its_step(wizard, offers, monkeypatch):
    """A prefix taken between the form check and the insert: the service says so."""
    from apps.customers import services as customer_services

    wizard.start()
    wizard.details()
    wizard.subscriptions({offers["basic"]: 1})
    key = wizard.idempotency_key()
    monkeypatch.setattr(customer_services, "domain_prefix_available", lambda prefix: False)
    response = wizard.submit(key)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>New customer</h1>" in html
    assert "is already taken" in html
    assert Order.objects.count() == 0
    assert Customer.objects.count() == 0


def test_steps_open_in_order(wizard, offers, client):
    assert wizard.client.get(wizard.url("review")).url == wizard.url("details")
    assert wizard.client.get(wizard.url("subscriptions")).url == wizard.url("details")
    assert wizard.client.get(wizard.url("nonsense")).url == wizard.url("details")
    assert wizard.client.get(wizard.url("details")).status_code == 200


@pytest.mark.parametrize("data", [
    {},  # no management form
    {"new_customer_x-current_step": "details"},
])
def test_a_post_without_its_wizard_state_is_a_400_not_a_500(wizard, data):
    wizard.start()
    response = wizard.client.post(wizard.url("details"), data)
    assert response.status_code == 400


def test_a_post_after_the_wizard_closed_starts_again(wizard, offers):
    response = wizard.client.post(wizard.url("review"), {
        "review-idempotency_key": str(uuid.uuid4()), **wizard.management("review")})
    assert response.status_code == 302
    assert response.url == wizard.url()


def test_a_stale_review_page_is_not_submitted(wizard, offers):
    wizard.start()
    wizard.details()
    wizard.subscriptions({offers["basic"]: 1})
    response = wizard.submit(str(uuid.uuid4()))
    assert response.status_code == 302
    assert response.url == wizard.url("review")
    assert Order.objects.count() == 0


def test_helpdesk_gets_403_and_other_kinds_404(client, provider_helpdesk, reseller_admin,
                                               customer_admin):
    client.force_login(provider_helpdesk)
    assert client.get("/o/contoso/customers/new/").status_code == 403
    assert client.get("/o/contoso/customers/new/details/").status_code == 403
    assert "Add new customer" not in client.get("/o/contoso/customers/").content.decode()
    client.force_login(reseller_admin)
    assert client.get("/o/northwind/customers/new/").status_code == 404
    assert client.get("/o/northwind/customers/new/details/").status_code == 404
    assert "Add new customer" not in client.get("/o/northwind/customers/").content.decode()
    client.force_login(customer_admin)
    assert client.get("/o/adatum/customers/new/").status_code == 404


def test_sales_agents_can_add_customers(client, provider_sales, offers,
                                        django_capture_on_commit_callbacks):
    from tests.customers.conftest import Wizard

    client.force_login(provider_sales)
    wizard = Wizard(client, provider_sales.memberships.get().organization)
    wizard.start()
    wizard.details()
    wizard.subscriptions({offers["basic"]: 1})
    with django_capture_on_commit_callbacks(execute=True):
        wizard.submit()
    assert Order.objects.get().submitted_by == provider_sales


@pytest.mark.parametrize(("value", "expected"), [
    ("fresh-prefix", "admin@fresh-prefix.onpartnercenter.test is available."),
    ("Fresh-Prefix", "admin@fresh-prefix.onpartnercenter.test is available."),
    ("adatum", "admin@adatum.onpartnercenter.test is already taken"),
    ("no spaces", "lower-case letters, digits and hyphens"),
    ("x" * 500, "lower-case letters, digits and hyphens"),
    ("nul\x00", "lower-case letters, digits and hyphens"),
    ("", ""),
])
def test_live_domain_prefix_check(wizard, customer, value, expected):
    response = wizard.client.get("/o/contoso/customers/new/domain-check/",
                                 {"details-domain_prefix": value}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_an_existing_account_name_is_taken_too(wizard):
    factories.UserFactory(email="admin@squatter.onpartnercenter.test")
    response = wizard.client.get("/o/contoso/customers/new/domain-check/",
                                 {"details-domain_prefix": "squatter"})
    assert "is already taken" in response.content.decode()


def test_wizard_pages_use_a_fixed_number_of_queries(wizard, reseller, offers,
                                                    django_assert_max_num_queries):
    for _n in range(20):
        factories.OfferFactory()
    wizard.start()
    with django_assert_max_num_queries(12):
        wizard.client.get(wizard.url("details"))
    wizard.details(reseller=reseller)
    with django_assert_max_num_queries(14):
        wizard.client.get(wizard.url("subscriptions"))
    wizard.subscriptions({offers["basic"]: 1, offers["standard"]: 2})
    # 18, and the prices (billing): the default list, the reseller's list and its own.
    with django_assert_max_num_queries(21):
        wizard.client.get(wizard.url("review"))


@pytest.mark.parametrize("key", ["not-a-uuid", "", "nul\x00"])
def test_a_junk_idempotency_key_is_refused_at_review(wizard, offers, key):
    wizard.start()
    wizard.details()
    wizard.subscriptions({offers["basic"]: 1})
    response = wizard.client.post(wizard.url("review"), {"review-idempotency_key": key,
                                                         **wizard.management("review")})
    assert response.status_code == 200
    assert "This form is out of date" in response.content.decode()
    assert Order.objects.count() == 0


@pytest.mark.parametrize("step", ["AAAA", "", "detailsx", "x" * 5000, "review\x00", "0"])
@pytest.mark.parametrize("url_step", ["details", "subscriptions", "review"])
def test_a_tampered_step_goes_back_to_the_first_step_with_a_message(wizard, offers, step,
                                                                     url_step):
    wizard.start()
    wizard.details()
    response = wizard.client.post(wizard.url(url_step), {
        **{f"details-{k}": v for k, v in DETAILS.items()}, **wizard.management(step)})
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert response.url == wizard.url("details")
        page = wizard.client.get(response.url)
        assert page.status_code == 200
        assert "This form is out of date. Check the customer details and continue." \
            in page.content.decode()
    assert Order.objects.count() == 0


def test_a_tampered_step_in_the_session_goes_back_to_the_first_step(wizard, offers):
    wizard.start()
    session = wizard.client.session
    session[f"wizard_new_customer_{wizard.provider.pk.hex}"]["step"] = "AAAA"
    session.save()
    response = wizard.details()
    assert response.status_code == 302
    assert wizard.client.get(wizard.url("details")).status_code == 200


OVERSIZED = "x" * 100_000


@pytest.mark.parametrize("field", [*DETAILS, "reseller"])
@pytest.mark.parametrize("value", [OVERSIZED, "\x00", "9" * 400])
def test_oversized_or_junk_details_are_errors_not_500s(wizard, offers, field, value):
    wizard.start()
    response = wizard.details(**{field: value})
    assert response.status_code == 200
    assert "<h1>New customer</h1>" in response.content.decode()
    assert wizard.client.get(wizard.url("subscriptions")).url == wizard.url("details")
    assert Customer.objects.count() == 0
