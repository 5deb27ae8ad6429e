"""What the API returns (and, for the schema, what it accepts). Requests are validated by
the pages' own forms, in the owning app's services (the same messages); these serializers
describe the shapes in the OpenAPI document."""

from typing import Any

from rest_framework import serializers


class OrganizationRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class OfferSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    billing_period = serializers.CharField()
    term_months = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    min_licenses = serializers.IntegerField()
    max_licenses = serializers.IntegerField()


_MISSING = object()


class CustomerSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    name = serializers.CharField()
    domain_prefix = serializers.CharField()
    status = serializers.CharField()
    provider = OrganizationRefSerializer()
    reseller = OrganizationRefSerializer(allow_null=True)
    subscription_count = serializers.IntegerField(required=False)
    license_count = serializers.IntegerField(required=False)
    created_at = serializers.DateTimeField()

    def to_representation(self, instance):
        """A row of the customers list in one pass: the same JSON as the fields above
        would give (their representation per row costs some 30 Python calls a field)."""
        if type(self) is not CustomerSerializer:
            return super().to_representation(instance)
        reseller = instance.reseller
        data = {"id": str(instance.pk), "name": instance.name,
                "domain_prefix": instance.domain_prefix, "status": instance.status,
                "provider": {"id": str(instance.provider_id), "name": instance.provider.name},
                "reseller": (None if reseller is None
                             else {"id": str(reseller.pk), "name": reseller.name})}
        for name in ("subscription_count", "license_count"):  # not required: left out
            value: Any = getattr(instance, name, _MISSING)
            if value is not _MISSING:
                data[name] = None if value is None else int(value)
        data["created_at"] = self.fields["created_at"].to_representation(instance.created_at)
        return data


class CustomerDetailSerializer(CustomerSerializer):
    contact_first_name = serializers.CharField()
    contact_last_name = serializers.CharField()
    contact_email = serializers.CharField()
    contact_phone = serializers.CharField()
    country = serializers.CharField(source="organization.country", default="")
    city = serializers.CharField()
    postal_code = serializers.CharField()
    street = serializers.CharField()
    language = serializers.CharField()


class OrderLineSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    offer = OrganizationRefSerializer()
    action = serializers.CharField()
    quantity = serializers.IntegerField()
    previous_quantity = serializers.IntegerField(allow_null=True)
    subscription_id = serializers.UUIDField(allow_null=True)


class OrderSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.CharField()
    customer = OrganizationRefSerializer(source="customer.organization")
    reseller = OrganizationRefSerializer(allow_null=True)
    error = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)


class OrderDetailSerializer(OrderSerializer):
    lines = OrderLineSerializer(many=True, source="lines.all")


class SubscriptionLineInput(serializers.Serializer):
    offer = serializers.UUIDField()
    licenses = serializers.IntegerField()


class NewCustomerInput(serializers.Serializer):
    """The New customer wizard's fields; `reseller` null or absent for a direct customer."""

    reseller = serializers.UUIDField(required=False, allow_null=True)
    company_name = serializers.CharField(max_length=200)
    domain_prefix = serializers.CharField()
    contact_first_name = serializers.CharField(max_length=100)
    contact_last_name = serializers.CharField(max_length=100)
    contact_email = serializers.EmailField()
    contact_phone = serializers.CharField(required=False, allow_blank=True)
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code")
    city = serializers.CharField(max_length=100)
    postal_code = serializers.CharField(required=False, allow_blank=True)
    street = serializers.CharField(max_length=200)
    language = serializers.CharField(help_text="en or zh-hans")
    subscriptions = SubscriptionLineInput(many=True)


def page_of(serializer):
    """The shape of a list response: {"results": [...], "next": cursor or null}."""
    return type(f"{serializer.__name__.removesuffix('Serializer')}Page",
                (serializers.Serializer,), {
                    "results": serializer(many=True),
                    "next": serializers.CharField(allow_null=True, help_text=(
                        "The cursor of the next page (pass it as ?cursor=), null on the "
                        "last page.")),
                })


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.ListField(child=serializers.DictField(), required=False)
