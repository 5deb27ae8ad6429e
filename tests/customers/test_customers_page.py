"""The Customers page: filter by indirect reseller, search, sort, pages, htmx reloads of the
table, the expandable records, and a constant number of queries (20,000 customers too)."""

import re
import time
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.organizations.roles import Role
from tests import factories

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def book(provider, reseller, fabrikam_partnered, customer):
    """Contoso's customers: Adatum (Northwind's), two of Fabrikam's, one direct; and one of
    another provider, delegated to Fabrikam too."""
    make = factories.CustomerFactory
    margie = make(provider=provider, reseller=fabrikam_partnered,
                  organization__name="Margie's Travel", domain_prefix="margiestravel")
    proseware = make(provider=provider, reseller=fabrikam_partnered,
                     organization__name="Proseware", domain_prefix="proseware")
    wideworld = make(provider=provider, reseller=None,
                     organization__name="Wide World Importers",
                     domain_prefix="wideworldimporters")
    elsewhere = make(provider=factories.ProviderFactory(), reseller=fabrikam_partnered,
                     organization__name="Blue Yonder Airlines", domain_prefix="blueyonder")
    factories.SubscriptionFactory(customer=margie, quantity=7)
    factories.SubscriptionFactory(customer=margie, quantity=3)
    factories.SubscriptionFactory(customer=margie, quantity=100, status="suspended")
    factories.SubscriptionFactory(customer=proseware, quantity=2, status="upgraded")
    return {"adatum": customer, "margie": margie, "proseware": proseware,
            "wideworld": wideworld, "elsewhere": elsewhere}


def names(html):
    """The company names of the table's rows, in order."""
    found = re.findall(r'<a href="/o/[a-z0-9-]+/customers/[0-9a-f-]+/">([^<]+)</a>', html)
    return [name for name in found if not name.startswith("Open ")]  # the expanded rows' links


def get(client, query="", **extra):
    response = client.get(f"/o/contoso/customers/{query}", **extra)
    assert response.status_code == 200, query
    return response.content.decode()


def test_the_table_lists_the_providers_customers(contoso_admin_client, book):
    html = get(contoso_admin_client)
    assert names(html) == ["Adatum Corporation", "Margie&#x27;s Travel", "Proseware",
                           "Wide World Importers"]
    assert "Blue Yonder" not in html
    assert "4 customers" in html
    for header in ("Company", "Domain", "Indirect reseller", "Subscriptions", "Licenses",
                   "Created"):
        assert re.search(rf'<th [^>]*scope="col"[^>]*>\s*<a id="sort-[a-z_]+" href="\?sort=[^"]+">'
                         rf'{header}', html)
    row = html[html.index(f'id="customer-{book["margie"].pk}"'):]
    row = row[:row.index("</tr>")]
    assert "Fabrikam Solutions" in row
    assert "margiestravel" in row
    # Three open subscriptions (one suspended); 10 active licenses.
    assert re.search(r'<td class="text-end"\s*>3</td>\s*<td class="text-end"\s*>10</td>', row)
    assert "none (direct)" in html


def test_filter_by_indirect_reseller(contoso_admin_client, book, fabrikam_partnered):
    html = get(contoso_admin_client, f"?reseller={fabrikam_partnered.pk}")
    assert names(html) == ["Margie&#x27;s Travel", "Proseware"]
    assert f'<option value="{fabrikam_partnered.pk}" selected>Fabrikam Solutions</option>' in html
    assert '<option value="none">No reseller (direct customers)</option>' in html
    html = get(contoso_admin_client, "?reseller=none")
    assert names(html) == ["Wide World Importers"]


def test_the_filter_lists_partners_and_resellers_still_delegated(contoso_admin_client, book,
                                                                 provider, fabrikam_partnered):
    from apps.partnerships.models import Partnership

    Partnership.objects.filter(reseller=fabrikam_partnered).update(status="ended")
    html = get(contoso_admin_client)
    assert "Fabrikam Solutions</option>" in html  # still delegated Margie's Travel
    assert "Northwind Traders</option>" in html
    stranger = factories.ResellerFactory(name="Stranger Resale")
    assert "Stranger Resale" not in get(contoso_admin_client)
    # A reseller that is not on the list: an error next to the field, the whole list.
    html = get(contoso_admin_client, f"?reseller={stranger.pk}")
    assert "Choose a reseller from the list." in html
    assert len(names(html)) == 4


def test_search_by_company_or_domain(contoso_admin_client, book):
    assert names(get(contoso_admin_client, "?q=travel")) == ["Margie&#x27;s Travel"]
    assert names(get(contoso_admin_client, "?q=WIDEWORLD")) == ["Wide World Importers"]
    assert names(get(contoso_admin_client, "?q=nothing-like-it")) == []
    html = get(contoso_admin_client, "?q=nothing-like-it")
    assert "No customers match." in html


@pytest.mark.parametrize("query", [
    "?reseller=junk", "?reseller=%00", f"?reseller={uuid.uuid4()}", "?q=%00abc",
    "?q=" + "x" * 5000, "?sort=nonsense", "?sort=-nonsense,company", "?sort=%00",
    "?sort=expand", "?page=junk", "?page=-1", "?page=0", "?page=99999999999999999999999",
    "?page=%00", "?per_page=100000", "?q=%ff%fe", "?reseller=none&reseller=junk",
])
def test_junk_never_fails(contoso_admin_client, book, query):
    html = get(contoso_admin_client, query)
    assert re.search(r"<h1[^>]*>Customers</h1>", html)


def test_oversized_search_is_an_error_next_to_the_field(contoso_admin_client, book):
    html = get(contoso_admin_client, "?q=" + "x" * 101)
    assert 'id="id_q_error"' in html
    assert len(names(html)) == 4


@pytest.mark.parametrize(("sort", "expected"), [
    ("company", ["Adatum Corporation", "Margie&#x27;s Travel", "Proseware",
                 "Wide World Importers"]),
    ("-company", ["Wide World Importers", "Proseware", "Margie&#x27;s Travel",
                  "Adatum Corporation"]),
    ("domain_prefix", ["Adatum Corporation", "Margie&#x27;s Travel", "Proseware",
                       "Wide World Importers"]),
    ("-subscription_count", ["Margie&#x27;s Travel", "Adatum Corporation", "Proseware",
                             "Wide World Importers"]),
    ("-license_count", ["Margie&#x27;s Travel", "Adatum Corporation", "Proseware",
                        "Wide World Importers"]),
    ("reseller", ["Margie&#x27;s Travel", "Proseware", "Adatum Corporation",
                  "Wide World Importers"]),
])
def test_sortable_columns(contoso_admin_client, book, sort, expected):
    html = get(contoso_admin_client, f"?sort={sort}")
    assert names(html) == expected
    assert 'aria-sort="' in html


def test_sort_links_keep_the_filter_and_drop_the_page(contoso_admin_client, book,
                                                      fabrikam_partnered):
    html = get(contoso_admin_client, f"?reseller={fabrikam_partnered.pk}&page=1")
    assert f'href="?reseller={fabrikam_partnered.pk}&amp;sort=domain_prefix"' in html


def test_pages_of_25(contoso_admin_client, provider):
    for n in range(30):
        factories.CustomerFactory(provider=provider, organization__name=f"Company {n:02}")
    first = get(contoso_admin_client)
    assert len(names(first)) == 25
    assert "Page 1 of 2" in first
    assert 'href="?page=2"' in first
    second = get(contoso_admin_client, "?page=2")
    assert names(second) == [f"Company {n:02}" for n in range(25, 30)]
    assert get(contoso_admin_client, "?page=9999").count("Page 2 of 2") == 1


def test_htmx_gets_the_region_only_and_the_url_keeps_the_filter(contoso_admin_client, book,
                                                                fabrikam_partnered):
    response = contoso_admin_client.get(
        f"/o/contoso/customers/?reseller={fabrikam_partnered.pk}&sort=-company", **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="customers-region"')
    assert "<html" not in html
    assert names(html) == ["Proseware", "Margie&#x27;s Travel"]
    # The filter form's hidden sort field follows along (out of band).
    assert 'id="filter-sort" value="-company" hx-swap-oob="true"' in html
    # ... and the count, into the live region outside the table's region.
    assert '<span hx-swap-oob="innerHTML:#customers-count">2 customers</span>' in html
    assert "HX-Request" in response["Vary"]
    # A history restore (back button, htmx cache miss) gets the whole page.
    page = contoso_admin_client.get(f"/o/contoso/customers/?reseller={fabrikam_partnered.pk}",
                                    HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX).content.decode()
    assert "<html" in page
    assert f'<option value="{fabrikam_partnered.pk}" selected>' in page


def test_the_filter_form_reloads_the_region_with_htmx(contoso_admin_client, book):
    html = get(contoso_admin_client)
    form = html[html.index('<form method="get"'):]
    form = form[:form.index(">") + 1]
    assert 'hx-get="/o/contoso/customers/"' in form
    assert 'hx-target="#customers-region"' in form
    assert 'hx-push-url="true"' in form
    assert 'role="search"' in form
    assert '<label class="form-label" for="id_reseller">Indirect reseller</label>' in html
    assert '<label class="form-label" for="id_q">Search by company or domain</label>' in html


def test_each_record_has_a_down_arrow_and_a_link(contoso_admin_client, book):
    html = get(contoso_admin_client)
    margie = book["margie"]
    button = re.search(rf'<button type="button"[^>]*aria-controls="customer-{margie.pk}-details"'
                       r'[^>]*>', html).group(0)
    assert 'aria-expanded="false"' in button
    assert " hidden" in button  # shown by portal.js; without JavaScript the link does it
    assert f'data-expand-url="/o/contoso/customers/{margie.pk}/summary/"' in button
    assert "Expand Margie&#x27;s Travel" in html
    assert f'<tr id="customer-{margie.pk}-details" class="customer-details" hidden>' in html
    assert f'<a href="/o/contoso/customers/{margie.pk}/">Margie&#x27;s Travel</a>' in html


def test_the_expanded_record(contoso_admin_client, book, provider):
    margie = book["margie"]
    html = contoso_admin_client.get(f"/o/contoso/customers/{margie.pk}/summary/",
                                    **HTMX).content.decode()
    assert "Fabrikam Solutions" in html
    assert html.count("<tr>") == 4  # header + three open subscriptions (one suspended)
    assert "Suspended" in html
    assert f'href="/o/contoso/customers/{margie.pk}/subscriptions/new/">Add subscription' in html
    assert f'href="/o/contoso/customers/{margie.pk}/">Open customer' in html
    assert "Support contacts" in html


def test_helpdesk_sees_no_add_subscription_the_delegated_reseller_does(client, book, provider,
                                                                       reseller, reseller_admin):
    client.force_login(factories.member(provider, Role.HELPDESK))
    adatum = book["adatum"]
    html = client.get(f"/o/contoso/customers/{adatum.pk}/summary/").content.decode()
    assert "Add subscription" not in html
    client.force_login(factories.member(reseller, Role.HELPDESK))
    html = client.get(f"/o/northwind/customers/{adatum.pk}/summary/").content.decode()
    assert "Add subscription" not in html
    client.force_login(reseller_admin)
    html = client.get(f"/o/northwind/customers/{adatum.pk}/summary/").content.decode()
    assert "Add subscription" in html
    assert "Contoso Distribution" in html


def test_another_providers_record_is_not_found(client, outsider, book):
    client.force_login(outsider)
    margie = book["margie"]
    assert client.get(f"/o/tailspin/customers/{margie.pk}/summary/").status_code == 404
    assert "Margie" not in client.get("/o/tailspin/customers/").content.decode()


def test_a_reseller_sees_its_customers_with_their_provider(client, book, reseller_admin):
    client.force_login(reseller_admin)
    html = client.get("/o/northwind/customers/").content.decode()
    assert names(html) == ["Adatum Corporation"]
    assert "Contoso Distribution" in html
    assert 'name="reseller"' not in html  # no reseller filter for a reseller
    assert ">Provider" in html


def _query_count(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_rows(contoso_admin_client, provider, reseller,
                                                 fabrikam_partnered):
    def add(n):
        for i in range(n):
            customer = factories.CustomerFactory(
                provider=provider, reseller=(reseller, fabrikam_partnered, None)[i % 3])
            factories.SubscriptionFactory(customer=customer, support_contact=provider)

    add(3)
    contoso_admin_client.get("/o/contoso/customers/")  # the first visit remembers the workspace
    paths = ["/o/contoso/customers/", f"/o/contoso/customers/?reseller={fabrikam_partnered.pk}",
             "/o/contoso/customers/?sort=-license_count", "/o/contoso/customers/?q=customer"]
    few = [_query_count(contoso_admin_client, path) for path in paths]
    add(60)
    # New customers: the reseller filter's cached options are drawn again, once.
    contoso_admin_client.get("/o/contoso/customers/")
    many = [_query_count(contoso_admin_client, path) for path in paths]
    assert few == many
    assert max(many) <= 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the 20,000-customer case is "
                    "about PostgreSQL plans")
def test_twenty_thousand_customers_page_fast(contoso_admin_client, provider, reseller,
                                             fabrikam_partnered, django_assert_max_num_queries,
                                             capsys):
    from apps.catalog.models import Offer
    from apps.customers.models import Customer
    from apps.organizations.models import Organization
    from apps.subscriptions.models import Subscription

    offer = Offer.objects.create(code="bulk", name="Bulk offer", unit_price="1.00")
    total = 20_000
    start = time.perf_counter()
    organizations = Organization.objects.bulk_create(
        [Organization(kind="customer", name=f"Customer {n:05}", slug=f"bulk-{n}")
         for n in range(total)], batch_size=2000)
    resellers = (reseller, fabrikam_partnered, None, fabrikam_partnered)
    customers = Customer.objects.bulk_create(
        [Customer(organization=org, name=org.name, provider=provider, reseller=resellers[n % 4],
                  domain_prefix=f"bulk{n}") for n, org in enumerate(organizations)],
        batch_size=2000)
    Subscription.objects.bulk_create(
        [Subscription(customer=customer, provider=provider, offer=offer, quantity=1 + n % 50,
                      term_end="2030-01-01", support_contact=provider)
         for n, customer in enumerate(customers)], batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE customers_customer; ANALYZE organizations_organization; "
                       "ANALYZE subscriptions_subscription")
    built = time.perf_counter() - start

    pages = {
        "first page": "/o/contoso/customers/",
        "filtered first page": f"/o/contoso/customers/?reseller={fabrikam_partnered.pk}",
        "filtered deep page": f"/o/contoso/customers/?reseller={fabrikam_partnered.pk}&page=399",
        "deep page": "/o/contoso/customers/?page=790",
        "search": "/o/contoso/customers/?q=Customer%201999",
        "sorted by licenses, deep": "/o/contoso/customers/?sort=-license_count&page=500",
        "sorted by reseller": "/o/contoso/customers/?sort=reseller",
    }
    timings = {}
    for label, path in pages.items():
        contoso_admin_client.get(path)  # warm-up: template compilation
        with django_assert_max_num_queries(10):
            began = time.perf_counter()
            response = contoso_admin_client.get(path)
            timings[label] = (time.perf_counter() - began) * 1000
        assert response.status_code == 200
        assert len(names(response.content.decode())) >= 1, label
    filtered = contoso_admin_client.get(pages["filtered deep page"]).content.decode()
    assert "Page 399 of 400" in filtered
    assert "10,000 customers" in filtered or "10000 customers" in filtered
    with capsys.disabled():
        print(f"\n20,000 customers built in {built:.1f} s; page times (ms): "
              + ", ".join(f"{label} {ms:.0f}" for label, ms in timings.items()))


def test_the_subscriptions_page_and_expanded_record_keep_fixed_queries(contoso_admin_client,
                                                                       provider, customer,
                                                                       fabrikam_partnered):
    def subscribe(n):
        for i in range(n):
            factories.SubscriptionFactory(customer=customer, support_contact=provider,
                                          reseller_of_record=(fabrikam_partnered, None)[i % 2])

    paths = [f"/o/contoso/customers/{customer.pk}/subscriptions/",
             f"/o/contoso/customers/{customer.pk}/summary/",
             f"/o/contoso/customers/{customer.pk}/"]
    subscribe(2)
    contoso_admin_client.get(paths[0])
    few = [_query_count(contoso_admin_client, path) for path in paths]
    subscribe(40)
    assert [_query_count(contoso_admin_client, path) for path in paths] == few
    assert max(few) <= 10


def test_a_reseller_filters_its_customers_by_provider(client, reseller, reseller_admin,
                                                      provider):
    other = factories.ProviderFactory(name="Litware Distribution")
    factories.PartnershipFactory(provider=other, reseller=reseller)
    mine = factories.CustomerFactory(provider=provider, reseller=reseller,
                                     organization__name="From Contoso")
    theirs = factories.CustomerFactory(provider=other, reseller=reseller,
                                       organization__name="From Litware")
    client.force_login(reseller_admin)
    page = client.get("/o/northwind/customers/").content.decode()
    assert 'name="provider"' in page
    assert "Litware Distribution" in page
    filtered = client.get(f"/o/northwind/customers/?provider={other.pk}").content.decode()
    assert theirs.organization.name in filtered
    assert mine.organization.name not in filtered
    junk = client.get("/o/northwind/customers/?provider=nonsense")
    assert junk.status_code == 200
    assert "Choose a provider from the list." in junk.content.decode()


def test_the_reseller_filter_follows_partnerships_and_names(contoso_admin_client, book,
                                                            provider):
    """The filter's options are cached: a new partner, a renamed reseller and a new
    delegation show at once."""
    from apps.customers.services import customer_delegate

    assert "Litware Resale" not in get(contoso_admin_client)  # the options are cached now
    litware = factories.ResellerFactory(name="Litware Resale")
    factories.PartnershipFactory(provider=provider, reseller=litware)
    html = get(contoso_admin_client, f"?reseller={litware.pk}")
    assert f'<option value="{litware.pk}" selected>Litware Resale</option>' in html
    assert "No customers match." in html
    litware.name = "Litware Partners"
    litware.save()
    assert "Litware Partners</option>" in get(contoso_admin_client)
    # Delegated without a partnership (one that ended, say): still on the list.
    tailwind = factories.ResellerFactory(name="Tailwind Resale")
    assert "Tailwind Resale" not in get(contoso_admin_client)
    customer_delegate(customer=book["wideworld"], reseller=tailwind, audit=False)
    assert "Tailwind Resale</option>" in get(contoso_admin_client)


def test_a_search_with_an_ampersand_keeps_paging(contoso_admin_client, provider):
    for n in range(30):
        factories.CustomerFactory(provider=provider, organization__name=f"Smith & Sons {n:02}")
    html = get(contoso_admin_client, "?q=Smith+%26+Sons")
    assert "Page 1 of 2" in html
    assert 'href="?q=Smith+%26+Sons&amp;page=2"' in html
    second = get(contoso_admin_client, "?q=Smith+%26+Sons&page=2")
    assert len(names(second)) == 5
