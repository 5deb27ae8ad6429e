"""A provider admin creates an API key on the API keys page, calls the API with it, and
revokes it; the API docs page works under the portal's CSP (no inline script)."""

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _get(url, key):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_create_use_and_revoke_a_key(live_server, page, demo, sign_in):
    sign_in("provider@contoso.test", demo)
    page.get_by_role("button", name="Dashboard").click()
    page.get_by_role("navigation", name="Dashboard").get_by_role(
        "link", name="API keys").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API keys")

    page.get_by_role("link", name="New API key").click()
    page.get_by_label("Name").fill("Billing sync")
    page.get_by_label("Role").select_option("sales")
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("API key created")
    secret = page.locator("#api-key").input_value()
    assert secret.startswith("pc_")

    status, body = _get(f"{live_server.url}/api/v1/customers/?page_size=2", secret)
    assert status == 200
    assert len(body["results"]) == 2
    status, rest = _get(f"{live_server.url}/api/v1/customers/?cursor={body['next']}", secret)
    assert status == 200
    assert not {c["id"] for c in body["results"]} & {c["id"] for c in rest["results"]}

    page.get_by_role("link", name="Done").click()
    row = page.get_by_role("row", name="Billing sync")
    expect(row).not_to_contain_text("Never")  # its last use is shown
    row.get_by_role("link", name="Revoke").click()
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("row", name="Billing sync")).to_contain_text("Revoked")
    status, body = _get(f"{live_server.url}/api/v1/customers/", secret)
    assert status == 401
    assert body["detail"] == "This API key was revoked."


def test_the_docs_page_runs_under_the_csp(live_server, page):
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator(".swagger-ui .title")).to_contain_text("Partner Center API")
    expect(page.get_by_text("/api/v1/customers/", exact=True).first).to_be_visible()
    assert not violations
