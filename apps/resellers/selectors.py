"""Reseller reads: the enrolment of a reseller organization."""

from django.shortcuts import get_object_or_404

from .models import Reseller


def reseller_get(*, organization):
    """The reseller extension (enrolment status, contact details) of a reseller organization."""
    return get_object_or_404(Reseller.objects.select_related("organization"),
                             organization=organization)
