"""Invoices, statements, credit notes and charges as the Billing page, an invoice's page
and the reconciliation CSV show them. Money is a decimal string with its currency."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .serializers import OrganizationRefSerializer


def _money(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


class DocumentRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.CharField(source="display_number")
    total = _money()


class InvoiceSerializer(serializers.Serializer):
    """`kind`: invoice (a provider's to a reseller or a direct customer), credit_note (it
    corrects `corrects`), statement (a reseller's to its customer; a draft until the
    reseller sends it). `number` is null for a draft."""

    id = serializers.UUIDField()
    kind = serializers.CharField()
    status = serializers.CharField(help_text="draft, issued or paid")
    overdue = serializers.SerializerMethodField()
    number = serializers.SerializerMethodField()
    issuer = serializers.SerializerMethodField(help_text="Who issued it (as printed).")
    recipient = serializers.SerializerMethodField(help_text="Who it is for (as printed).")
    month = serializers.SerializerMethodField(help_text="The month it bills: YYYY-MM.")
    currency = serializers.CharField()
    subtotal = _money()
    tax = _money()
    total = _money()
    issued_on = serializers.DateField()
    due_on = serializers.DateField()
    paid_on = serializers.DateField(allow_null=True)
    corrects = DocumentRefSerializer(allow_null=True)

    def get_overdue(self, invoice) -> bool:
        return bool(invoice.is_overdue())

    def get_number(self, invoice) -> str | None:
        return invoice.display_number if invoice.number else None

    @extend_schema_field(OrganizationRefSerializer)
    def get_issuer(self, invoice):
        return {"id": str(invoice.issuer_id), "name": invoice.issuer_name}

    @extend_schema_field(OrganizationRefSerializer)
    def get_recipient(self, invoice):
        return {"id": str(invoice.recipient_id), "name": invoice.recipient_name}

    def get_month(self, invoice) -> str:
        return f"{invoice.month:%Y-%m}"


class BilledOfferSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()


class CustomerRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="pk")
    name = serializers.CharField()


class InvoiceLineSerializer(serializers.Serializer):
    """A charge at the document's price (an invoice: the reseller's or the direct
    customer's; a statement: the customer's). A credit note's line: what it gives back of
    a charge of the invoice it corrects (`kind` credit_note, a negative amount)."""

    customer = CustomerRefSerializer(source="charge.customer")
    subscription_id = serializers.UUIDField(source="charge.subscription_id")
    offer = BilledOfferSerializer(source="charge.offer")
    kind = serializers.SerializerMethodField()
    quantity = serializers.IntegerField(source="charge.quantity")
    period_start = serializers.DateField(source="charge.period_start")
    period_end = serializers.DateField(source="charge.period_end")
    days = serializers.IntegerField(source="charge.days")
    period_days = serializers.IntegerField(source="charge.period_days")
    unit_price = _money(source="unit")
    amount = _money()
    currency = serializers.CharField(source="charge.currency")

    def get_kind(self, line) -> str:
        return "credit_note" if line.credited else line.charge.kind


class TaxLineSerializer(serializers.Serializer):
    rate = serializers.DecimalField(max_digits=5, decimal_places=2,
                                    help_text="The rate in %.")
    base = _money(help_text="The amount taxed (the subtotal).")
    amount = _money()
    reverse_charge = serializers.BooleanField(help_text=(
        "The buyer accounts for the tax itself (a tax ID in another country)."))


class InvoiceDetailSerializer(InvoiceSerializer):
    issuer_country = serializers.CharField()
    issuer_tax_id = serializers.CharField()
    recipient_country = serializers.CharField()
    recipient_tax_id = serializers.CharField()
    lines = InvoiceLineSerializer(many=True)
    tax_lines = TaxLineSerializer(many=True)
    credit_notes = DocumentRefSerializer(many=True)


class ChargeSerializer(serializers.Serializer):
    """One charge line, as a row of the reconciliation CSV: `unit_price` and `amount` are
    what the reseller of record (or the direct customer) is billed; `margin` is yours (a
    provider: over its cost; a reseller: what its customer pays it over what it pays)."""

    id = serializers.UUIDField()
    kind = serializers.CharField()
    customer = CustomerRefSerializer()
    subscription_id = serializers.UUIDField()
    offer = BilledOfferSerializer()
    quantity = serializers.IntegerField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    days = serializers.IntegerField()
    period_days = serializers.IntegerField()
    posted_on = serializers.DateField()
    unit_price = _money(source="reseller_unit")
    amount = _money(source="reseller_amount")
    margin = serializers.SerializerMethodField()
    currency = serializers.CharField()
    reseller_of_record = OrganizationRefSerializer(source="reseller", allow_null=True)
    invoice = DocumentRefSerializer(allow_null=True)

    def get_margin(self, charge) -> str:
        if self.context.get("as_provider"):
            margin = charge.reseller_amount - charge.cost_amount
        else:
            margin = charge.customer_amount - charge.reseller_amount
        return f"{margin:.2f}"


class MarkPaidInput(serializers.Serializer):
    paid_on = serializers.DateField(required=False, help_text="The day paid (default: today).")
