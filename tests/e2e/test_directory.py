"""Contoso requests a new logo and a Germany URL; an operator approves; the directory shows it."""

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_request_then_approve_then_the_public_listing(live_server, browser, page, demo,
                                                      sign_in, tmp_path):
    csp_errors = []
    page.on("console", lambda m: csp_errors.append(m.text)
            if "Content Security Policy" in m.text else None)
    logo = tmp_path / "contoso-logo.png"
    Image.new("RGBA", (200, 100), (200, 30, 30, 255)).save(logo)

    # The provider admin asks for a new logo and a target URL for Germany.
    sign_in("provider@contoso.test", demo)
    page.get_by_role("button", name="Dashboard").click()
    page.get_by_role("navigation", name="Dashboard").get_by_role(
        "link", name="Directory profile").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Directory profile")
    expect(page.get_by_role("cell", name="https://contoso.example/us")).to_be_visible()
    page.get_by_role("link", name="Request a change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request a change")
    expect(page.get_by_label("Company name")).to_have_value("Contoso Distribution")
    page.get_by_label("New logo (optional)").set_input_files(logo)

    # JavaScript adds rows beyond the blank ones the page starts with.
    page.get_by_role("button", name="Add another location").click()
    expect(page.get_by_role("group", name="Location 4")).to_be_visible()
    germany = page.get_by_role("group", name="Location 2")
    germany.get_by_label("Country").select_option("DE")
    germany.get_by_label("Target URL").fill("http://contoso.example/de")
    page.get_by_role("button", name="Submit request").click()
    # Plain http is refused next to the field; the logo has to be chosen again.
    expect(page.get_by_text("must start with https://, not http://")).to_be_visible()
    expect(page.get_by_text("choose it again")).to_be_visible()
    page.get_by_label("New logo (optional)").set_input_files(logo)
    germany.get_by_label("Target URL").fill("https://contoso.example/de")
    page.get_by_role("button", name="Submit request").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Directory profile")
    expect(page.get_by_text("Your change request is with our operators")).to_be_visible()
    expect(page.get_by_text("In review since")).to_be_visible()

    # Nothing public changes before the decision.
    visitor = browser.new_context()
    public = visitor.new_page()
    public.goto(f"{live_server.url}/directory/?country=DE")
    expect(public.get_by_text("No indirect provider is listed for Germany yet.")).to_be_visible()
    visitor.close()

    # The operator signs in to the admin (through allauth) and approves.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/?next=/admin/")
    page.get_by_label("Email").fill("admin@partnercenter.test")
    page.get_by_label("Password").fill(demo)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.get_by_role("link", name="Directory profile change requests").click()
    page.get_by_role("link", name="Contoso Distribution").click()
    expect(page.get_by_role("heading", name="Published and requested, side by side")
           ).to_be_visible()
    expect(page.get_by_role("img", name="Requested logo")).to_be_visible()
    expect(page.get_by_role("img", name="Published logo")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Germany"))).to_contain_text("Added")
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text("1 request approved and published")).to_be_visible()

    # The public directory shows the new listing at once, with the new logo. (A browser that
    # loaded the page before keeps its copy up to PORTAL_DIRECTORY_MAX_AGE: a new visitor.)
    visitor = browser.new_context()
    page = visitor.new_page()
    page.goto(f"{live_server.url}/directory/?country=DE")
    expect(page).to_have_title("Indirect providers in Germany · Partner Center")
    expect(page.get_by_role("heading", level=1)).to_have_text("Indirect providers in Germany")
    card = page.get_by_role("article", name="Contoso Distribution")
    expect(card.get_by_role("link", name="https://contoso.example/de")).to_have_attribute(
        "href", "https://contoso.example/de")
    image = card.locator("img")
    expect(image).to_have_attribute("src", re.compile(r"^/directory/logos/[0-9a-f]{64}\.png$"))
    page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                           arg=image.element_handle())
    assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [200, 100]
    page.get_by_label("Country or region").select_option("US")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("article", name="Contoso Distribution")).to_be_visible()
    visitor.close()
    assert not csp_errors, csp_errors
