"""Demo data for trying the portal: idempotent, safe to run again."""

import os
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from apps.catalog.models import Offer
from apps.customers.models import Customer
from apps.organizations.models import Membership, Organization
from apps.organizations.roles import Kind, Role
from apps.organizations.services import organization_create
from apps.partnerships.services import partnership_create
from apps.providers.models import Provider
from apps.resellers.models import Reseller
from apps.subscriptions.models import Subscription

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

    def handle(self, *args, **options):
        self.password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        with transaction.atomic():
            self.seed()
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
        self.stdout.write(f"Password for every demo user: {self.password}")

    # ------------------------------------------------------------------ helpers

    def user(self, email, *, first="", last="", staff=False):
        User = get_user_model()
        user, _ = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last})
        user.is_staff = user.is_superuser = staff
        user.set_password(self.password)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True})
        return user

    def organization(self, kind, name, slug, country):
        org = Organization.objects.filter(slug=slug).first()
        return org or organization_create(kind=kind, name=name, slug=slug, country=country)

    def member(self, org, user, role):
        Membership.objects.get_or_create(organization=org, user=user, defaults={"role": role})

    # ------------------------------------------------------------------ data

    def seed(self):
        self.user("admin@partnercenter.test", first="Platform", last="Operator", staff=True)
        offers = self.seed_offers()

        contoso = self.organization(Kind.PROVIDER, "Contoso Distribution", "contoso", "US")
        Provider.objects.get_or_create(organization=contoso, defaults={"partner_id": "1000001"})
        self.member(contoso, self.user("provider@contoso.test", first="Cora", last="Contoso"),
                    Role.ADMIN)
        self.member(contoso, self.user("sales@contoso.test", first="Sam", last="Sales"),
                    Role.SALES)

        tailspin = self.organization(Kind.PROVIDER, "Tailspin Cloud", "tailspin", "GB")
        Provider.objects.get_or_create(organization=tailspin, defaults={"partner_id": "1000002"})
        self.member(tailspin, self.user("provider@tailspin.test", first="Tara", last="Tailspin"),
                    Role.ADMIN)
        self.seed_directory(contoso, tailspin)

        approved = Reseller.EnrollmentStatus.APPROVED
        fabrikam = self.organization(Kind.RESELLER, "Fabrikam Solutions", "fabrikam", "DE")
        Reseller.objects.get_or_create(organization=fabrikam, defaults={
            "partner_id": "2000001", "enrollment_status": approved,
            "enrollment_decided_at": timezone.now(), "contact_name": "Frida Fabrikam",
            "contact_email": "reseller@fabrikam.test", "address": "Hauptstraße 1, 10115 Berlin"})
        self.member(fabrikam, self.user("reseller@fabrikam.test", first="Frida", last="Fabrikam"),
                    Role.ADMIN)

        northwind = self.organization(Kind.RESELLER, "Northwind Traders", "northwind", "US")
        Reseller.objects.get_or_create(organization=northwind, defaults={
            "partner_id": "2000002", "enrollment_status": approved,
            "enrollment_decided_at": timezone.now(), "contact_name": "Nina Northwind",
            "contact_email": "reseller@northwind.test", "address": "1 Harbor Way, Seattle"})
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
        from apps.providers.logos import placeholder_logo
        from apps.providers.services import directory_publish, logo_store

        for org, locations, colours in [
            (contoso, [("US", "https://contoso.example/us")], ("#0b3d6e", "#ffd43b")),
            (tailspin, [("GB", "https://tailspin.example/uk"),
                        ("IE", "https://tailspin.example/ie")], ("#1b7f5a", "#ffffff")),
        ]:
            provider = Provider.objects.get(organization=org)
            if provider.directory_published_at is None:
                directory_publish(provider=provider, company_name=org.name, locations=locations,
                                  logo=logo_store(logo=placeholder_logo(*colours)))

    def seed_offers(self):
        offers = {}
        for code, name, billing, term, price, low, high, _ in OFFERS:
            offers[code], _created = Offer.objects.update_or_create(code=code, defaults={
                "name": name, "billing_period": billing, "term_months": term,
                "unit_price": Decimal(price), "min_licenses": low, "max_licenses": high,
                "currency": "USD", "is_active": True,
                "description": f"{name}, billed {billing}, {term}-month term."})
        for code, *_rest, upgrades in OFFERS:
            offers[code].upgrades_to.set([offers[u] for u in upgrades])
        return offers

    def customer(self, provider, reseller, name, prefix, country, lines):
        org = self.organization(Kind.CUSTOMER, name, prefix, country)
        customer, created = Customer.objects.get_or_create(organization=org, defaults={
            "provider": provider, "reseller": reseller, "domain_prefix": prefix,
            "status": Customer.Status.ACTIVE, "contact_email": f"it@{prefix}.example",
            "contact_first_name": "Alex", "contact_last_name": name.split()[0]})
        admin = self.user(f"admin@{prefix}.{settings.CUSTOMER_DOMAIN_SUFFIX}")
        self.member(org, admin, Role.ADMIN)
        if created:
            today = timezone.localdate()
            for offer, quantity in lines:
                Subscription.objects.create(
                    customer=customer, offer=offer, quantity=quantity,
                    reseller_of_record=reseller, support_contact=reseller or provider,
                    term_start=today - timedelta(days=30),
                    term_end=today - timedelta(days=30) + timedelta(days=30 * offer.term_months))
