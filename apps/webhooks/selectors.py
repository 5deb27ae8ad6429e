"""Reads of an organization's webhook endpoints and deliveries (another tenant's: 404)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import WebhookDelivery, WebhookEndpoint

if TYPE_CHECKING:
    from apps.organizations.models import Organization


def endpoint_list(*, organization: Organization) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(organization=organization).order_by("created_at", "pk")


def endpoint_get(*, organization: Organization, pk: UUID) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint, organization=organization, pk=pk)


def delivery_list(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return (WebhookDelivery.objects.filter(endpoint=endpoint)
            .select_related("message"))


def delivery_get(*, endpoint: WebhookEndpoint, pk: UUID) -> WebhookDelivery:
    return get_object_or_404(WebhookDelivery.objects.select_related("message"),
                             endpoint=endpoint, pk=pk)
