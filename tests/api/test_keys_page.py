"""The API keys page: create (shown once, never above the creator's role), revoke after a
confirmation, audited."""

import pytest
from django.urls import reverse

from apps.api.models import ApiKey
from apps.audit.models import AuditEvent
from tests.api.conftest import make_key

pytestmark = pytest.mark.django_db


def _url(name, **kwargs):
    return reverse(f"apikeys:{name}", kwargs={"org_slug": "contoso", **kwargs})


def test_create_shows_the_key_once(login, contoso_admin):
    client = login(contoso_admin)
    response = client.post(_url("new"), {"name": "ERP", "role": "helpdesk"})
    assert response.status_code == 200
    key = ApiKey.objects.get(name="ERP")
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in \
        response["Cache-Control"]
    listed = client.get(_url("list")).content.decode()
    assert key.prefix in listed
    assert secret not in listed


def test_a_key_never_has_more_rights_than_its_creator(login, contoso_admin, contoso_sales):
    # Sales agents cannot open the page at all; an admin's form offers the three roles,
    # and the service refuses a role above the member's own.
    assert login(contoso_sales).get(_url("list")).status_code == 403
    from apps.api.services import api_key_create
    from apps.errors import DomainError
    from apps.organizations.models import Membership
    membership = Membership.objects.get(user=contoso_sales)
    with pytest.raises(DomainError, match="more rights"):
        api_key_create(membership=membership, name="x", role="admin")


def test_form_errors_are_next_to_the_fields(login, contoso_admin):
    response = login(contoso_admin).post(_url("new"), {"name": " ", "role": "owner",
                                                      "expires_on": "2000-01-01"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["name"] == ["This field is required."]
    assert "role" in errors
    assert errors["expires_on"] == ["Choose an expiry date in the future."]


def test_revoke_asks_then_revokes_and_is_audited(login, contoso_admin, contoso, api):
    key, secret = make_key(contoso_admin, contoso, name="ERP")
    client = login(contoso_admin)
    assert "Revoke the API key ERP?" in client.get(_url("revoke", key_id=key.pk)).content.decode()
    assert api(secret).get("/api/v1/offers/").status_code == 200
    client.post(_url("revoke", key_id=key.pk))
    assert api(secret).get("/api/v1/offers/").status_code == 401
    event = AuditEvent.objects.get(action="api_key.revoke")
    assert event.actor == contoso_admin
    assert event.data["api_key_prefix"] == key.prefix


def test_another_organizations_key_is_404(login, contoso_admin, tailspin_admin, tailspin):
    theirs, _secret = make_key(tailspin_admin, tailspin)
    assert login(contoso_admin).get(_url("revoke", key_id=theirs.pk)).status_code == 404
