"""Audit events (the Audit log page's columns) and the reseller's resources: its
providers (the Providers page) and its incentives (the Incentives page and CSV)."""

from rest_framework import serializers

from .serializers import OrganizationRefSerializer


class AuditEventSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    at = serializers.DateTimeField()
    actor_email = serializers.CharField(help_text="Empty for the system.")
    action = serializers.CharField()
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    target_repr = serializers.CharField()
    data = serializers.DictField(help_text="The event's details (made through a key: "
                                           "api_key_prefix and api_key_name).")
    ip = serializers.CharField(allow_null=True)


class ProviderPartnershipSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    provider = OrganizationRefSerializer()
    status = serializers.CharField()
    accepted_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)


class IncentiveOfferSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()


class IncentiveSerializer(serializers.Serializer):
    """One incentive-eligible subscription of the month (a row of the Incentives CSV)."""

    subscription_id = serializers.UUIDField(source="pk")
    customer = OrganizationRefSerializer(source="customer.organization")
    provider = OrganizationRefSerializer(source="customer.provider")
    offer = IncentiveOfferSerializer()
    licenses = serializers.IntegerField(source="quantity")
    unit_price = serializers.DecimalField(max_digits=10, decimal_places=2,
                                          source="offer.unit_price")
    currency = serializers.CharField(source="offer.currency")
    monthly_value = serializers.DecimalField(max_digits=14, decimal_places=2)
    term_start = serializers.DateField()
    term_end = serializers.DateField()
