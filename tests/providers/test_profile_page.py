"""The Directory profile page: the published listing, the request in review, the history."""

from django.core.management import call_command

from apps.providers.models import ProfileChangeRequest, ProviderListing, ProviderLogo
from apps.providers.services import profile_change_reject, profile_change_submit
from tests.providers.conftest import DIRECTORY, PROFILE


def test_only_provider_admins_find_it_in_the_menu(client, provider_admin, provider_sales):
    client.force_login(provider_admin)
    labels = [str(i["label"]) for i in client.get("/o/contoso/").context["workspace_menu"]]
    assert "Directory profile" in labels
    client.force_login(provider_sales)
    labels = [str(i["label"]) for i in client.get("/o/contoso/").context["workspace_menu"]]
    assert "Directory profile" not in labels
    assert client.get(PROFILE).status_code == 403


def test_the_page_shows_the_published_listing(client, provider_admin, published):
    client.force_login(provider_admin)
    response = client.get(PROFILE)
    content = response.content.decode()
    assert "<title>Directory profile · Contoso Distribution · Partner Center</title>" in content
    assert content.count("<h1") == 1
    assert f'src="/directory/logos/{published.directory_logo_id}.png"' in content
    assert 'href="https://contoso.example/us"' in content
    assert 'href="/directory/?country=US"' in content
    assert "Request a change" in content
    assert "No change requests yet." in content


def test_history_is_paginated_and_shows_outcomes(client, provider_admin, published, operator):
    for n in range(12):
        change_request = profile_change_submit(
            provider=published, submitted_by=provider_admin, company_name=f"Contoso {n}",
            locations=[("US", "https://contoso.example/us")])
        profile_change_reject(change_request=change_request, reason=f"Reason {n}",
                              actor=operator)
    client.force_login(provider_admin)
    first = client.get(PROFILE)
    assert len(first.context["history"].object_list) == 10
    assert "Reason 11" in first.content.decode()
    second = client.get(PROFILE + "?page=2").content.decode()
    assert "Reason 0" in second
    assert client.get(PROFILE + "?page=junk").status_code == 200


def test_other_kinds_of_organization_have_no_profile(client, reseller_admin, customer_admin):
    client.force_login(reseller_admin)
    assert client.get("/o/northwind/profile/").status_code == 404
    client.force_login(customer_admin)
    assert client.get("/o/adatum/profile/request/").status_code == 404


def test_seed_demo_lists_contoso_and_tailspin_once(client, db):
    call_command("seed_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (ProviderListing.objects.count(), ProviderLogo.objects.count())
    call_command("seed_demo", "--force", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (ProviderListing.objects.count(), ProviderLogo.objects.count()) == counts
    listings = set(ProviderListing.objects.values_list("provider__directory_name", "country",
                                                       "target_url"))
    assert ("Contoso Distribution", "US", "https://contoso.example/us") in listings
    assert ("Tailspin Cloud", "GB", "https://tailspin.example/uk") in listings
    names = [item["name"] for item in client.get(DIRECTORY).context["page"].object_list]
    assert "Contoso Distribution" in names
    assert "Tailspin Cloud" in names
    assert not ProfileChangeRequest.objects.exists()


def test_page_queries_do_not_grow_with_the_history(client, provider_admin, published, operator,
                                                   django_assert_max_num_queries):
    def add(n):
        for i in range(n):
            change_request = profile_change_submit(
                provider=published, submitted_by=provider_admin, company_name=f"Contoso {i}",
                locations=[("US", "https://contoso.example/us"),
                           ("DE", "https://contoso.example/de")])
            profile_change_reject(change_request=change_request, reason="No", actor=operator)

    client.force_login(provider_admin)
    add(1)
    with django_assert_max_num_queries(14) as few:
        client.get(PROFILE)
    add(9)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(PROFILE)
