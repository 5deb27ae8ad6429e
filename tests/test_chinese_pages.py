"""The main pages of every kind of workspace, and the public ones, in 简体中文.

A page fails when its visible text (and the labels assistive technology reads) holds a
run of three or more English words once names, e-mail addresses, codes and URLs are
taken out: a string someone forgot to mark for translation, or left untranslated.
"""

import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

from apps.customers.models import Customer
from apps.organizations.models import Organization
from apps.partnerships.models import Partnership, PartnershipInvitation
from apps.partnerships.services import invitation_create
from apps.partnerships.tokens import invitation_link
from apps.subscriptions.models import Subscription
from tests import factories

ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’.-]*(?:[ \t\n]+[A-Za-z][A-Za-z'’.-]*){2,}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL = re.compile(r"(?:https?://|/)[^\s\"'<>]*")
VISIBLE_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")


class _Text(HTMLParser):
    """The text a reader sees or hears: element text (not scripts or styles) and labels."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.skip += 1
        for name, value in attrs:
            if name in VISIBLE_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def data_names():
    """Names the data holds (organizations, people, offers, addresses) and what people wrote
    (a partnership request's saved draft, written in the language of whoever made it):
    never translated."""
    from django.contrib.auth import get_user_model

    from apps.catalog.models import Offer
    from apps.resellers.models import Reseller

    names = set(Organization.objects.values_list("name", flat=True))
    for offer in Offer.objects.all():
        names.update([offer.name, offer.description])
    for user in get_user_model().objects.all():
        names.update([user.first_name, user.last_name, user.get_full_name()])
    for customer in Customer.objects.all():
        names.update([customer.contact_first_name, customer.contact_last_name,
                      customer.street, customer.city])
    for reseller in Reseller.objects.all():
        names.update([reseller.contact_name, reseller.address])
    for invitation in PartnershipInvitation.objects.all():
        names.update([invitation.subject, *invitation.message.splitlines()])
    return sorted((n for n in names if n), key=len, reverse=True)


def english_runs(html, names):
    parser = _Text()
    parser.feed(html)
    text = " ¤ ".join(parser.parts)
    for name in names:
        text = text.replace(name, " ¤ ")
    text = URL.sub(" ¤ ", EMAIL.sub(" ¤ ", text))
    return sorted({" ".join(run.split()) for run in ENGLISH_RUN.findall(text)})


@pytest.fixture
def demo_customers(db, settings):
    """The demo data of `make run`; returns Adatum and Wide World Importers."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    call_command("seed_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {
        "adatum": Customer.objects.get(domain_prefix="adatum"),
        "wwi": Customer.objects.get(domain_prefix="wideworldimporters"),
    }


def signed_in(client, email):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(email=email)
    user.language = "zh-hans"  # the saved preference, against an English browser
    user.save(update_fields=["language"])
    client.force_login(user)
    return user


def check(client, paths, names, **headers):
    problems = {}
    for path in paths:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        html = response.content.decode()
        assert '<html lang="zh-Hans">' in html, f"{path}: not marked as Chinese"
        runs = english_runs(html, names)
        if runs:
            problems[path] = runs
    assert not problems, problems


def test_public_pages_follow_the_browsers_chinese(client, demo_customers):
    provider = Organization.objects.get(slug="contoso")
    invitation = invitation_create(provider=provider, email="someone@new.test", name="",
                                   created_by=provider.memberships.first().user)
    link = invitation_link(invitation).split("127.0.0.1:8000", 1)[1]
    check(client, ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/",
                   "/directory/", "/directory/?country=US", "/resellers/enrol/", link],
          data_names(), accept_language="zh-CN,zh;q=0.9,en;q=0.5")


def test_provider_pages(client, demo_customers):
    signed_in(client, "provider@contoso.test")
    adatum = demo_customers["adatum"]
    subscription = Subscription.objects.filter(customer=adatum).first()
    contoso = Organization.objects.get(slug="contoso")
    invitation = invitation_create(provider=contoso, email="new@reseller.test", name="",
                                   created_by=contoso.memberships.first().user)
    partnership = Partnership.objects.get(provider=contoso)
    order = factories.OrderFactory(provider=contoso, customer=adatum,
                                   submitted_by=contoso.memberships.first().user)
    base = "/o/contoso/"
    customer = f"{base}customers/{adatum.pk}/"
    check(client, [
        base, f"{base}resellers/", f"{base}resellers/invitations/", f"{base}resellers/request/",
        f"{base}resellers/invitations/{invitation.pk}/draft/",
        f"{base}resellers/partnerships/{partnership.pk}/end/",
        f"{base}customers/", f"{base}customers/?reseller={adatum.reseller_id}", customer,
        f"{customer}subscriptions/", f"{customer}subscriptions/new/",
        f"{customer}subscriptions/{subscription.pk}/", f"{base}customers/new/details/",
        f"{base}customers/{demo_customers['wwi'].pk}/reseller-request/",
        f"{base}orders/", f"{base}orders/{order.pk}/confirmation/",
        f"{base}profile/", f"{base}profile/request/", f"{base}support/",
        f"{base}team/", f"{base}team/invite/", f"{base}audit/",
        f"{base}analytics/", f"{base}analytics/?period=month&month=13",
    ], data_names(), accept_language="en")


def test_reseller_pages(client, demo_customers):
    signed_in(client, "reseller@northwind.test")
    adatum = demo_customers["adatum"]
    subscription = Subscription.objects.filter(customer=adatum).first()
    base = "/o/northwind/"
    check(client, [
        base, f"{base}providers/", f"{base}incentives/", f"{base}customers/",
        f"{base}customers/{adatum.pk}/", f"{base}customers/{adatum.pk}/subscriptions/",
        f"{base}customers/{adatum.pk}/subscriptions/{subscription.pk}/",
        f"{base}support/", f"{base}team/", f"{base}audit/", f"{base}analytics/",
    ], data_names(), accept_language="en")


def test_customer_pages(client, demo_customers, settings):
    signed_in(client, f"admin@adatum.{settings.CUSTOMER_DOMAIN_SUFFIX}")
    base = "/o/adatum/"
    check(client, [base, f"{base}subscriptions/", f"{base}partners/", f"{base}support/",
                   f"{base}support/new/", f"{base}team/"], data_names(), accept_language="en")


def test_the_check_finds_english():
    html = ('<html><body><h1>Indirect resellers</h1><p>间接经销商 Contoso Distribution</p>'
            '<a href="/x" aria-label="Open the menu">x</a></body></html>')
    assert english_runs(html, ["Contoso Distribution"]) == ["Open the menu"]

