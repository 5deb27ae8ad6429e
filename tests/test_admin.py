"""Platform operators work in the Django admin: every model is there, enrolments are approved,
and the admin is no side door: tables are read-only, and what operators do change goes
through a service that records an audit event with the operator as actor."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.audit.services import record
from apps.catalog.models import Offer
from apps.orders.crypto import encrypt
from apps.orders.models import CredentialHandover, OrderLine
from apps.organizations.models import Membership, TeamInvitation
from apps.organizations.roles import Role
from apps.outbox.models import OutboundMail, OutboxMessage
from apps.resellers.models import Reseller
from apps.support.models import SupportMessage, SupportRequest
from tests import factories

LOCAL_APPS = {"accounts", "organizations", "audit", "catalog", "providers", "resellers",
              "partnerships", "customers", "subscriptions", "orders", "relationships",
              "support", "outbox", "billing"}
# Every admin of these apps is read-only (actions aside); the catalog stays editable through
# its service, and the resellers' admin keeps its enrolment decisions.
READ_ONLY_APPS = {"accounts", "organizations", "audit", "customers", "subscriptions", "orders",
                  "support", "providers", "partnerships", "relationships", "outbox",
                  "billing"}


def test_every_model_is_registered_and_its_pages_open(client, signed_in_operator, customer):
    factories.SubscriptionFactory(customer=customer)
    models = [m for m in apps.get_models() if m._meta.app_label in LOCAL_APPS]
    assert models
    for model in models:
        assert admin.site.is_registered(model), f"{model._meta.label} is not in the admin"
        meta = model._meta
        changelist = f"/admin/{meta.app_label}/{meta.model_name}/"
        assert client.get(changelist).status_code == 200, changelist
        assert client.get(changelist + "?q=contoso").status_code == 200, changelist


def test_operator_approves_an_enrolment(client, signed_in_operator):
    applicant = factories.ResellerFactory(extension__enrollment_status="applied")
    response = client.post("/admin/resellers/reseller/", {
        "action": "approve_enrollments", "_selected_action": [str(applicant.pk)]}, follow=True)
    assert response.status_code == 200
    reseller = Reseller.objects.get(organization=applicant)
    assert reseller.enrollment_status == Reseller.EnrollmentStatus.APPROVED
    assert reseller.enrollment_decided_at is not None
    assert "1 enrolment approved." in response.content.decode()


def test_every_admin_of_the_read_only_apps_refuses_add_change_and_delete(rf, operator):
    request = rf.get("/admin/")
    request.user = operator
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in READ_ONLY_APPS:
            continue
        for each in [model_admin, *model_admin.get_inline_instances(request)]:
            label = f"{model._meta.label} ({type(each).__name__})"
            assert each.has_view_permission(request), label
            assert not each.has_add_permission(request), label
            assert not each.has_change_permission(request), label
            assert not each.has_delete_permission(request), label
            checked += 1
    assert checked >= 15


# One row per read-only admin: (the object shown, a search that finds it).
def _user(customer, operator):
    return factories.UserFactory(email="someone@example.test"), "someone"


def _organization(customer, operator):
    return customer.organization, "adatum"


def _membership(customer, operator):
    user = factories.member(customer.organization, Role.ADMIN, email="admin@adatum.test")
    return Membership.objects.get(user=user), "admin@adatum"


def _team_invitation(customer, operator):
    return TeamInvitation.objects.create(
        organization=customer.organization, email="new@adatum.test", role=Role.USER,
        expires_at=timezone.now() + timedelta(days=7)), "new@adatum"


def _customer(customer, operator):
    return customer, "adatum"


def _subscription(customer, operator):
    return factories.SubscriptionFactory(customer=customer), "adatum"


def _order(customer, operator):
    return factories.OrderFactory(provider=customer.provider, customer=customer), "adatum"


def _order_line(customer, operator):
    order, _ = _order(customer, operator)
    return OrderLine.objects.create(order=order, offer=factories.OfferFactory(), quantity=3,
                                    unit_price="10.00", currency="USD"), "adatum"


def _handover(customer, operator):
    order, _ = _order(customer, operator)
    return CredentialHandover.objects.create(
        order=order, for_user=operator, username="admin@adatum.onpartnercenter.test",
        secret=encrypt("Temporary-Secret-2026")), "admin@adatum"


def _support_request(customer, operator):
    return SupportRequest.objects.create(customer=customer.organization,
                                         handled_by=customer.reseller,
                                         title="Mailbox quota"), "quota"


def _support_message(customer, operator):
    support_request, _ = _support_request(customer, operator)
    return SupportMessage.objects.create(request=support_request, body="Still full",
                                         author_organization=customer.organization), "quota"


def _audit_event(customer, operator):
    return record(actor=None, organization=customer.organization, action="test.happened",
                  target=customer), "test.happened"


def _provider(customer, operator):
    return customer.provider.provider, "contoso"


def _outbox_message(customer, operator):
    return OutboxMessage.objects.create(task="apps.support.tasks.send_support_notification",
                                        idempotency_key="support-message:1:notify"), "support"


def _outbound_mail(customer, operator):
    return OutboundMail.objects.create(
        idempotency_key="support-message:1:support_update:admin@adatum.test",
        event="support-message:1", template="support_update", recipient="admin@adatum.test",
        language="en", subject="Your request was answered", body_text="secret link",
        status="failed", last_error="SMTPServerDisconnected"), "admin@adatum"


READ_ONLY = [_user, _organization, _membership, _team_invitation, _customer, _subscription,
             _order, _order_line, _handover, _support_request, _support_message, _audit_event,
             _provider, _outbox_message, _outbound_mail]


@pytest.mark.parametrize("build", READ_ONLY, ids=lambda build: build.__name__.strip("_"))
def test_operator_reads_every_row_but_cannot_add_change_or_delete(client, signed_in_operator,
                                                                  customer, build):
    obj, search = build(customer, signed_in_operator)
    meta = obj._meta
    name = f"admin:{meta.app_label}_{meta.model_name}"
    changelist = reverse(f"{name}_changelist")
    change = reverse(f"{name}_change", args=[obj.pk])
    add = reverse(f"{name}_add")
    delete = reverse(f"{name}_delete", args=[obj.pk])

    page = client.get(change)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert 'name="_continue"' not in html
    assert client.post(change, {}).status_code == 403
    assert client.get(add).status_code == 403
    assert client.post(add, {}).status_code == 403
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(changelist, {"action": "delete_selected", "_selected_action": [str(obj.pk)],
                             "post": "yes"})
    assert type(obj).objects.filter(pk=obj.pk).exists()

    listing = client.get(changelist, {"q": search})
    assert listing.status_code == 200
    assert change in listing.content.decode(), "the search does not find the row"


def test_the_handover_never_shows_its_secret(client, signed_in_operator, customer):
    handover, _ = _handover(customer, signed_in_operator)
    for url in [reverse("admin:orders_credentialhandover_change", args=[handover.pk]),
                reverse("admin:orders_credentialhandover_changelist")]:
        html = client.get(url).content.decode()
        assert handover.username in html
        assert handover.secret not in html
        assert "Temporary-Secret-2026" not in html
        assert "secret (encrypted)" not in html


def _act(client, changelist, action, *objs):
    return client.post(changelist, {"action": action,
                                    "_selected_action": [str(obj.pk) for obj in objs]},
                       follow=True)


def test_operator_deactivates_and_reactivates_an_organization(client, signed_in_operator, customer,
                                                              customer_admin):
    org = customer.organization
    changelist = reverse("admin:organizations_organization_changelist")

    response = _act(client, changelist, "deactivate", org)
    assert "1 organization deactivated." in response.content.decode()
    org.refresh_from_db()
    assert not org.is_active
    event = AuditEvent.objects.get(action="organization.deactivated")
    assert (event.actor, event.organization, event.target_id) == (signed_in_operator, org,
                                                                  str(org.pk))

    response = _act(client, changelist, "deactivate", org)
    assert "Already inactive." in response.content.decode()
    assert AuditEvent.objects.filter(action="organization.deactivated").count() == 1

    member = Client()
    member.force_login(customer_admin)
    dashboard = reverse("portal:dashboard", kwargs={"org_slug": org.slug})
    assert member.get(dashboard).status_code == 404

    response = _act(client, changelist, "reactivate", org)
    assert "1 organization reactivated." in response.content.decode()
    org.refresh_from_db()
    assert org.is_active
    event = AuditEvent.objects.get(action="organization.reactivated")
    assert (event.actor, event.organization) == (signed_in_operator, org)
    assert member.get(dashboard).status_code == 200


def test_operator_deactivates_and_reactivates_a_user(client, signed_in_operator, customer_admin):
    changelist = reverse("admin:accounts_user_changelist")
    signed_in = Client()
    signed_in.force_login(customer_admin)

    response = _act(client, changelist, "deactivate", customer_admin)
    assert "1 user deactivated." in response.content.decode()
    customer_admin.refresh_from_db()
    assert not customer_admin.is_active
    event = AuditEvent.objects.get(action="account.deactivated")
    assert (event.actor, event.target_id) == (signed_in_operator, str(customer_admin.pk))
    # The open session ends with the account.
    assert signed_in.get(reverse("account_change_password")).status_code == 302

    response = _act(client, changelist, "reactivate", customer_admin)
    assert "1 user reactivated." in response.content.decode()
    customer_admin.refresh_from_db()
    assert customer_admin.is_active
    event = AuditEvent.objects.get(action="account.reactivated")
    assert (event.actor, event.target_id) == (signed_in_operator, str(customer_admin.pk))


def test_operator_cannot_deactivate_their_own_account(client, signed_in_operator):
    response = _act(client, reverse("admin:accounts_user_changelist"), "deactivate",
                    signed_in_operator)
    assert "You cannot deactivate your own account." in response.content.decode()
    signed_in_operator.refresh_from_db()
    assert signed_in_operator.is_active
    assert not AuditEvent.objects.filter(action="account.deactivated").exists()


def test_operator_revokes_a_team_invitation(client, signed_in_operator, customer):
    invitation, _ = _team_invitation(customer, signed_in_operator)
    response = _act(client, reverse("admin:organizations_teaminvitation_changelist"), "revoke",
                    invitation)
    assert "1 invitation revoked." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == TeamInvitation.Status.REVOKED
    event = AuditEvent.objects.get(action="team.invitation_revoked")
    assert (event.actor, event.organization) == (signed_in_operator, customer.organization)


def test_a_staff_member_who_may_only_view_runs_no_action(client, customer):
    viewer = factories.UserFactory(email="viewer@example.test", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_organization"))
    client.force_login(viewer)
    changelist = reverse("admin:organizations_organization_changelist")
    assert client.get(changelist).status_code == 200
    _act(client, changelist, "deactivate", customer.organization)
    customer.organization.refresh_from_db()
    assert customer.organization.is_active
    assert not AuditEvent.objects.exists()


def _offer_form(**changes):
    return {"code": "mail-basic", "name": "Mail Basic", "description": "",
            "billing_period": "monthly", "term_months": "12", "unit_price": "4.00",
            "currency": "USD", "min_licenses": "1", "max_licenses": "300", "is_active": "on",
            **changes}


def test_operator_adds_and_changes_an_offer_and_the_log_says_who_and_what(client,
                                                                          signed_in_operator):
    premium = factories.OfferFactory(code="mail-premium", name="Mail Premium")
    response = client.post(reverse("admin:catalog_offer_add"),
                           _offer_form(upgrades_to=[str(premium.pk)]))
    assert response.status_code == 302
    offer = Offer.objects.get(code="mail-basic")
    assert list(offer.upgrades_to.all()) == [premium]
    created = AuditEvent.objects.get(action="catalog.offer_created")
    assert (created.actor, created.organization, created.target_id) == (signed_in_operator, None,
                                                                        str(offer.pk))
    assert created.data["changes"]["unit_price"] == [None, "4.00"]
    assert created.data["changes"]["upgrades_to"] == [[], ["mail-premium"]]

    change = reverse("admin:catalog_offer_change", args=[offer.pk])
    assert client.post(change, _offer_form(unit_price="4.50")).status_code == 302
    changed = AuditEvent.objects.get(action="catalog.offer_changed")
    assert changed.actor == signed_in_operator
    assert changed.data == {"code": "mail-basic",
                            "changes": {"unit_price": ["4.00", "4.50"],
                                        "upgrades_to": [["mail-premium"], []]}}

    # Saving with nothing changed records nothing.
    client.post(change, _offer_form(unit_price="4.50"))
    assert AuditEvent.objects.filter(action="catalog.offer_changed").count() == 1


def test_operator_retires_an_offer_from_the_list_and_cannot_delete_it(client, signed_in_operator):
    offer = factories.OfferFactory(code="mail-basic")
    response = client.post(reverse("admin:catalog_offer_changelist"), {
        "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000", "form-0-id": str(offer.pk), "_save": "Save"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert not offer.is_active
    event = AuditEvent.objects.get(action="catalog.offer_changed")
    assert event.actor == signed_in_operator
    assert event.data["changes"] == {"is_active": ["True", "False"]}

    delete = reverse("admin:catalog_offer_delete", args=[offer.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Offer.objects.filter(pk=offer.pk).exists()


@pytest.mark.parametrize("label", ["partnerships.partnership",
                                   "partnerships.partnershipinvitation",
                                   "relationships.resellerrelationshiprequest"])
def test_partnerships_and_relationship_requests_are_read_only(client, signed_in_operator, provider,
                                                              provider_admin, reseller,
                                                              customer, label):
    """They change through their services (with an audit event), never in the admin."""
    from apps.partnerships.services import invitation_create
    from apps.relationships.models import ResellerRelationshipRequest

    invitation_create(provider=provider, email="new@reseller.test", created_by=provider_admin)
    ResellerRelationshipRequest.objects.create(provider=provider, customer=customer.organization,
                                               reseller=reseller)
    model = apps.get_model(label)
    obj = model.objects.get()
    base = f"/admin/{label.replace('.', '/')}/"
    changelist = client.get(base + "?status__exact=pending&q=contoso")
    assert changelist.status_code == 200
    assert f'href="{base}add/"' not in changelist.content.decode()
    assert client.get(base + "add/").status_code == 403
    detail = client.get(f"{base}{obj.pk}/change/")
    assert detail.status_code == 200  # readable
    assert 'type="submit" value="Save"' not in detail.content.decode()
    assert client.post(f"{base}{obj.pk}/change/", {}).status_code == 403
    assert client.post(f"{base}{obj.pk}/delete/", {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()
