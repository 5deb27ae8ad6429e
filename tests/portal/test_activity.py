"""Recent activity in words, and what else a dashboard lists (requests waiting, failed
orders, renewals due)."""

import ast
import datetime
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.audit.services import record
from apps.partnerships.services import invitation_accept, invitation_create
from apps.portal.activity import SENTENCES
from apps.subscriptions.selectors import subscriptions_renewing_within
from apps.subscriptions.services import subscription_add_licenses
from tests import factories

APPS = Path(__file__).resolve().parents[2] / "apps"


# ------------------------------------------------------------------ every action has words


def _calls(tree):
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _name(call):
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _strings(node):
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant)
            and isinstance(n.value, str)}


def _values(expr, function, functions, tree, depth=0):
    """The strings an action expression takes: literals, a local assigned from literals, or
    a parameter of `function`, followed to its callers in the module."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        return _strings(expr)
    if isinstance(expr, ast.JoinedStr):
        prefix = "".join(p.value for p in expr.values if isinstance(p, ast.Constant))
        names = [p.value for p in expr.values if isinstance(p, ast.FormattedValue)]
        return {prefix + v for n in names for v in _values(n, function, functions, tree, depth)}
    if not isinstance(expr, ast.Name) or function is None or depth > 3:
        return set()
    found = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == expr.id for t in node.targets):
            found |= _strings(node.value)
    params = [a.arg for a in function.args.args]
    keyword_params = params + [a.arg for a in function.args.kwonlyargs]
    if expr.id in keyword_params:
        index = params.index(expr.id) if expr.id in params else None
        for call in _calls(tree):
            if _name(call) != function.name:
                continue
            passed = [k.value for k in call.keywords if k.arg == expr.id]
            if index is not None and index < len(call.args):
                passed.append(call.args[index])
            for value in passed:
                caller = functions.get(id(call))
                found |= _values(value, caller, functions, tree, depth + 1)
    return found


def recorded_actions():
    actions = set()
    for path in APPS.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        functions = {}  # id(call): the function it is in
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef):
                for call in _calls(function):
                    functions[id(call)] = function
        for call in _calls(tree):
            if _name(call) != "record":
                continue
            for keyword in call.keywords:
                if keyword.arg == "action":
                    actions |= _values(keyword.value, functions.get(id(call)), functions, tree)
    return actions


def test_every_action_recorded_in_the_code_has_a_sentence():
    actions = recorded_actions()
    # The reader follows every kind of call the services make.
    assert {"subscription.licenses_changed", "subscription.suspended",
            "partnership.request_resent", "customer.user_added", "relationship.declined",
            "catalog.offer_changed", "organization.deactivated",
            "order.setup_info_shown"} <= actions
    assert len(actions) > 60
    missing = sorted(actions - set(SENTENCES))
    assert missing == [], f"Give these audit actions a sentence in apps/portal/activity.py: " \
                          f"{missing}"


# ------------------------------------------------------------------ the dashboards


def recent(html):
    return html.split('data-testid="recent-activity"', 1)[1].split("</ul>", 1)[0]


@pytest.fixture
def basic_for_adatum(adatum, offers):
    return factories.SubscriptionFactory(customer=adatum, offer=offers["basic"], quantity=5,
                                         reseller_of_record=adatum.reseller)


def test_the_provider_reads_what_happened_as_sentences(client, contoso, provider_admin,
                                                       fabrikam, fabrikam_admin,
                                                       basic_for_adatum, reseller_admin):
    invitation = invitation_create(provider=contoso, email=fabrikam_admin.email,
                                   created_by=provider_admin)
    invitation_accept(invitation=invitation, user=fabrikam_admin, reseller=fabrikam)
    subscription_add_licenses(subscription=basic_for_adatum, licenses=3, actor=reseller_admin,
                              organization=basic_for_adatum.customer.reseller)
    client.force_login(provider_admin)
    html = recent(client.get("/o/contoso/").content.decode())
    assert "Fabrikam Solutions</a> accepted your partnership request" in html
    assert f"· {fabrikam_admin.email}" in html  # the person who acted
    page = (f"/o/contoso/customers/{basic_for_adatum.customer_id}/subscriptions/"
            f"{basic_for_adatum.pk}/")
    assert (f'{reseller_admin.email} added 3 licenses to <a href="{page}">Business Basic</a> '
            f"for Adatum Corporation") in html
    assert "You drafted a partnership request to" in html
    assert "system" not in html
    assert "<code>" not in html
    assert "now</time>" in html or "ago</time>" in html


def test_the_sentences_speak_chinese(client, contoso, provider_admin, fabrikam,
                                     fabrikam_admin):
    invitation = invitation_create(provider=contoso, email=fabrikam_admin.email,
                                   created_by=provider_admin)
    invitation_accept(invitation=invitation, user=fabrikam_admin, reseller=fabrikam)
    client.force_login(provider_admin)
    html = client.get("/o/contoso/", headers={"accept-language": "zh-hans"}).content.decode()
    assert "Fabrikam Solutions</a> 接受了你的合作关系请求" in recent(html)
    assert "最近活动" in html
    assert "完整审核日志" in html


def test_an_unknown_action_reads_as_a_generic_sentence(client, contoso, provider_admin):
    record(actor=None, organization=contoso, action="subscription.renewed",
           target=contoso)
    client.force_login(provider_admin)
    html = recent(client.get("/o/contoso/").content.decode())
    assert "The portal: Subscription renewed (Contoso Distribution)" in html


def test_no_link_where_the_viewer_would_find_nothing(client, contoso, tailspin, northwind,
                                                     reseller_admin, offers):
    # A customer Northwind no longer manages: its subscription's page is a 404 to it.
    elsewhere = factories.CustomerFactory(provider=contoso, reseller=None,
                                          organization__name="Litware")
    gone = factories.SubscriptionFactory(customer=elsewhere, offer=offers["basic"])
    record(actor=None, organization=northwind, action="subscription.suspended", target=gone,
           data={"offer": "Business Basic", "customer": "Litware"})
    client.force_login(reseller_admin)
    html = recent(client.get("/o/northwind/").content.decode())
    assert "The portal suspended Business Basic for Litware" in html
    assert "<a" not in html


def test_the_audit_log_link_only_for_who_may_read_it(client, contoso, provider_admin,
                                                     provider_helpdesk):
    client.force_login(provider_admin)
    assert 'href="/o/contoso/audit/"' in client.get("/o/contoso/").content.decode()
    client.force_login(provider_helpdesk)
    assert 'href="/o/contoso/audit/"' not in client.get("/o/contoso/").content.decode()


def test_the_customer_dashboard_has_recent_activity(client, adatum, customer_admin,
                                                    provider_admin):
    record(actor=provider_admin, organization=adatum.organization,
           action="customer.user_added", target=customer_admin,
           data={"email": "new@adatum.test", "customer": "Adatum Corporation"})
    client.force_login(customer_admin)
    html = recent(client.get("/o/adatum/").content.decode())
    assert f"{provider_admin.email} added the user new@adatum.test to Adatum Corporation" in html


def _many_events(contoso, adatum, provider_admin, offers, n):
    for _ in range(n):
        sub = factories.SubscriptionFactory(customer=adatum, offer=offers["basic"])
        order = factories.OrderFactory(provider=contoso, customer=adatum, status="failed")
        record(actor=provider_admin, organization=contoso, action="subscription.suspended",
               target=sub, data={"offer": "Business Basic", "customer": "Adatum"})
        record(actor=None, organization=contoso, action="order.failed", target=order,
               data={"customer": "Adatum", "error": "x"})
        record(actor=provider_admin, organization=contoso, action="customer.created",
               target=adatum)


def test_the_dashboard_query_count_does_not_grow_with_its_rows(
        client, contoso, adatum, provider_admin, offers, django_assert_max_num_queries):
    client.force_login(provider_admin)
    _many_events(contoso, adatum, provider_admin, offers, 1)
    with CaptureQueriesContext(connection) as few:
        client.get("/o/contoso/")
    _many_events(contoso, adatum, provider_admin, offers, 4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/o/contoso/").content.decode()
    assert html.count("could not provision") == 3  # 8 rows, of the 12 latest events
    with django_assert_max_num_queries(25):
        client.get("/o/contoso/")


# ------------------------------------------------------------------ waiting, failed, due


def test_renewals_due_within_days(contoso, northwind, adatum, offers):
    today = datetime.date(2026, 6, 1)

    def sub(days, **kwargs):
        return factories.SubscriptionFactory(
            customer=adatum, offer=offers["basic"], reseller_of_record=northwind,
            term_end=today + datetime.timedelta(days=days), **kwargs)

    due = [sub(30), sub(0)]
    sub(31)
    sub(-1)
    sub(5, auto_renew=False)
    sub(5, status="suspended")
    uncredited = factories.SubscriptionFactory(customer=adatum, offer=offers["basic"],
                                               term_end=today + datetime.timedelta(days=3))
    assert list(subscriptions_renewing_within(organization=contoso, days=30, today=today)
                ) == [due[1], uncredited, due[0]]
    assert list(subscriptions_renewing_within(organization=northwind, days=30,
                                              today=today)) == due[::-1]
    assert not subscriptions_renewing_within(organization=adatum.organization, days=30,
                                             today=today).exists()


def test_the_provider_sees_waiting_requests_failed_orders_and_renewals(
        client, contoso, provider_admin, adatum, offers):
    invitation_create(provider=contoso, email="someone@wingtip.test", name="Wingtip",
                      created_by=provider_admin)
    order = factories.OrderFactory(provider=contoso, customer=adatum, status="failed")
    due = factories.SubscriptionFactory(
        customer=adatum, offer=offers["basic"],
        term_end=timezone.localdate() + datetime.timedelta(days=10))
    client.force_login(provider_admin)
    html = client.get("/o/contoso/").content.decode()
    assert "Wingtip (someone@wingtip.test)" in html
    assert 'href="/o/contoso/resellers/invitations/?status=pending"' in html
    assert f'href="/o/contoso/orders/{order.pk}/confirmation/">Retry' in html
    assert f"/subscriptions/{due.pk}/\">Business Basic for Adatum Corporation, 5 licenses" in html


def test_empty_states_in_both_languages(client, contoso, provider_admin):
    client.force_login(provider_admin)
    html = client.get("/o/contoso/").content.decode()
    assert "No partnership request is waiting for an answer." in html
    assert "No order has failed." in html
    assert "No subscription renews in the next 30 days." in html
    html = client.get("/o/contoso/", headers={"accept-language": "zh-hans"}).content.decode()
    assert "没有订单失败。" in html


def test_the_reseller_sees_its_renewals_linked_where_it_manages_the_customer(
        client, contoso, northwind, reseller_admin, adatum, offers):
    mine = factories.SubscriptionFactory(
        customer=adatum, offer=offers["basic"], reseller_of_record=northwind,
        term_end=timezone.localdate() + datetime.timedelta(days=3))
    other = factories.CustomerFactory(provider=contoso, organization__name="Litware")
    factories.SubscriptionFactory(
        customer=other, offer=offers["standard"], reseller_of_record=northwind,
        term_end=timezone.localdate() + datetime.timedelta(days=4))
    client.force_login(reseller_admin)
    html = client.get("/o/northwind/").content.decode()
    assert f"/subscriptions/{mine.pk}/\">Business Basic for Adatum Corporation" in html
    assert "<li class=\"py-1\">Business Standard for Litware" in html


def test_the_audit_log_tells_each_event_too(client, contoso, adatum, provider_admin, offers,
                                            django_assert_max_num_queries):
    _many_events(contoso, adatum, provider_admin, offers, 10)
    client.force_login(provider_admin)
    with django_assert_max_num_queries(15):
        html = client.get("/o/contoso/audit/").content.decode()
    assert html.count("You suspended") == 10
    assert '<code class="d-block small">order.failed</code>' in html


def test_the_cards_say_how_many_in_all(client, contoso, provider_admin, adatum, offers):
    for n in range(7):
        invitation_create(provider=contoso, email=f"r{n}@wingtip.test", created_by=provider_admin)
    for _ in range(12):
        factories.SubscriptionFactory(customer=adatum, offer=offers["basic"],
                                      term_end=timezone.localdate() + datetime.timedelta(days=9))
    client.force_login(provider_admin)
    html = client.get("/o/contoso/").content.decode()
    assert "All 7 waiting requests" in html
    assert "12 renewals due in all" in html
