"""Request a change: the form, its validation (bad input saves nothing), one request at a time."""

import pytest
from django.core import mail

from apps.audit.models import AuditEvent
from apps.providers.models import ProfileChangeRequest, ProviderListing, ProviderLogo
from tests.providers.conftest import PROFILE, REQUEST, form_data
from tests.providers.images import SVG, jpeg_bytes, png_bytes, upload


def test_the_form_starts_from_the_published_profile(client, provider_admin, published):
    client.force_login(provider_admin)
    response = client.get(REQUEST)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Request a change</h1>" in content
    assert 'enctype="multipart/form-data"' in content
    assert response.context["form"]["company_name"].value() == "Contoso Distribution"
    first = response.context["formset"].forms[0]
    assert first["country"].value() == "US"
    assert first["target_url"].value() == "https://contoso.example/us"
    assert "Remove this location" in content
    assert "Remove the current logo" in content
    assert content.count("<label") >= 8  # every field has its label
    assert "<title>Request a change · Directory profile · Contoso Distribution" in content


def test_a_new_provider_starts_from_its_organization_name(client, provider_admin):
    client.force_login(provider_admin)
    response = client.get(REQUEST)
    assert response.context["form"]["company_name"].value() == "Contoso Distribution"
    assert "remove_logo" not in response.context["form"].fields
    profile = client.get(PROFILE).content.decode()
    assert "Not in the directory yet." in profile


def test_submitting_creates_a_tracked_request_and_tells_the_operators(
        client, provider_admin, published, operator, on_commit, settings):
    settings.PORTAL_PROFILE_REVIEW_DAYS = 3
    client.force_login(provider_admin)
    data = form_data(company_name="  Contoso   Cloud Distribution ",
                     locations=[("US", "https://contoso.example/us"),
                                ("DE", "https://contoso.example/de")], initial=1,
                     logo=upload(jpeg_bytes(size=(800, 400)), name="logo.jpg",
                                 content_type="image/jpeg"))
    with on_commit():
        response = client.post(REQUEST, data)
    assert response.status_code == 302
    assert response.url == PROFILE
    change_request = ProfileChangeRequest.objects.get()
    assert change_request.status == "submitted"
    assert change_request.submitted_by == provider_admin
    assert change_request.company_name == "Contoso Cloud Distribution"
    assert (change_request.logo.width, change_request.logo.height) == (512, 256)
    assert bytes(change_request.logo.png).startswith(b"\x89PNG")
    assert change_request.previous_company_name == "Contoso Distribution"
    assert change_request.previous_logo == published.directory_logo
    assert change_request.previous_locations == [
        {"country": "US", "target_url": "https://contoso.example/us"}]
    assert sorted((loc.country.code, loc.target_url)
                  for loc in change_request.locations.all()) == [
        ("DE", "https://contoso.example/de"), ("US", "https://contoso.example/us")]
    days = (change_request.due_at - change_request.submitted_at).days
    assert days == 3
    # Nothing public changes before an operator approves.
    published.refresh_from_db()
    assert published.directory_name == "Contoso Distribution"
    assert list(ProviderListing.objects.values_list("country", flat=True)) == ["US"]

    event = AuditEvent.objects.get(action="profile.change_submitted")
    assert event.actor == provider_admin
    assert event.organization == published.organization
    assert event.data["changed"] == ["company_name", "logo", "locations"]
    assert event.data["countries"] == ["DE", "US"]

    assert [m.to for m in mail.outbox] == [["ops@partnercenter.test"]]
    message = mail.outbox[0]
    assert "Directory profile change to review: Contoso Distribution" in message.subject
    assert "Germany: added https://contoso.example/de" in message.body
    assert f"/admin/providers/profilechangerequest/{change_request.pk}/change/" in message.body

    page = client.get(response.url).content.decode()
    assert "with our operators" in page
    assert "In review since" in page
    assert "Withdraw the request" in page
    assert "data:image/png;base64," in page  # the requested logo, not public yet


def test_operator_addresses_come_from_the_setting_when_set(client, provider_admin, published,
                                                           operator, on_commit, settings):
    settings.PORTAL_OPERATOR_EMAILS = ["directory@partnercenter.test", "ops2@partnercenter.test"]
    client.force_login(provider_admin)
    with on_commit():
        client.post(REQUEST, form_data(company_name="Contoso Cloud"))
    # One message per operator address.
    assert sorted(m.to[0] for m in mail.outbox) == ["directory@partnercenter.test",
                                                    "ops2@partnercenter.test"]
    assert all(len(m.to) == 1 for m in mail.outbox)


HUGE = b"\x89PNG\r\n\x1a\n" + b"\x00" * (1024 * 1024 + 1)


@pytest.mark.parametrize(("data", "where", "message"), [
    (form_data(company_name=""), "company_name", "This field is required."),
    (form_data(company_name="   "), "company_name", "This field is required."),
    (form_data(company_name="x" * 201), "company_name", "at most 200 characters"),
    (form_data(company_name="Contoso\x00"), "company_name", "Null characters"),
    (form_data(logo=upload(HUGE)), "logo", "the largest accepted is 1 MB"),
    (form_data(logo=upload(b"not an image at all", name="logo.png")), "logo",
     "not a PNG or JPEG image"),
    (form_data(logo=upload(SVG, name="logo.svg", content_type="image/svg+xml")), "logo",
     "SVG logos are not accepted"),
    (form_data(logo=upload(SVG, name="logo.png")), "logo", "SVG logos are not accepted"),
    (form_data(logo=upload(png_bytes()[:70])), "logo", "could not be read"),
    (form_data(logo=upload(b"", name="empty.png")), "logo", "The submitted file is empty."),
    (form_data(locations=[("US", "javascript:alert(1)")]), "0-target_url",
     "starts with https://"),
    (form_data(locations=[("US", "http://contoso.example/us")]), "0-target_url",
     "must start with https://, not http://"),
    (form_data(locations=[("US", "https://user:secret@contoso.example/")]), "0-target_url",
     "user name or password"),
    (form_data(locations=[("US", "https://contoso example")]), "0-target_url",
     "spaces or control characters"),
    (form_data(locations=[("US", "https://")]), "0-target_url", "valid https:// address"),
    (form_data(locations=[("US", "ftp://contoso.example/")]), "0-target_url",
     "starts with https://"),
    (form_data(locations=[("US", "https://contoso.example/" + "a" * 500)]), "0-target_url",
     "at most 500 characters"),
    (form_data(locations=[("US", "")]), "0-target_url", "This field is required."),
    (form_data(locations=[("XX", "https://contoso.example/")]), "0-country",
     "Select a valid choice"),
    (form_data(locations=[("DE", "https://contoso.example/de"),
                          ("DE", "https://contoso.example/de2")], initial=0), "1-country",
     "Germany is already listed above"),
    (form_data(locations=[("US", "https://contoso.example/us")], initial=1,
               **{"locations-0-DELETE": "on"}), "locations", "Keep at least one location"),
    # A tampered formset counts no rows: still a clear error, never a 500.
    (form_data(**{"locations-TOTAL_FORMS": "x"}), "locations", "Keep at least one location"),
    (form_data(remove_logo="on", logo=upload(png_bytes())), "remove_logo",
     "not both"),
])
def test_bad_input_gives_a_clear_error_and_saves_nothing(client, provider_admin, published,
                                                         data, where, message):
    client.force_login(provider_admin)
    logos = ProviderLogo.objects.count()
    response = client.post(REQUEST, data)
    assert response.status_code == 200
    form, formset = response.context["form"], response.context["formset"]
    if where in form.fields:
        errors = form.errors.get(where, [])
    elif where == "locations":
        errors = list(formset.non_form_errors())
    else:
        index, field = where.split("-")
        errors = formset.forms[int(index)].errors.get(field, [])
    assert any(message in str(error) for error in errors), (form.errors, formset.errors,
                                                           formset.non_form_errors())
    assert not ProfileChangeRequest.objects.exists()
    assert ProviderLogo.objects.count() == logos
    # The error is tied to its field for assistive technology.
    content = response.content.decode()
    if where in form.fields and where != "remove_logo":
        assert f'aria-describedby="id_{where}_helptext id_{where}_error"' in content or (
            f'id="id_{where}_error"' in content)


def test_duplicate_locations_are_named_at_the_top_too(client, provider_admin, published):
    client.force_login(provider_admin)
    response = client.post(REQUEST, form_data(locations=[
        ("DE", "https://contoso.example/de"), ("US", "https://contoso.example/us"),
        ("DE", "https://contoso.example/de2")], initial=1))
    content = response.content.decode()
    assert "Each country can be listed once: Germany appears more than once." in content
    assert not ProfileChangeRequest.objects.exists()


def test_every_problem_shows_in_one_go(client, provider_admin, published):
    client.force_login(provider_admin)
    response = client.post(REQUEST, form_data(company_name="", locations=[
        ("DE", "https://contoso.example/de"), ("DE", "http://contoso.example/de")], initial=0))
    formset = response.context["formset"]
    assert "company_name" in response.context["form"].errors
    assert "already listed above" in str(formset.forms[1].errors["country"])
    assert "not http://" in str(formset.forms[1].errors["target_url"])
    assert "Germany appears more than once" in str(formset.non_form_errors())


def test_blank_extra_rows_are_ignored_and_urls_without_scheme_are_refused(
        client, provider_admin, published, on_commit):
    client.force_login(provider_admin)
    with on_commit():
        response = client.post(REQUEST, form_data(
            company_name="Contoso Cloud",
            locations=[("US", "https://contoso.example/us"), ("", "")], initial=1))
    assert response.status_code == 302
    assert ProfileChangeRequest.objects.get().locations.count() == 1
    ProfileChangeRequest.objects.update(status="withdrawn")
    response = client.post(REQUEST, form_data(locations=[("US", "contoso.example/us")]))
    assert "starts with https://" in response.content.decode()


def test_nothing_to_change_is_refused(client, provider_admin, published):
    client.force_login(provider_admin)
    response = client.post(REQUEST, form_data())
    assert response.status_code == 200
    assert "Nothing to change" in response.content.decode()
    assert not ProfileChangeRequest.objects.exists()


def test_one_request_in_review_at_a_time(client, provider_admin, published, on_commit):
    client.force_login(provider_admin)
    with on_commit():
        client.post(REQUEST, form_data(company_name="Contoso Cloud"))
    page = client.get(REQUEST).content.decode()
    assert "is in review" in page
    assert 'name="company_name"' not in page
    response = client.post(REQUEST, form_data(company_name="Contoso Again"))
    assert response.status_code == 200
    assert "is in review. Wait for the decision, or withdraw it" in response.content.decode()
    assert ProfileChangeRequest.objects.count() == 1


def test_the_database_keeps_one_pending_request_per_provider(published, provider_admin):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    def make():
        return ProfileChangeRequest.objects.create(
            provider=published, company_name="X", due_at=timezone.now())
    make()
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_withdrawing_frees_the_way_for_another_request(client, provider_admin, published,
                                                       on_commit):
    client.force_login(provider_admin)
    with on_commit():
        client.post(REQUEST, form_data(company_name="Contoso Cloud"))
    change_request = ProfileChangeRequest.objects.get()
    response = client.post(f"/o/contoso/profile/requests/{change_request.pk}/withdraw/")
    assert response.url == PROFILE
    change_request.refresh_from_db()
    assert change_request.status == "withdrawn"
    assert AuditEvent.objects.filter(action="profile.change_withdrawn").exists()
    again = client.post(f"/o/contoso/profile/requests/{change_request.pk}/withdraw/",
                        follow=True)
    assert "Only a request in review can be withdrawn" in again.content.decode()
    with on_commit():
        assert client.post(REQUEST, form_data(company_name="Contoso Two")).status_code == 302


def test_another_providers_request_is_not_found(client, provider_admin, outsider, published,
                                                on_commit):
    client.force_login(provider_admin)
    with on_commit():
        client.post(REQUEST, form_data(company_name="Contoso Cloud"))
    change_request = ProfileChangeRequest.objects.get()
    client.force_login(outsider)
    response = client.post(f"/o/tailspin/profile/requests/{change_request.pk}/withdraw/")
    assert response.status_code == 404
    assert ProfileChangeRequest.objects.get().status == "submitted"


def test_removing_the_logo_is_a_change(client, provider_admin, published, on_commit):
    client.force_login(provider_admin)
    with on_commit():
        client.post(REQUEST, form_data(remove_logo="on"))
    change_request = ProfileChangeRequest.objects.get()
    assert change_request.logo is None
    assert change_request.previous_logo == published.directory_logo


def test_sales_and_helpdesk_cannot_request(client, provider_sales, provider_helpdesk,
                                           published):
    for user in (provider_sales, provider_helpdesk):
        client.force_login(user)
        assert client.post(REQUEST, form_data(company_name="X")).status_code == 403
    assert not ProfileChangeRequest.objects.exists()
