"""Catalog use cases: operators add and change offers in the admin, and the log says who."""

from django.db import transaction

from apps.audit.services import record

from .models import Offer

# What an offer's audit event shows, before and after (text, so the log stores it as shown).
_AUDITED = ["code", "name", "description", "billing_period", "term_months", "unit_price",
            "currency", "min_licenses", "max_licenses", "is_active"]


def _values(offer):
    return {name: str(getattr(offer, name)) for name in _AUDITED}


def _upgrade_codes(offer):
    return sorted(offer.upgrades_to.values_list("code", flat=True))


@transaction.atomic
def offer_save(*, offer, actor, upgrades_to=None, request=None):
    """Create `offer` or save its changes (validated by the caller's form). `upgrades_to`,
    when given, replaces the upgrade paths. The audit event lists each changed value, old
    and new; saving with nothing changed records nothing."""
    adding = offer._state.adding
    if adding:
        before, before_upgrades = dict.fromkeys(_AUDITED), []
    else:
        previous = Offer.objects.select_for_update().get(pk=offer.pk)
        before, before_upgrades = _values(previous), _upgrade_codes(previous)
    offer.save()
    if upgrades_to is not None:
        offer.upgrades_to.set(upgrades_to)
    changes = {name: [before[name], value] for name, value in _values(offer).items()
               if before[name] != value}
    upgrades = _upgrade_codes(offer)
    if upgrades != before_upgrades:
        changes["upgrades_to"] = [before_upgrades, upgrades]
    if adding or changes:
        record(actor=actor, organization=None,
               action="catalog.offer_created" if adding else "catalog.offer_changed",
               target=offer, data={"code": offer.code, "changes": changes}, request=request)
    return offer


@transaction.atomic
def offer_upsert(*, code, actor, upgrades_to=None, request=None, **values):
    """The offer with `code`, created or given `values` (field name -> value), saved through
    offer_save: its log entry lists what changed, and nothing when nothing did."""
    offer = Offer.objects.select_for_update().filter(code=code).first() or Offer(code=code)
    for name, value in values.items():
        setattr(offer, name, value)
    return offer_save(offer=offer, actor=actor, upgrades_to=upgrades_to, request=request)
