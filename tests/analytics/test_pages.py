"""Reseller analytics (a provider's) and Analytics (a reseller's): the figures of the
orders, any period in the URL (junk included) without an error page, one CSV per widget,
a reseller's own figures only, a bounded number of queries."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.analytics.periods import Period
from apps.analytics.selectors import provider_figures
from apps.incentives.selectors import incentive_subscriptions
from apps.orders.models import OrderLine
from apps.subscriptions import services as subscriptions
from apps.subscriptions.models import Subscription

pytestmark = pytest.mark.django_db

URL = "/o/contoso/analytics/"


def table(response, widget):
    """The rows of a widget's CSV download."""
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_provider_sees_its_resellers_figures(login, contoso_admin, trading_day,
                                             django_assert_max_num_queries):
    client = login(contoso_admin)
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="figure-total">2<' in page  # Northwind and Fabrikam
    assert 'id="figure-transacting">2<' in page
    # Live licenses credited to the two resellers (21 + 17), over their 5 customers.
    assert 'id="figure-licenses">38<' in page
    assert 'id="figure-per-customer">7.6<' in page
    for title in ("New subscriptions by date", "Subscription churn",
                  "Top resellers by subscriptions sold", "Licenses sold by reseller",
                  "Top products by subscription count", "Resellers by market",
                  "New resellers", "Figures by reseller", "Show as table"):
        assert title in page
    assert page.count('role="img"') >= 6
    assert "<script" not in page.split("</header>")[1]


def test_a_chart_table_has_the_count_of_the_orders(login, contoso_admin, northwind,
                                                   trading_day):
    client = login(contoso_admin)
    rows = table(client.get(URL + "top-resellers.csv?period=90d"), "top-resellers")
    sold = OrderLine.objects.filter(order__provider__slug="contoso", action="purchase",
                                    order__status="completed", reseller_of_record=northwind)
    assert rows[0] == ["Indirect reseller", "New subscriptions"]
    assert ["Northwind Traders", str(sold.count())] in rows
    churn = table(client.get(URL + "churn.csv?period=month&month="
                             + timezone.localdate().strftime("%Y-%m")), "churn")
    today = next(row for row in churn if row[0] == timezone.localdate().isoformat())
    assert today[2] == str(Subscription.objects.filter(cancelled_on=timezone.localdate())
                           .count()) == "2"


@pytest.mark.parametrize("query", [
    "?period=bogus", "?period=month&month=2026-13", "?period=month", "?period=custom",
    "?period=custom&start=2026-05-01&end=2026-01-01", "?period=custom&start=x&end=%00",
    "?period=custom&start=2015-01-01&end=2026-01-01", "?sort=bogus&page=-3",
    "?period=" + "9" * 5000])
def test_junk_periods_show_a_message_not_an_error(login, contoso_admin, trading_day, query):
    response = login(contoso_admin).get(URL + query)
    assert response.status_code == 200
    page = response.content.decode()
    if "period=" in query:
        assert "could not be used" in page
        assert "Showing" in page


def test_periods_in_the_url(login, contoso_admin, trading_day):
    client = login(contoso_admin)
    today = timezone.localdate()
    start = (today - timedelta(days=800)).isoformat()
    for query in ("?period=365d", f"?period=custom&start={start}&end={today}",
                  f"?period=month&month={today:%Y-%m}"):
        response = client.get(URL + query)
        assert response.status_code == 200
        assert "could not be used" not in response.content.decode()


def test_the_reseller_table_sorts(login, contoso_admin, trading_day):
    client = login(contoso_admin)

    def order(query):
        page = client.get(URL + query).content.decode().split('id="resellers-heading"')[1]
        return page.index("Fabrikam Solutions</th>") < page.index("Northwind Traders</th>")

    # Fabrikam: 2 + 15 licenses live (17);
    # Northwind: 9 + 3 + 2 + 7 (21).
    assert order("?sort=-licenses") is False
    assert order("?sort=licenses") is True
    assert order("?sort=name") is True
    assert order("?sort=-name") is False
    assert 'aria-sort="descending"' in client.get(URL + "?sort=-name").content.decode()


def test_a_reseller_sees_its_own_figures(login, northwind_admin, trading_day,
                                         django_assert_max_num_queries):
    client = login(northwind_admin)
    with django_assert_max_num_queries(12):
        response = client.get("/o/northwind/analytics/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Contoso Distribution" in page
    assert "Incentive-eligible licenses by month" in page
    rows = table(client.get("/o/northwind/analytics/providers.csv"), "providers")
    live = Subscription.objects.filter(reseller_of_record__slug="northwind",
                                       status__in=["active", "suspended"])
    assert rows[1][0] == "Contoso Distribution"
    assert rows[1][2:] == [str(live.count()), str(sum(s.quantity for s in live))]
    # Its customers only: Fabrikam's are not there.
    top = table(client.get("/o/northwind/analytics/top-customers.csv"), "top-customers")
    assert {row[0] for row in top[1:]} <= {c.organization.name for c in trading_day.values()
                                          if c.reseller and c.reseller.slug == "northwind"}


def test_another_tenant_and_unknown_widgets_are_404(login, northwind_admin, contoso_admin,
                                                   trading_day):
    assert login(northwind_admin).get(URL).status_code == 404
    assert login(contoso_admin).get(URL + "nothing.csv").status_code == 404


def test_long_periods_add_months_and_edge_days_like_the_days(contoso, trading_day):
    """A long period reads whole months from the monthly rows and the days at either end
    from the daily ones: the same sums as the days alone."""
    from datetime import date

    today = timezone.localdate()
    for start, end in ((today - timedelta(days=200), today),
                       (date(today.year - 1, 1, 1), today),
                       (today.replace(day=1) - timedelta(days=400), today)):
        figures = provider_figures(provider=contoso, period=Period("custom", start, end))
        by_reseller = {r.name: (r.new_subscriptions, r.licences_sold, r.cancelled,
                                sum(r.trend)) for r in figures.rows}
        assert by_reseller == {"Northwind Traders": (5, 31, 1, 5),
                               "Fabrikam Solutions": (3, 26, 1, 3)}
        assert sum(row[1] for row in figures.series) == 9  # Contoso's own included


def test_incentive_eligible_licenses_leave_out_suspended_subscriptions(
        login, northwind, northwind_admin, contoso, contoso_admin, trading_day,
        django_capture_on_commit_callbacks):
    """As Incentives counts them: a suspended subscription earns nothing, so its licences
    leave this month's figure; the figure is the Incentives page's own count."""
    client = login(northwind_admin)

    def this_month():
        rows = table(client.get("/o/northwind/analytics/incentive-licenses.csv"),
                     "incentive-licenses")
        return int(rows[-1][1])

    before = this_month()
    premium = Subscription.objects.get(customer=trading_day["nwtwo"], offer__code="premium")
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions.subscription_suspend(subscription=premium, actor=contoso_admin,
                                           organization=contoso)
    month = timezone.localdate().replace(day=1)
    eligible = incentive_subscriptions(reseller=northwind, month=month)
    assert this_month() == before - premium.quantity == sum(s.quantity for s in eligible)
    assert premium.pk not in {s.pk for s in eligible}
