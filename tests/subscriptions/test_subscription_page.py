"""The subscription detail page: who sees it, what it shows, the Designated support contact
and the reseller of record (each audited, with its history on the page)."""

import uuid

from apps.audit.models import AuditEvent
from apps.organizations.roles import Role
from apps.subscriptions.models import Subscription
from tests import factories


def html_of(response):
    return response.content.decode()


def test_the_page_shows_the_subscription(contoso_admin_client, url, subscription):
    response = contoso_admin_client.get(url())
    assert response.status_code == 200
    html = html_of(response)
    assert html.count("<h1") == 1
    assert "<h1>Business Basic</h1>" in html
    assert "<title>Business Basic · Adatum Corporation · Contoso Distribution" in html
    assert 'id="subscription-licenses">5<' in html
    assert 'id="subscription-reseller">Northwind Traders<' in html
    assert 'id="subscription-support-contact">Contoso Distribution<' in html
    assert "Renews on " in html
    # Today is day 2 of the 7-day window: six days left to remove licenses.
    assert "<strong>6 more days</strong>" in html
    for label in ("Designated support contact", "Reseller of record", "Change licenses",
                  "Upgrade", "Suspend", "Turn auto-renew off", "History"):
        assert label in html
    # Several forms, each with its own field ids.
    assert html.count('id="support_contact-id_support_contact"') == 0
    assert 'id="support_contact-support_contact"' in html
    assert 'id="licenses-quantity"' in html


def test_the_customers_subscriptions_page_links_to_it(contoso_admin_client, subscription, customer):
    html = html_of(contoso_admin_client.get(f"/o/contoso/customers/{customer.pk}/subscriptions/"))
    assert html.count("<h1") == 1
    assert (f'href="/o/contoso/customers/{customer.pk}/subscriptions/{subscription.pk}/"'
            in html)
    assert 'aria-current="page" href="/o/contoso/customers/' in html  # the Subscriptions tab
    assert "Renews on " in html


def test_the_delegated_reseller_changes_licenses_and_renewal_only(client, reseller_admin, url):
    client.force_login(reseller_admin)
    html = html_of(client.get(url(slug="northwind")))
    assert "<h1>Business Basic</h1>" in html
    assert "Change licenses" in html
    assert "Turn auto-renew off" in html
    assert 'name="support_contact"' not in html
    assert "Suspend" not in html
    # The provider's decisions posted anyway: these pages do not exist for resellers.
    response = client.post(url("support-contact", slug="northwind"),
                           {"support_contact": str(reseller_admin.pk)})
    assert response.status_code == 404


def test_the_reseller_sees_who_changed_things_by_organization(client, contoso_admin_client, url,
                                                              reseller_admin, fabrikam_partnered):
    contoso_admin_client.post(url("support-contact"),
                              {"support_contact": str(fabrikam_partnered.pk)})
    client.force_login(reseller_admin)
    html = html_of(client.get(url(slug="northwind")))
    history = html[html.index('id="subscription-history"'):]
    assert "Designated support contact: Contoso Distribution → Fabrikam Solutions." in history
    assert "admin@contoso.test" not in history  # a provider's staff stay the provider's
    assert "<td>Contoso Distribution</td>" in history


def test_helpdesk_reads_it_but_changes_nothing(client, provider_helpdesk, url, subscription,
                                               fabrikam_partnered, key):
    client.force_login(provider_helpdesk)
    html = html_of(client.get(url()))
    assert "Change licenses" not in html
    assert 'name="support_contact"' not in html
    posts = {
        "support-contact": {"support_contact": str(fabrikam_partnered.pk)},
        "reseller-of-record": {"reseller_of_record": str(fabrikam_partnered.pk)},
        "licenses": {"quantity": "6", "idempotency_key": key()},
        "upgrade": {"offer": str(subscription.offer.upgrades_to.get().pk),
                    "idempotency_key": key()},
        "suspend": {"idempotency_key": key()},
        "reactivate": {"idempotency_key": key()},
        "auto-renew": {"auto_renew": "off", "idempotency_key": key()},
    }
    for action, data in posts.items():
        assert client.post(url(action), data).status_code == 403, action
    before = Subscription.objects.values().get(pk=subscription.pk)
    assert Subscription.objects.values().get(pk=subscription.pk) == before
    assert not AuditEvent.objects.filter(action__startswith="subscription.").exists()


def test_another_providers_subscription_is_not_found(client, outsider, url, subscription,
                                                     provider):
    client.force_login(outsider)
    assert client.get(url(slug="tailspin")).status_code == 404
    assert client.get(url()).status_code == 404
    # Tailspin's own customer, with Contoso's subscription id in the URL: still 404.
    theirs = factories.CustomerFactory(provider=outsider.memberships.get().organization)
    path = f"/o/tailspin/customers/{theirs.pk}/subscriptions/{subscription.pk}/"
    assert client.get(path).status_code == 404
    assert client.post(path + "support-contact/",
                       {"support_contact": str(provider.pk)}).status_code == 404


def test_a_subscription_of_another_customer_is_not_found(contoso_admin_client, subscription,
                                                         provider):
    other = factories.CustomerFactory(provider=provider)
    path = f"/o/contoso/customers/{other.pk}/subscriptions/{subscription.pk}/"
    assert contoso_admin_client.get(path).status_code == 404
    assert contoso_admin_client.post(path + "licenses/", {"quantity": "9"}).status_code == 404
    subscription.refresh_from_db()
    assert subscription.quantity == 5


def test_junk_ids_are_not_found(contoso_admin_client, customer):
    for path in (f"/o/contoso/customers/{customer.pk}/subscriptions/not-a-uuid/",
                 f"/o/contoso/customers/{customer.pk}/subscriptions/{uuid.uuid4()}/",
                 f"/o/contoso/customers/{uuid.uuid4()}/subscriptions/{uuid.uuid4()}/"):
        assert contoso_admin_client.get(path).status_code == 404, path
    path = f"/o/contoso/customers/{customer.pk}/subscriptions/{uuid.uuid4()}/licenses/"
    assert contoso_admin_client.post(path, {"quantity": "3"}).status_code == 404


def test_get_on_a_change_url_is_not_allowed(contoso_admin_client, url):
    assert contoso_admin_client.get(url("licenses")).status_code == 405


# ------------------------------------------------------------------ support contact


def test_fabrikam_becomes_the_designated_support_contact(contoso_admin_client, url, subscription,
                                                         fabrikam_partnered, provider_admin,
                                                         provider):
    html = html_of(contoso_admin_client.get(url()))
    assert f'<option value="{provider.pk}" selected>Contoso Distribution</option>' in html
    assert f'<option value="{fabrikam_partnered.pk}">Fabrikam Solutions</option>' in html

    response = contoso_admin_client.post(url("support-contact"),
                                         {"support_contact": str(fabrikam_partnered.pk)},
                                         follow=True)
    html = html_of(response)
    assert response.redirect_chain[-1][0] == url()
    assert "Fabrikam Solutions is now the designated support contact." in html
    assert 'id="subscription-support-contact">Fabrikam Solutions<' in html
    assert "Designated support contact: Contoso Distribution → Fabrikam Solutions." in html
    assert "admin@contoso.test" in html  # who did it, in the page's history
    subscription.refresh_from_db()
    assert subscription.support_contact == fabrikam_partnered
    event = AuditEvent.objects.get(action="subscription.support_contact_changed")
    assert event.organization == provider
    assert event.actor == provider_admin
    assert event.target_id == str(subscription.pk)
    assert event.data["from"] == "Contoso Distribution"
    assert event.data["to"] == "Fabrikam Solutions"
    # ... and in the provider's audit log.
    log = html_of(contoso_admin_client.get("/o/contoso/audit/"))
    assert "subscription.support_contact_changed" in log


def test_the_provider_can_take_support_back(contoso_admin_client, url, subscription,
                                            fabrikam_partnered, provider):
    subscription.support_contact = fabrikam_partnered
    subscription.save()
    contoso_admin_client.post(url("support-contact"), {"support_contact": str(provider.pk)})
    subscription.refresh_from_db()
    assert subscription.support_contact == provider


def test_a_support_contact_that_is_not_a_partner_is_refused(contoso_admin_client, url, subscription,
                                                            stranger_reseller, other_provider,
                                                            customer):
    for value in (str(stranger_reseller.pk), str(other_provider.pk),
                  str(customer.organization.pk), str(uuid.uuid4()), "junk", "\x00", "",
                  "x" * 5000):
        response = contoso_admin_client.post(url("support-contact"), {"support_contact": value})
        assert response.status_code == 400, value
        html = html_of(response)
        assert "is-invalid" in html
        assert ("Choose your own organization or one of your partnered indirect resellers."
                in html or "Choose the designated support contact." in html), value
    subscription.refresh_from_db()
    assert subscription.support_contact.name == "Contoso Distribution"
    assert not AuditEvent.objects.filter(action="subscription.support_contact_changed").exists()


def test_a_reseller_whose_partnership_ended_is_refused(contoso_admin_client, url, subscription,
                                                       fabrikam_partnered):
    from apps.partnerships.models import Partnership

    Partnership.objects.filter(reseller=fabrikam_partnered).update(status="ended")
    response = contoso_admin_client.post(url("support-contact"),
                                         {"support_contact": str(fabrikam_partnered.pk)})
    assert response.status_code == 400
    subscription.refresh_from_db()
    assert subscription.support_contact.name == "Contoso Distribution"


def test_choosing_the_current_contact_again_says_so(contoso_admin_client, url, provider):
    response = contoso_admin_client.post(url("support-contact"),
                                         {"support_contact": str(provider.pk)})
    assert response.status_code == 400
    assert "Contoso Distribution is already the designated support contact." in html_of(response)


# ------------------------------------------------------------------ reseller of record


def test_the_reseller_of_record_changes_to_fabrikam_then_to_none(contoso_admin_client, url,
                                                                 subscription, fabrikam_partnered):
    response = contoso_admin_client.post(url("reseller-of-record"),
                                         {"reseller_of_record": str(fabrikam_partnered.pk)},
                                         follow=True)
    assert "Fabrikam Solutions is now the reseller of record." in html_of(response)
    subscription.refresh_from_db()
    assert subscription.reseller_of_record == fabrikam_partnered
    contoso_admin_client.post(url("reseller-of-record"), {"reseller_of_record": ""})
    subscription.refresh_from_db()
    assert subscription.reseller_of_record is None
    html = html_of(contoso_admin_client.get(url()))
    assert "Reseller of record: Northwind Traders → Fabrikam Solutions." in html
    assert "Reseller of record: Fabrikam Solutions → none." in html
    assert AuditEvent.objects.filter(action="subscription.reseller_of_record_changed").count() == 2


def test_a_reseller_of_record_that_is_not_a_partner_is_refused(contoso_admin_client, url,
                                                               subscription, stranger_reseller):
    response = contoso_admin_client.post(url("reseller-of-record"),
                                         {"reseller_of_record": str(stranger_reseller.pk)})
    assert response.status_code == 400
    assert "Choose one of your partnered indirect resellers." in html_of(response)
    subscription.refresh_from_db()
    assert subscription.reseller_of_record.name == "Northwind Traders"


def test_sales_agents_change_things_too(client, provider, url, subscription, fabrikam_partnered):
    client.force_login(factories.member(provider, Role.SALES))
    client.post(url("support-contact"), {"support_contact": str(fabrikam_partnered.pk)})
    subscription.refresh_from_db()
    assert subscription.support_contact == fabrikam_partnered


def test_the_page_keeps_a_fixed_number_of_queries(contoso_admin_client, url, subscription,
                                                  fabrikam_partnered, provider,
                                                  django_assert_max_num_queries):
    for _ in range(20):
        factories.PartnershipFactory(provider=provider)
    for n in range(30):
        contoso_admin_client.post(url("reseller-of-record"), {
            "reseller_of_record": str(fabrikam_partnered.pk) if n % 2 else ""})
    with django_assert_max_num_queries(14):
        response = contoso_admin_client.get(url())
    assert html_of(response).count("Reseller of record: ") == 30
