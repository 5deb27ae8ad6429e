"""No 500 on any input: bad cookies, junk admin filters, tampered formsets, NUL bytes and
oversized values posted to the portal's forms.

Every answer here is a page (200), a redirect, or a refusal (400, 403, 404, 405, 429):
never a server error.
"""

from urllib.parse import quote

import pytest
from django.contrib import admin
from django.test import Client

from apps.organizations.roles import Role
from apps.providers.forms import LocationFormSet
from apps.providers.services import MAX_LOCATIONS
from tests import factories
from tests.providers.conftest import form_data

pytestmark = pytest.mark.django_db

NUL_SESSION_COOKIES = [
    'sessionid="abc\x00z"',                    # the reported cookie
    'sessionid="abcdefgh\x00ijklmnop"',        # long enough to pass Django's length check
    "sessionid=abcdefghijklmnop\x00",
    'sessionid="abcdefgh\\000ijklmnop"',       # octal escape: unquoted to a NUL byte
    "sessionid=" + "a" * 5000,
    "sessionid=ABCDEFGH-ijklmnop;;",
]
ANONYMOUS_PAGES = ["/", "/accounts/login/", "/directory/", "/resellers/enrol/",
                   "/o/contoso/", "/healthz", "/no-such-page/"]


def assert_no_server_error(response, what):
    assert response.status_code < 500, f"{what}: {response.status_code}"


# ------------------------------------------------------------------ cookies


@pytest.mark.parametrize("cookie", NUL_SESSION_COOKIES)
@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_a_session_cookie_django_never_issued_is_no_session(provider, cookie, path):
    client = Client(raise_request_exception=False)
    response = client.get(path, HTTP_COOKIE=cookie)
    assert_no_server_error(response, f"GET {path} with {cookie!r}")
    if path == "/accounts/login/":
        assert response.status_code == 200
        assert not response.wsgi_request.user.is_authenticated


@pytest.mark.parametrize("cookie", [
    "csrftoken=abc\x00def", "messages=abc\x00def", "django_language=e\x00n",
    'csrftoken="\\000"; messages="\\000"; django_language="\\000"',
])
def test_other_cookies_with_a_nul_byte_are_ignored(provider, cookie):
    client = Client(raise_request_exception=False)
    for path in ("/accounts/login/", "/directory/"):
        assert client.get(path, HTTP_COOKIE=cookie).status_code == 200, path


def test_a_real_session_still_signs_in(client, provider_admin):
    client.force_login(provider_admin)
    assert client.get("/o/contoso/").status_code == 200
    key = client.cookies["sessionid"].value
    anonymous = Client()
    response = anonymous.get("/o/contoso/", HTTP_COOKIE=f"sessionid={key}")
    assert response.status_code == 200


# ------------------------------------------------------------------ admin list filters

JUNK = ["\x00", "a\x00b", "zzz", "-1", "99999999999999999999999", "", "1' OR '%", "x" * 300]
RAW_JUNK = ["%FF%FE"]  # invalid UTF-8: Django decodes it with replacement characters


@pytest.fixture
def operator_seeing_errors(client, signed_in_operator):
    """The signed-in operator, with a client that answers a 500 instead of raising it."""
    client.raise_request_exception = False
    return signed_in_operator


def _changelists_with_filters():
    return sorted((model._meta.app_label, model._meta.model_name)
                  for model, model_admin in admin.site._registry.items()
                  if model_admin.list_filter)


def test_some_changelists_have_filters():
    assert len(_changelists_with_filters()) >= 10


@pytest.mark.parametrize(("app_label", "model_name"), _changelists_with_filters())
def test_admin_changelist_filters_with_junk_values_never_fail(client, operator_seeing_errors,
                                                             customer,
                                                             app_label, model_name):
    factories.SubscriptionFactory(customer=customer)
    url = f"/admin/{app_label}/{model_name}/"
    response = client.get(url)
    assert response.status_code == 200, url
    parameters = sorted({name for spec in response.context["cl"].filter_specs
                         for name in spec.expected_parameters()})
    assert parameters, url
    failures = []
    for name in [*parameters, "q", "o", "p"]:
        for query in [f"{name}={quote(junk)}" for junk in JUNK] + [
                f"{name}={raw}" for raw in RAW_JUNK] + [f"{quote(name)}%00=1"]:
            response = client.get(url, QUERY_STRING=query)
            # 200: the list (unfiltered or empty); 302: the admin's own "?e=1" for a lookup
            # it cannot make; 400: refused.
            if response.status_code not in (200, 302, 400):
                failures.append(f"{url}?{query}: {response.status_code}")
            elif response.status_code == 302:
                assert "e=1" in response.url, f"{url}?{query} → {response.url}"
    assert not failures, failures


def test_a_nul_byte_in_an_admin_filter_is_a_bad_request(client, operator_seeing_errors):
    response = client.get("/admin/orders/order/", QUERY_STRING="status__exact=%00")
    assert response.status_code == 400
    assert client.get("/admin/orders/order/",
                      QUERY_STRING="status__exact=failed").status_code == 200


@pytest.mark.parametrize("selection", ["\x00", "junk", "99999999999999999999999", ""])
def test_admin_actions_with_a_junk_selection_never_fail(client, operator_seeing_errors,
                                                        selection):
    for url in ("/admin/resellers/reseller/", "/admin/organizations/organization/",
                "/admin/accounts/user/", "/admin/catalog/offer/",
                "/admin/account/emailaddress/", "/admin/audit/auditevent/"):
        response = client.post(url, {"action": "delete_selected",
                                     "_selected_action": [selection]})
        assert_no_server_error(response, f"POST {url} {selection!r}")
        response = client.get(url + quote(selection) + "/change/")
        assert_no_server_error(response, f"GET {url}{selection!r}/change/")


# ------------------------------------------------------------------ formsets

PROFILE_REQUEST = "/o/contoso/profile/request/"


@pytest.mark.parametrize("field", ["TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS",
                                   "MAX_NUM_FORMS"])
@pytest.mark.parametrize("value", ["99999999999999999999999999", "1001", " 5000 ", "٣٠٠٠٠"])
def test_an_oversized_management_form_is_a_bad_request(client, provider_admin, field, value):
    client.force_login(provider_admin)
    client.raise_request_exception = False
    response = client.post(PROFILE_REQUEST, form_data(**{f"locations-{field}": value}))
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["abc", "-5", "\x00", "1e9", ""])
def test_a_junk_management_form_is_a_form_error(client, provider_admin, value):
    client.force_login(provider_admin)
    response = client.post(PROFILE_REQUEST, form_data(**{"locations-TOTAL_FORMS": value}))
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors()


def test_the_locations_formset_builds_no_more_forms_than_can_be_saved():
    # Under the guard's ceiling, but more rows than a profile may have: no more forms are
    # built (and rendered) than could be saved, and the formset says why.
    formset = LocationFormSet(form_data(**{"locations-TOTAL_FORMS": "1000"}),
                              prefix="locations")
    assert not formset.is_valid()
    assert len(formset.forms) <= MAX_LOCATIONS
    assert f"Give at most {MAX_LOCATIONS} locations." in formset.non_form_errors()


# ------------------------------------------------------------------ the portal's forms

NUL = "ab\x00cd"
OVERSIZED = "x" * 100_000  # under DATA_UPLOAD_MAX_MEMORY_SIZE: it reaches the form


def _forms(world):
    """(who, url, a valid-looking POST) for the main forms one can reach."""
    return [
        (None, "/accounts/login/", {"login": "admin@contoso.test", "password": "x" * 12}),
        (None, "/accounts/signup/", {"email": "new@example.test", "password1": "Pw-12345678!",
                                     "password2": "Pw-12345678!"}),
        (None, "/accounts/password/reset/", {"email": "admin@contoso.test"}),
        (None, "/resellers/enrol/", {
            "company_name": "Litware", "country": "US", "partner_id": "1234567",
            "address": "1 Main St", "contact_name": "Pat", "contact_phone": "+1 555 0100",
            "email": "pat@litware.test", "password1": "Pw-12345678!",
            "password2": "Pw-12345678!"}),
        (world["provider_admin"], "/accounts/password/change/", {
            "oldpassword": "x", "password1": "Pw-12345678!", "password2": "Pw-12345678!"}),
        (world["provider_admin"], "/o/contoso/team/invite/", {"email": "new@contoso.test",
                                                              "role": "sales"}),
        (world["provider_admin"], f"/o/contoso/team/members/{world['membership'].pk}/role/",
         {"role": "helpdesk"}),
        (world["provider_admin"], PROFILE_REQUEST, form_data()),
        (world["provider_admin"], "/o/contoso/resellers/request/", {
            "email": "sales@fabrikam.test", "name": "Fabrikam"}),
        (world["customer_admin"], "/o/adatum/support/new/", {
            "title": "Help", "severity": "normal", "description": "Please help."}),
    ]


@pytest.fixture
def form_senders(provider_admin, customer_admin, provider):
    sales = factories.member(provider, Role.SALES, email="sales@contoso.test")
    return {"provider_admin": provider_admin, "customer_admin": customer_admin,
            "membership": sales.memberships.get()}


def _variants(data):
    """The valid data with each field in turn set to a NUL byte, an oversized value, a list,
    and everything at once."""
    for field in data:
        if field.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")):
            continue
        for value in (NUL, OVERSIZED, ["a", "b"]):
            yield f"{field}={value!r:.20}", {**data, field: value}
    yield "all NUL", dict.fromkeys(data, NUL)
    yield "all oversized", dict.fromkeys(data, OVERSIZED)


@pytest.mark.parametrize("url", ["/resellers/enrol/", "/accounts/login/"])
def test_an_empty_post_is_answered_even_when_rate_limited(client, db, settings, url):
    settings.PORTAL_ENROL_PER_HOUR = 0
    response = client.post(url, {})
    assert response.status_code in (200, 429)


def test_nul_bytes_and_oversized_values_in_the_main_forms_never_fail(client, form_senders):
    client.raise_request_exception = False
    failures = []
    for who, url, data in _forms(form_senders):
        client.logout()
        if who is not None:
            client.force_login(who)
        for what, variant in _variants(data):
            response = client.post(url, variant)
            if response.status_code >= 500:
                failures.append(f"POST {url} {what}: {response.status_code}")
    assert not failures, failures
