"""Operators review change requests in the admin: the diff, approve and publish, reject."""

import html

import pytest
from django.core import mail

from apps.audit.models import AuditEvent
from apps.errors import DomainError
from apps.providers import services
from apps.providers.logos import logo_from_bytes
from apps.providers.models import ProfileChangeRequest, ProviderListing
from tests import factories
from tests.providers.conftest import DIRECTORY, PROFILE, REQUEST, form_data
from tests.providers.images import png_bytes, upload

CHANGELIST = "/admin/providers/profilechangerequest/"
RED = (200, 30, 30, 255)


@pytest.fixture
def change_request(client, provider_admin, published, on_commit, operator):
    """Contoso asks for a new name, a red logo, a Germany location and a new US URL."""
    client.force_login(provider_admin)
    with on_commit():
        response = client.post(REQUEST, form_data(
            company_name="Contoso Cloud Distribution",
            locations=[("US", "https://contoso.example/en-us"),
                       ("DE", "https://contoso.example/de")], initial=1,
            logo=upload(png_bytes(colour=RED))))
    assert response.status_code == 302
    mail.outbox.clear()
    return ProfileChangeRequest.objects.get()


def directory_names(client, query=""):
    return [item["name"] for item in client.get(DIRECTORY + query).context["page"].object_list]


def test_the_change_view_shows_the_diff_side_by_side_with_logo_previews(client, operator,
                                                                        change_request):
    client.force_login(operator)
    response = client.get(f"{CHANGELIST}{change_request.pk}/change/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Published and requested, side by side" in content
    assert "Contoso Distribution" in content
    assert "Contoso Cloud Distribution" in content
    assert content.count('src="data:image/png;base64,') == 2  # before and after
    assert "https://contoso.example/us" in content
    assert "https://contoso.example/en-us" in content
    assert "Added" in content
    assert "Changed" in content
    assert 'value="Approve and publish"' in content
    assert 'value="Reject (asks for a reason)"' in content
    assert "style=" not in content.split('id="diff-title"')[1].split("</section>")[0]
    listing = client.get(CHANGELIST).content.decode()
    assert "Contoso Cloud Distribution" in listing


def test_approval_publishes_everything_at_once_and_tells_the_provider(
        client, operator, change_request, published, provider_admin, on_commit):
    client.force_login(operator)
    assert directory_names(client, "?country=DE") == []  # not public before approval
    with on_commit():
        response = client.post(CHANGELIST, {"action": "approve_and_publish",
                                            "_selected_action": [str(change_request.pk)]},
                               follow=True)
    assert "1 request approved and published" in response.content.decode()
    change_request.refresh_from_db()
    assert change_request.status == "approved"
    assert change_request.decided_by == operator
    assert change_request.decided_at is not None
    published.refresh_from_db()
    assert published.directory_name == "Contoso Cloud Distribution"
    assert published.directory_logo == change_request.logo
    listings = dict(ProviderListing.objects.values_list("country", "target_url"))
    assert listings == {"US": "https://contoso.example/en-us",
                        "DE": "https://contoso.example/de"}

    # The directory shows it at once: the publish bumped the cache version.
    client.logout()
    page = client.get(DIRECTORY + "?country=DE")
    items = page.context["page"].object_list
    assert [(i["name"], i["target_url"]) for i in items] == [
        ("Contoso Cloud Distribution", "https://contoso.example/de")]
    assert f"/directory/logos/{change_request.logo_id}.png" in page.content.decode()
    assert client.get(f"/directory/logos/{change_request.logo_id}.png").status_code == 200

    event = AuditEvent.objects.get(action="profile.change_approved")
    assert event.actor == operator
    assert event.organization == published.organization
    assert event.data["countries"] == ["DE", "US"]

    assert [m.to for m in mail.outbox] == [[provider_admin.email]]
    assert mail.outbox[0].subject == "Your directory profile is updated"
    assert "/directory/" in mail.outbox[0].body

    client.force_login(provider_admin)
    profile = client.get(PROFILE).content.decode()
    assert "Approved" in profile
    assert "https://contoso.example/de" in profile
    assert "Nothing is in review." in profile


def test_approval_from_the_change_view_buttons(client, operator, change_request, on_commit):
    client.force_login(operator)
    # The button posts the same action as the list, for one request.
    with on_commit():
        response = client.post(CHANGELIST, {"action": "approve_and_publish",
                                            "_selected_action": str(change_request.pk)})
    assert response.status_code == 302
    change_request.refresh_from_db()
    assert change_request.status == "approved"
    page = client.get(f"{CHANGELIST}{change_request.pk}/change/").content.decode()
    assert 'value="Approve and publish"' not in page  # decided: no more buttons


def test_a_failure_during_publication_publishes_nothing(client, operator, change_request,
                                                        published, monkeypatch):
    original = ProviderListing.objects.create

    def broken(**kwargs):
        if kwargs.get("country") == "DE":
            raise RuntimeError("database went away")
        return original(**kwargs)

    monkeypatch.setattr(ProviderListing.objects, "create", broken)
    with pytest.raises(RuntimeError):
        services.profile_change_approve(change_request=change_request, actor=operator)
    published.refresh_from_db()
    assert published.directory_name == "Contoso Distribution"
    assert published.directory_logo_id == change_request.previous_logo_id
    assert dict(ProviderListing.objects.values_list("country", "target_url")) == {
        "US": "https://contoso.example/us"}
    change_request.refresh_from_db()
    assert change_request.status == "submitted"
    assert not AuditEvent.objects.filter(action="profile.change_approved").exists()


def test_rejection_asks_for_a_reason_and_changes_nothing_public(
        client, operator, change_request, published, provider_admin, on_commit):
    from django.test import Client

    visitor = Client()
    before = visitor.get(DIRECTORY).content
    client.force_login(operator)
    ask = client.post(CHANGELIST, {"action": "reject_with_reason",
                                   "_selected_action": [str(change_request.pk)]})
    assert ask.status_code == 200
    assert "The provider's admins receive this reason by email" in html.unescape(
        ask.content.decode())
    empty = client.post(CHANGELIST, {"action": "reject_with_reason", "reason": "  ",
                                     "_selected_action": [str(change_request.pk)]})
    assert "This field is required." in empty.content.decode()
    assert ProfileChangeRequest.objects.get().status == "submitted"
    with on_commit():
        client.post(CHANGELIST, {"action": "reject_with_reason",
                                 "reason": "The logo is not your company's.",
                                 "_selected_action": [str(change_request.pk)]})
    change_request.refresh_from_db()
    assert change_request.status == "rejected"
    assert change_request.rejection_reason == "The logo is not your company's."
    published.refresh_from_db()
    assert published.directory_name == "Contoso Distribution"
    assert dict(ProviderListing.objects.values_list("country", "target_url")) == {
        "US": "https://contoso.example/us"}
    assert visitor.get(DIRECTORY).content == before
    assert directory_names(visitor, "?country=DE") == []
    assert visitor.get(f"/directory/logos/{change_request.logo_id}.png").status_code == 404

    assert AuditEvent.objects.get(action="profile.change_rejected").data == {
        "reason": "The logo is not your company's."}
    assert [m.to for m in mail.outbox] == [[provider_admin.email]]
    assert "not approved" in mail.outbox[0].subject
    assert "The logo is not your company's." in mail.outbox[0].body

    client.force_login(provider_admin)
    profile = client.get(PROFILE).content.decode()
    assert "Rejected" in profile
    assert "The logo is not your company&#x27;s." in profile
    assert "Request a change" in profile


def test_a_decided_request_cannot_be_decided_again(operator, change_request):
    services.profile_change_reject(change_request=change_request, reason="No", actor=operator)
    with pytest.raises(DomainError, match="Only a request in review can be approved"):
        services.profile_change_approve(change_request=change_request, actor=operator)
    with pytest.raises(DomainError, match="Only a request in review can be rejected"):
        services.profile_change_reject(change_request=change_request, reason="No",
                                       actor=operator)


def test_approving_twice_is_harmless(operator, change_request, on_commit):
    with on_commit():
        services.profile_change_approve(change_request=change_request, actor=operator)
        services.profile_change_approve(change_request=change_request, actor=operator)
    assert AuditEvent.objects.filter(action="profile.change_approved").count() == 1
    assert len(mail.outbox) == 1


def test_removed_locations_leave_the_directory(client, provider_admin, published, operator,
                                               on_commit):
    services.directory_publish(provider=published, company_name="Contoso Distribution",
                               locations=[("US", "https://contoso.example/us"),
                                          ("FR", "https://contoso.example/fr")],
                               logo=published.directory_logo)
    client.force_login(provider_admin)
    with on_commit():
        client.post(REQUEST, form_data(
            locations=[("US", "https://contoso.example/us"),
                       ("FR", "https://contoso.example/fr")],
            **{"locations-1-DELETE": "on"}))
    change_request = ProfileChangeRequest.objects.get()
    with on_commit():
        services.profile_change_approve(change_request=change_request, actor=operator)
    assert list(ProviderListing.objects.values_list("country", flat=True)) == ["US"]
    client.logout()
    assert directory_names(client, "?country=FR") == []


def test_staff_without_the_change_permission_can_look_but_not_decide(client, change_request):
    from django.contrib.auth.models import Permission

    viewer = factories.UserFactory(email="viewer@partnercenter.test", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(
        codename="view_profilechangerequest"))
    client.force_login(viewer)
    page = client.get(f"{CHANGELIST}{change_request.pk}/change/").content.decode()
    assert "Published and requested, side by side" in page
    assert 'value="Approve and publish"' not in page
    client.post(CHANGELIST, {"action": "approve_and_publish",
                             "_selected_action": [str(change_request.pk)]})
    assert ProfileChangeRequest.objects.get().status == "submitted"


def test_overdue_filter_and_order(client, operator, change_request, published):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(operator)
    assert client.get(CHANGELIST + "?overdue=yes").context["cl"].result_count == 0
    ProfileChangeRequest.objects.update(due_at=timezone.now() - timedelta(hours=1))
    assert client.get(CHANGELIST + "?overdue=yes").context["cl"].result_count == 1
    assert client.get(CHANGELIST + "?overdue=no").context["cl"].result_count == 0
    page = client.get(f"{CHANGELIST}{change_request.pk}/change/").content.decode()
    assert "Overdue: the decision was due by" in page


def test_service_callers_get_the_same_validation(published, provider_admin):
    for locations, message in [
        ([("US", "https://a.example"), ("us", "https://b.example")], "more than once"),
        ([("US", "http://a.example")], "https://"),
        ([("ZZ", "https://a.example")], "Choose a country"),
        ([], "at least one location"),
    ]:
        with pytest.raises(DomainError, match=message):
            services.profile_change_submit(provider=published, submitted_by=provider_admin,
                                           company_name="Contoso", locations=locations)
    with pytest.raises(DomainError, match="company name"):
        services.profile_change_submit(provider=published, submitted_by=provider_admin,
                                       company_name=" ", locations=[("US", "https://a.example")])
    assert not ProfileChangeRequest.objects.exists()


def test_the_same_logo_is_stored_once(published, provider_admin, operator):
    logo = logo_from_bytes(png_bytes(colour=RED))
    first = services.profile_change_submit(provider=published, submitted_by=provider_admin,
                                           company_name="Contoso", new_logo=logo,
                                           locations=[("US", "https://contoso.example/us")])
    services.profile_change_withdraw(change_request=first, actor=provider_admin)
    second = services.profile_change_submit(provider=published, submitted_by=provider_admin,
                                            company_name="Contoso", new_logo=logo,
                                            locations=[("US", "https://contoso.example/us")])
    assert first.logo_id == second.logo_id


def test_approval_answers_and_publishes_while_the_cache_is_down(
        client, operator, change_request, on_commit, cache_unreachable, caplog):
    client.force_login(operator)
    with on_commit():
        response = client.post(CHANGELIST, {"action": "approve_and_publish",
                                            "_selected_action": str(change_request.pk)})
    assert response.status_code == 302
    change_request.refresh_from_db()
    assert change_request.status == "approved"
    # The cache said once that it gave up, without a traceback.
    lines = [r for r in caplog.records if r.name == "apps.cache"]
    assert lines[0].getMessage().startswith("cache unavailable: ")
    assert all(line.exc_info is None for line in lines)
    # The directory reads the database while the cache is down.
    assert "Contoso Cloud Distribution" in directory_names(client, "?country=DE")
