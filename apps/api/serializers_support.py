"""Support requests as the Support queue and a request's page show them."""

from rest_framework import serializers

from .serializers import OrganizationRefSerializer


class SupportSubscriptionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    offer = OrganizationRefSerializer(help_text="The subscription's offer (id, name).")


class SupportRequestSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    customer = OrganizationRefSerializer()
    handled_by = OrganizationRefSerializer()
    subscription = SupportSubscriptionSerializer(allow_null=True)
    severity = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    resolved_at = serializers.DateTimeField(allow_null=True)


class SupportMessageSerializer(serializers.Serializer):
    """One entry of the thread: the description (`opened`), a `reply`, a `status` change
    (`status` is the new one) or a `handler` change (`moved_from` handled it before)."""

    id = serializers.UUIDField()
    kind = serializers.CharField()
    author_email = serializers.EmailField(source="author.email", default=None,
                                          allow_null=True)
    author_organization = OrganizationRefSerializer()
    body = serializers.CharField()
    status = serializers.CharField()
    moved_from = OrganizationRefSerializer(allow_null=True)
    created_at = serializers.DateTimeField()


class SupportRequestDetailSerializer(SupportRequestSerializer):
    messages = SupportMessageSerializer(many=True)


class SupportReplyInput(serializers.Serializer):
    body = serializers.CharField(max_length=10000)


class SupportStatusInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=["open", "in_progress", "resolved"])
