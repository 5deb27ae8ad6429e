"""The Customers page's total: exact, except the unfiltered total of a long list, which comes
from the cache and says "about"."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.customers.services import customer_create
from tests import factories
from tests.statements import statement_sql

PAGE = "/o/contoso/customers/"
_COUNT = re.compile(r'id="customers-count"[^>]*>([^<]*)<')


def _get(client, path=PAGE):
    """The page's count line and how many times it counted the customers."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    sent = [statement_sql(q["sql"]) for q in queries]
    counts = [sql for sql in sent if "COUNT(*)" in sql and 'FROM "customers_customer"' in sql]
    return _COUNT.search(response.content.decode()).group(1).strip(), len(counts)


def test_a_long_list_shows_about_its_cached_total(client, settings, contoso, contoso_admin,
                                                  adatum, fabrikam_partnered):
    settings.PORTAL_CACHED_TOTAL_FROM = 3
    for _ in range(2):
        factories.CustomerFactory(provider=contoso, reseller=fabrikam_partnered)
    client.force_login(contoso_admin)
    client.get(PAGE)  # the first visit remembers the workspace; counts and caches

    assert _get(client) == ("about 3 customers", 0)  # from the cache
    # Filtered: counted, exact.
    assert _get(client, f"{PAGE}?reseller={fabrikam_partnered.pk}") == ("2 customers", 1)
    # A new customer: counted again.
    customer_create(provider=contoso, reseller=None, company_name="Margie's Travel",
                    domain_prefix="margies", actor=contoso_admin)
    assert _get(client) == ("4 customers", 1)
    assert _get(client) == ("about 4 customers", 0)


def test_a_short_list_is_always_counted(client, contoso_admin, adatum):
    client.force_login(contoso_admin)
    for _ in range(2):
        assert _get(client) == ("1 customer", 1)
