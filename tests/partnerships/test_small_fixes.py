"""The draft's error shows once; the sign-in page leads newcomers to enrolment; the
customer's Partners page gives the provider's contacts; every page has a favicon."""

from pathlib import Path

from django.conf import settings

from apps.partnerships.services import invitation_create


def test_the_draft_error_shows_once(client, contoso, contoso_admin):
    invitation = invitation_create(provider=contoso, email="x@example.test",
                                   created_by=contoso_admin)
    client.force_login(contoso_admin)
    response = client.post(f"/o/contoso/resellers/invitations/{invitation.pk}/draft/",
                           {"subject": "Hello", "body": "No link here"})
    content = response.content.decode()
    assert content.count("Keep the personalized link in the message.") == 1
    # Before anything is posted, the (hidden) check the page makes as you type is there once.
    draft = client.get(f"/o/contoso/resellers/invitations/{invitation.pk}/draft/")
    assert draft.content.decode().count("Keep the personalized link in the message.") == 1


def test_the_sign_in_page_leads_to_enrolment(client, db):
    page = client.get("/accounts/login/?next=/invitations/partnership/abc/").content.decode()
    assert 'href="/resellers/enrol/?next=/invitations/partnership/abc/"' in page
    assert "Enrol your company as an indirect reseller" in page
    assert 'href="/accounts/signup/' not in page


def test_no_workspace_offers_enrolment(client, django_user_model):
    user = django_user_model.objects.create_user(email="lone@example.test", password="x")
    client.force_login(user)
    page = client.get("/").content.decode()
    assert "No organization yet" in page
    assert 'href="/resellers/enrol/"' in page


def test_the_partners_page_gives_the_providers_contacts(client, customer_admin, contoso_admin,
                                                        contoso_helpdesk, adatum_user):
    client.force_login(customer_admin)
    page = client.get("/o/adatum/partners/").content.decode()
    # The helpdesk agents first: they answer the customers.
    assert 'href="mailto:helpdesk@contoso.test"' in page
    assert "admin@contoso.test" not in page
    assert 'href="/o/adatum/support/new/"' in page


def test_the_partners_page_falls_back_on_the_providers_admins(client, customer_admin,
                                                              contoso_admin):
    client.force_login(customer_admin)
    assert 'href="mailto:admin@contoso.test"' in client.get("/o/adatum/partners/"
                                                            ).content.decode()


def test_every_page_names_a_favicon_that_exists(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.svg"' in page
    for name in ("favicon.svg", "favicon.ico"):
        assert (Path(settings.BASE_DIR) / "static" / "img" / name).stat().st_size > 0
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response.url == "/static/img/favicon.ico"
