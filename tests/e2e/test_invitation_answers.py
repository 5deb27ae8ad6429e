"""Partnership requests in a browser: a forwarded link warns and names who accepted; a
reseller enrols from a link and finds the request waiting once approved; the request
dialog's buttons stay in view at 1280 by 860."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _invitation(provider_slug, email, by):
    from apps.accounts.models import User
    from apps.organizations.models import Organization
    from apps.partnerships.services import invitation_create
    from apps.partnerships.tokens import invitation_path

    invitation = invitation_create(provider=Organization.objects.get(slug=provider_slug),
                                   email=email, created_by=User.objects.get(email=by))
    return invitation_path(invitation)


def test_a_forwarded_link_warns_and_the_provider_sees_who_accepted(live_server, page, demo,
                                                                   sign_in):
    path = _invitation("tailspin", "intended@example.com", "provider@tailspin.test")
    page.goto(live_server.url + path)
    page.get_by_role("main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill("reseller@fabrikam.test")
    page.get_by_label("Password").fill(demo)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tailspin Cloud invites you to become its indirect reseller")
    expect(page.get_by_role("alert")).to_contain_text(
        "This invitation was sent to intended@example.com — accept on behalf of "
        "Fabrikam Solutions?")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Providers")

    page.context.clear_cookies()
    sign_in("provider@tailspin.test", demo)
    expect(page.get_by_text("accepted by Fabrikam Solutions (sent to intended@example.com)")
           ).to_be_visible()  # the dashboard's entry
    page.goto(f"{live_server.url}/o/tailspin/resellers/invitations/")
    row = page.get_by_role("row").filter(has_text="intended@example.com")
    expect(row).to_contain_text("accepted by Fabrikam Solutions (sent to intended@example.com)")
    expect(row).to_contain_text("reseller@fabrikam.test")
    assert any("Fabrikam Solutions accepted your partnership request" in m.subject
               for m in mail.outbox)


def test_a_reseller_enrols_from_a_link_and_finds_the_request_after_approval(
        live_server, page, demo, django_user_model):
    path = _invitation("contoso", "wim@wingtip.test", "provider@contoso.test")
    page.goto(live_server.url + path)
    page.get_by_role("main").get_by_role("link", name="Become an indirect reseller").click()
    page.get_by_label("Company name").fill("Wingtip Toys IT")
    page.get_by_label("Country").select_option("NL")
    page.get_by_label("Partner id").fill("4455667")
    page.get_by_label("Address").fill("Damrak 1, Amsterdam")
    page.get_by_label("Primary contact").fill("Wim Wingtip")
    page.get_by_label("Email").fill("wim@wingtip.test")
    page.locator("#id_password1").fill("Wingtip-pass-2026")
    page.locator("#id_password2").fill("Wingtip-pass-2026")
    page.get_by_role("button", name="Enrol").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))

    receipt = next(m for m in mail.outbox if "We received the enrolment" in m.subject)
    assert path in receipt.body  # the waiting request's link, in the receipt
    confirmation = next(m for m in mail.outbox if "Confirm" in m.subject)
    key = re.search(r"/accounts/confirm-email/[^\s]+/", confirmation.body).group(0)
    page.goto(live_server.url + key)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_label("Email").fill("wim@wingtip.test")
    page.get_by_label("Password").fill("Wingtip-pass-2026")
    page.get_by_role("button", name="Sign In").click()
    # Back on the link page, as it promised; it cannot be accepted before approval.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Contoso Distribution invites you to become its indirect reseller")
    expect(page.get_by_text("cannot accept partnerships yet")).to_be_visible()

    from apps.resellers.models import Reseller
    from apps.resellers.services import reseller_approve

    operator = django_user_model.objects.create_superuser(email="ops@partnercenter.test",
                                                          password="x")
    reseller = Reseller.objects.get(organization__name="Wingtip Toys IT")
    reseller_approve(reseller=reseller, actor=operator)
    decision = next(m for m in mail.outbox if "is approved" in m.subject)
    assert path in decision.body

    page.goto(f"{live_server.url}/o/{reseller.organization.slug}/")
    waiting = page.get_by_role("region", name="Partnership requests waiting for your answer")
    expect(waiting).to_contain_text("Contoso Distribution invites you")
    waiting.get_by_role("button", name="Accept Contoso Distribution").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Providers")
    expect(page.get_by_role("cell", name="Contoso Distribution")).to_be_visible()


def test_the_request_dialogs_buttons_stay_in_view(live_server, page, demo, sign_in):
    page.set_viewport_size({"width": 1280, "height": 860})
    sign_in("provider@contoso.test", demo)
    page.goto(f"{live_server.url}/o/contoso/resellers/")
    page.get_by_role("link", name="Request a partnership").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Reseller's email").fill("someone@example.test")
    dialog.get_by_role("button", name="Next: Draft email").click()
    expect(dialog.get_by_label("Message")).to_be_visible()
    buttons = [dialog.get_by_role("link", name="Open in email"),
               dialog.get_by_role("button", name="Copy to clipboard"),
               dialog.get_by_role("button", name="Send"),
               dialog.get_by_role("link", name="Done")]
    for button in buttons:
        expect(button).to_be_in_viewport(ratio=1)
        box = button.bounding_box()
        assert box["y"] + box["height"] <= 860
    # A server error above the message makes the body longer: still in view.
    dialog.get_by_label("Message").fill("No link here\n" * 30)
    dialog.get_by_role("button", name="Send").click()
    expect(dialog.locator("#id_body_error")).to_be_visible()
    for button in buttons:
        expect(button).to_be_in_viewport(ratio=1)
    dialog.get_by_role("link", name="Done").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
