"""offer_upsert: an offer by its code, created once, changed only where its values differ."""

from decimal import Decimal

from apps.audit.models import AuditEvent
from apps.catalog.models import Offer
from apps.catalog.services import offer_upsert
from tests import factories


def _actions():
    return list(AuditEvent.objects.order_by("at").values_list("action", flat=True))


def test_creates_the_offer_with_its_upgrade_paths_in_one_event(db):
    target = factories.OfferFactory(code="m365-business-standard")
    offer = offer_upsert(code="m365-business-basic", actor=None, upgrades_to=[target],
                         name="Microsoft 365 Business Basic", unit_price=Decimal("6.00"))
    assert Offer.objects.get(code="m365-business-basic") == offer
    assert list(offer.upgrades_to.values_list("code", flat=True)) == ["m365-business-standard"]
    event = AuditEvent.objects.get()
    assert event.action == "catalog.offer_created"
    assert event.data["changes"]["upgrades_to"] == [[], ["m365-business-standard"]]


def test_the_same_values_again_change_nothing_and_record_nothing(db):
    values = {"name": "Teams Essentials", "unit_price": Decimal("4.00"), "max_licenses": 300}
    first = offer_upsert(code="teams-essentials", actor=None, upgrades_to=[], **values)
    again = offer_upsert(code="teams-essentials", actor=None, upgrades_to=[], **values)
    assert again.pk == first.pk
    assert Offer.objects.count() == 1
    assert _actions() == ["catalog.offer_created"]


def test_different_values_are_saved_and_logged_old_and_new(db):
    factories.OfferFactory(code="o365-e3", name="Office 365 E3", unit_price="20.00")
    offer_upsert(code="o365-e3", actor=None, unit_price=Decimal("23.00"))
    assert Offer.objects.get(code="o365-e3").unit_price == Decimal("23.00")
    event = AuditEvent.objects.get()
    assert event.action == "catalog.offer_changed"
    assert event.data["changes"] == {"unit_price": ["20.00", "23.00"]}
