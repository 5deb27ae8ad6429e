"""Demo data for trying the portal: idempotent, safe to run again.

It refuses to run with DEBUG off unless given --force, and never changes the password of a
user that exists already: only the demo users it creates get DEMO_PASSWORD."""

import os
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from apps.analytics.services import rollup_rebuild
from apps.catalog.services import offer_upsert
from apps.customers.services import CustomerStatus, customer_create
from apps.orders.services import orders_record_imported
from apps.organizations.roles import Role
from apps.organizations.selectors import organization_get_by_slug
from apps.organizations.services import membership_add
from apps.partnerships.services import partnership_create
from apps.providers.selectors import provider_profile
from apps.providers.services import directory_publish, logo_store_placeholder, provider_create
from apps.resellers.services import EnrollmentStatus, reseller_create
from apps.subscriptions.services import subscription_create

DEFAULT_PASSWORD = "Demo-pass-2026"

# code, name, billing, term, price, min, max, upgrades to
OFFERS = [
    ("m365-business-basic", "Microsoft 365 Business Basic", "monthly", 12, "6.00", 1, 300,
     ["m365-business-standard"]),
    ("m365-business-standard", "Microsoft 365 Business Standard", "monthly", 12, "12.50", 1, 300,
     ["m365-business-premium"]),
    ("m365-business-premium", "Microsoft 365 Business Premium", "monthly", 12, "22.00", 1, 300,
     []),
    ("m365-apps-business", "Microsoft 365 Apps for business", "monthly", 12, "8.25", 1, 300,
     ["m365-business-standard"]),
    ("o365-e3", "Office 365 E3", "annual", 12, "23.00", 1, 10000, ["m365-e5"]),
    ("m365-e5", "Microsoft 365 E5", "annual", 12, "57.00", 1, 10000, []),
    ("exchange-online-plan-1", "Exchange Online (Plan 1)", "monthly", 12, "4.00", 1, 10000,
     ["m365-business-basic"]),
    ("teams-essentials", "Microsoft Teams Essentials", "monthly", 12, "4.00", 1, 300, []),
    ("azure-plan", "Azure plan", "monthly", 1, "0.00", 1, 1, []),
]


class Command(BaseCommand):
    help = "Create demo organizations, users, offers, customers and subscriptions (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="Run even with DEBUG off (a production configuration).")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates demo organizations and users with a known password, and "
                "DEBUG is off (a production configuration). Run it with --force if this "
                "really is a trial installation.")
        self.password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        self.kept: list[str] = []
        with transaction.atomic():
            self.seed()
            # The analytics pages count the orders: the demo customers' ones included.
            rollup_rebuild()
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Sign in at /accounts/login/ with:"))
        for email, what in [
            ("admin@partnercenter.test", "platform operator (Django admin at /admin/)"),
            ("provider@contoso.test", "Contoso Distribution, provider admin"),
            ("sales@contoso.test", "Contoso Distribution, sales agent"),
            ("reseller@northwind.test", "Northwind Traders, reseller admin (partnered)"),
            ("reseller@fabrikam.test", "Fabrikam Solutions, reseller admin (not partnered)"),
            ("provider@tailspin.test", "Tailspin Cloud, another provider"),
            (f"admin@adatum.{settings.CUSTOMER_DOMAIN_SUFFIX}",
             "Adatum Corporation, customer admin"),
        ]:
            self.stdout.write(f"  {email:<36} {what}")
        self.stdout.write(f"Password for every demo user created now: {self.password}")
        if self.kept:
            self.stdout.write("These users existed already and keep their password: "
                              + ", ".join(self.kept))

    # ------------------------------------------------------------------ helpers

    def user(self, email, *, first="", last="", staff=False):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last})
        if created:
            user.is_staff = user.is_superuser = staff
            user.set_password(self.password)
            user.save()
        elif email not in self.kept:
            self.kept.append(email)  # an existing account is left as it is
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True})
        return user

    def member(self, org, user, role):
        # The founding members of demo organizations, like an enrolment's applicant: no
        # "member added" event.
        membership_add(organization=org, user=user, role=role, audit=False)

    def provider(self, name, slug, country, partner_id):
        return organization_get_by_slug(slug=slug) or provider_create(
            name=name, slug=slug, country=country, partner_id=partner_id)

    def reseller(self, name, slug, country, partner_id, **details):
        return organization_get_by_slug(slug=slug) or reseller_create(
            name=name, slug=slug, country=country, partner_id=partner_id,
            enrollment_status=EnrollmentStatus.APPROVED, enrollment_decided_at=timezone.now(),
            **details)

    # ------------------------------------------------------------------ data

    def seed(self):
        self.user("admin@partnercenter.test", first="Platform", last="Operator", staff=True)
        offers = self.seed_offers()

        contoso = self.provider("Contoso Distribution", "contoso", "US", "1000001")
        self.member(contoso, self.user("provider@contoso.test", first="Cora", last="Contoso"),
                    Role.ADMIN)
        self.member(contoso, self.user("sales@contoso.test", first="Sam", last="Sales"),
                    Role.SALES)

        tailspin = self.provider("Tailspin Cloud", "tailspin", "GB", "1000002")
        self.member(tailspin, self.user("provider@tailspin.test", first="Tara", last="Tailspin"),
                    Role.ADMIN)
        self.seed_directory(contoso, tailspin)

        fabrikam = self.reseller(
            "Fabrikam Solutions", "fabrikam", "DE", "2000001", contact_name="Frida Fabrikam",
            contact_email="reseller@fabrikam.test", address="Hauptstraße 1, 10115 Berlin")
        self.member(fabrikam, self.user("reseller@fabrikam.test", first="Frida", last="Fabrikam"),
                    Role.ADMIN)

        northwind = self.reseller(
            "Northwind Traders", "northwind", "US", "2000002", contact_name="Nina Northwind",
            contact_email="reseller@northwind.test", address="1 Harbor Way, Seattle")
        self.member(northwind,
                    self.user("reseller@northwind.test", first="Nina", last="Northwind"),
                    Role.ADMIN)
        partnership_create(provider=contoso, reseller=northwind)

        self.customer(contoso, northwind, "Adatum Corporation", "adatum", "US",
                      [(offers["m365-business-standard"], 25), (offers["teams-essentials"], 10)])
        self.customer(contoso, northwind, "Litware Inc.", "litware", "CA",
                      [(offers["o365-e3"], 120), (offers["exchange-online-plan-1"], 15)])
        self.customer(contoso, None, "Wide World Importers", "wideworldimporters", "US",
                      [(offers["m365-business-basic"], 8)])
        self.customer(tailspin, None, "Blue Yonder Airlines", "blueyonder", "GB",
                      [(offers["m365-business-premium"], 40)])

    def seed_directory(self, contoso, tailspin):
        """Published listings, so /directory/ is not empty; once, then left to requests."""
        for org, locations, colours in [
            (contoso, [("US", "https://contoso.example/us")], ("#0b3d6e", "#ffd43b")),
            (tailspin, [("GB", "https://tailspin.example/uk"),
                        ("IE", "https://tailspin.example/ie")], ("#1b7f5a", "#ffffff")),
        ]:
            provider = provider_profile(organization=org)
            if provider.directory_published_at is None:
                colour, accent = colours
                directory_publish(
                    provider=provider, company_name=org.name, locations=locations,
                    logo=logo_store_placeholder(colour=colour, accent=accent))

    def seed_offers(self):
        """Each offer after the offers it upgrades to, so that it is saved once, with its
        upgrade paths (one `catalog.offer_created` event each, none on a second run)."""
        offers: dict[str, Any] = {}
        pending = list(OFFERS)
        while pending:
            ready = [row for row in pending if all(code in offers for code in row[-1])]
            if not ready:
                raise ValueError("OFFERS: the upgrade paths run in a circle.")
            for code, name, billing, term, price, low, high, upgrades in ready:
                offers[code] = offer_upsert(
                    code=code, actor=None, upgrades_to=[offers[u] for u in upgrades],
                    name=name, billing_period=billing, term_months=term,
                    unit_price=Decimal(price), min_licenses=low, max_licenses=high,
                    currency="USD", is_active=True,
                    description=f"{name}, billed {billing}, {term}-month term.")
            pending = [row for row in pending if row[0] not in offers]
        return offers

    def customer(self, provider, reseller, name, prefix, country, lines):
        """A customer with its admin and, when new, its subscriptions, a month into their
        term."""
        org = organization_get_by_slug(slug=prefix)
        if org is None:
            customer = customer_create(
                provider=provider, reseller=reseller, company_name=name, domain_prefix=prefix,
                country=country, contact_email=f"it@{prefix}.example",
                contact_first_name="Alex", contact_last_name=name.split()[0],
                status=CustomerStatus.ACTIVE, actor=None)
            org = customer.organization
            start = timezone.localdate() - timedelta(days=30)
            bought = [subscription_create(
                customer=customer, offer=offer, quantity=quantity,
                reseller_of_record=reseller, support_contact=reseller or provider,
                today=start) for offer, quantity in lines]
            # The New customer order that bought them, completed the day their terms began
            # (Orders, and the analytics pages, show it).
            orders_record_imported(
                provider=provider, customer=customer, reseller=reseller, kind="new_customer",
                subscriptions=bought,
                completed_at=timezone.make_aware(datetime.combine(start, time(12))))
        admin = self.user(f"admin@{prefix}.{settings.CUSTOMER_DOMAIN_SUFFIX}")
        self.member(org, admin, Role.ADMIN)
