"""The New customer wizard, driven through the test client step by step."""

import pytest
from django.conf import settings

DETAILS = {
    "company_name": "Margie's Travel",
    "domain_prefix": "margiestravel",
    "contact_first_name": "Margie",
    "contact_last_name": "Shoop",
    "contact_email": "margie@margiestravel.example",
    "contact_phone": "+1 425 555 0100",
    "country": "US",
    "city": "Redmond",
    "postal_code": "98052",
    "street": "1 Microsoft Way",
    "language": "en",
}


def admin_of(prefix):
    return f"admin@{prefix}.{settings.CUSTOMER_DOMAIN_SUFFIX}"


class Wizard:
    """Posts each step as the browser would: step fields prefixed, plus the management form."""

    def __init__(self, client, provider):
        self.client = client
        self.provider = provider
        self.base = f"/o/{provider.slug}/customers/new/"

    def url(self, step=""):
        return f"{self.base}{step}/" if step else self.base

    def management(self, step):
        return {f"new_customer_{self.provider.pk.hex}-current_step": step}

    def start(self, query=""):
        return self.client.get(self.base + query)

    def details(self, reseller=None, **overrides):
        data = {**DETAILS, **overrides}
        if reseller is not None:
            data["reseller"] = str(getattr(reseller, "pk", reseller))
        post = {f"details-{k}": v for k, v in data.items()}
        return self.client.post(self.url("details"), {**post, **self.management("details")})

    def subscriptions(self, lines=None, *, offers=None, extra=None):
        """`lines`: {offer: licenses}; `offers` overrides the ticked values."""
        lines = lines or {}
        post = {"subscriptions-offers": offers if offers is not None
                else [str(o.pk) for o in lines]}
        for offer, quantity in lines.items():
            post[f"subscriptions-licenses_{offer.pk}"] = str(quantity)
        post.update(extra or {})
        return self.client.post(self.url("subscriptions"),
                                {**post, **self.management("subscriptions")})

    def idempotency_key(self):
        html = self.client.get(self.url("review")).content.decode()
        marker = 'name="review-idempotency_key" value="'
        start = html.index(marker) + len(marker)
        return html[start:html.index('"', start)]

    def submit(self, key=None):
        key = key or self.idempotency_key()
        return self.client.post(self.url("review"), {"review-idempotency_key": key,
                                                     **self.management("review")})

    def cancel(self, step="review"):
        return self.client.post(self.url(step), {"wizard_cancel": "1",
                                                 **self.management(step)})


@pytest.fixture
def wizard(client, provider_admin, provider):
    client.force_login(provider_admin)
    return Wizard(client, provider)
