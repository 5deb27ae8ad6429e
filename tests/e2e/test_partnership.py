"""A provider requests a partnership and the reseller accepts it, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_request_a_partnership_then_the_reseller_accepts(live_server, page, demo, sign_in):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                   origin=live_server.url)
    sign_in("provider@contoso.test", demo)

    page.get_by_role("button", name="Dashboard").click()
    page.get_by_role("navigation", name="Dashboard").get_by_role(
        "link", name="Indirect resellers").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indirect resellers")

    page.get_by_role("link", name="Request a partnership").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Reseller's email").fill("reseller@fabrikam.test")
    dialog.get_by_label("Reseller's name (optional)").fill("Frida")
    dialog.get_by_role("button", name="Next: Draft email").click()

    message = dialog.get_by_label("Message")
    expect(message).to_be_visible()
    link = dialog.locator("#personalized-link").inner_text()
    assert re.match(rf"{re.escape('http://127.0.0.1:8000')}/invitations/partnership/\S+/$",
                    link)
    expect(message).to_have_value(re.compile(re.escape(link)))

    # Edit the draft: the edits travel with Open in email and Copy to clipboard.
    message.fill(f"Hello Frida, let's partner!\n{link}\nContoso")
    open_in_email = dialog.get_by_role("link", name="Open in email")
    open_in_email.hover()
    href = open_in_email.get_attribute("href")
    assert href.startswith("mailto:reseller@fabrikam.test?subject=")
    assert "body=Hello%20Frida%2C%20let" in href
    dialog.get_by_role("button", name="Copy to clipboard").click()
    expect(dialog.get_by_role("button", name="Copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Hello Frida, let's partner!")
    assert link in copied

    # Removing the link is flagged at once, and the portal refuses to send it.
    message.fill("No link here")
    expect(dialog.get_by_text("Keep the personalized link in the message.")).to_be_visible()
    dialog.get_by_role("button", name="Send").click()
    # The server's answer (its own error under the field) replaces the dialog's content.
    expect(dialog.locator("#id_body_error")).to_contain_text(
        "Keep the personalized link in the message.")
    message.fill(f"Hello Frida, let's partner!\n{link}\nContoso")
    dialog.get_by_role("button", name="Send").click()
    expect(dialog.get_by_text("The partnership request is on its way")).to_be_visible()

    dialog.get_by_role("link", name="Done").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("cell", name="reseller@fabrikam.test", exact=True)).to_be_visible()

    # The reseller opens the personalized link and accepts.
    page.context.clear_cookies()
    path = link.split("127.0.0.1:8000", 1)[1]
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Contoso Distribution invites you to become its indirect reseller")
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill("reseller@fabrikam.test")
    page.get_by_label("Password").fill(demo)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Contoso Distribution invites you to become its indirect reseller")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Providers")
    expect(page.get_by_role("cell", name="Contoso Distribution")).to_be_visible()

    page.context.clear_cookies()
    sign_in("provider@contoso.test", demo)
    page.goto(f"{live_server.url}/o/contoso/resellers/")
    expect(page.get_by_role("cell", name="Fabrikam Solutions", exact=True)).to_be_visible()


def test_the_dialog_works_without_javascript(live_server, browser, demo):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("provider@contoso.test")
    page.get_by_label("Password").fill(demo)
    page.get_by_role("button", name="Sign In").click()
    page.goto(f"{live_server.url}/o/contoso/resellers/")
    page.get_by_role("link", name="Request a partnership").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request a partnership")
    page.get_by_label("Reseller's email").fill("new@reseller.test")
    page.get_by_role("button", name="Next: Draft email").click()
    expect(page.get_by_label("Message")).to_have_value(re.compile("/invitations/partnership/"))
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indirect resellers")
    expect(page.get_by_text("The partnership request is on its way")).to_be_visible()
    context.close()
