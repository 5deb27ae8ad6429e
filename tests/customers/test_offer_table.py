"""The New subscription page (Add subscription and the wizard's step): one Licenses column,
each licenses field labelled by its offer for screen readers, rows that tick their offer,
and the running total's script and place."""

import re


def test_one_licenses_column(client, provider_admin, customer, offers):
    client.force_login(provider_admin)
    html = client.get(f"/o/contoso/customers/{customer.pk}/subscriptions/new/").content.decode()
    assert html.count('id="offer-licenses-column">Licenses</th>') == 1
    # No visible "Licenses" label per row: a visually hidden one names the offer.
    assert not re.search(r'<label class="form-label" for="id_licenses_', html)
    assert (f'<label class="visually-hidden" for="id_licenses_{offers["basic"].pk}">'
            "Licenses of Business Basic</label>") in html
    assert 'class="form-check-label fw-semibold stretched-link"' in html
    assert 'data-unit-price="6.00" data-currency="USD"' in html
    assert 'id="offers-total"' in html
    assert "js/offer_total" in html
