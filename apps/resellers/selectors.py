"""Reseller reads: the enrolment of a reseller organization."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import get_object_or_404

from .models import Reseller

if TYPE_CHECKING:
    from apps.organizations.models import Organization


def reseller_get(*, organization: Organization) -> Reseller:
    """The reseller extension (enrolment status, contact details) of a reseller organization."""
    return get_object_or_404(Reseller.objects.select_related("organization"),
                             organization=organization)
