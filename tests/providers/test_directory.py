"""The public directory: filters, search, pages, junk, caching, constant queries; logos."""

import re

import pytest
from django.test import Client

from apps.organizations.models import Organization
from apps.providers.logos import logo_from_bytes
from apps.providers.services import directory_publish, logo_store
from tests import factories
from tests.providers.conftest import DIRECTORY
from tests.providers.images import png_bytes


def publish(name, locations, colour=None):
    org = factories.ProviderFactory(name=f"{name} (org)")
    logo = logo_store(logo=logo_from_bytes(png_bytes(colour=colour))) if colour else None
    directory_publish(provider=org.provider, company_name=name, logo=logo,
                      locations=[(code, f"https://{name.lower().replace(' ', '-')}.example/"
                                  f"{code.lower()}") for code in locations])
    return org


def names(response):
    return [item["name"] for item in response.context["page"].object_list]


@pytest.fixture
def listed_providers(db):
    """Three published listings (Contoso Distribution in the US and Germany, Tailspin Cloud,
    Litware Distribution) and one provider never published."""
    publish("Contoso Distribution", ["US", "DE"], colour=(11, 61, 110, 255))
    publish("Tailspin Cloud", ["GB", "IE"])
    publish("Litware Distribution", ["DE"])
    factories.ProviderFactory(name="Unlisted Provider")  # never published


def test_the_page_is_public_titled_described_and_cacheable(client, listed_providers, settings):
    settings.PORTAL_DIRECTORY_MAX_AGE = 60
    response = client.get(DIRECTORY)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Find an indirect provider · Partner Center</title>" in content
    assert '<meta name="description" content="The official directory of indirect' in content
    assert content.count("<h1") == 1
    assert content.count('<meta name="description"') == 1
    assert response["Cache-Control"] == "public, max-age=60"
    assert "Set-Cookie" not in response.headers  # no CSRF or session cookie to share
    assert "csrfmiddlewaretoken" not in content
    assert "X-CSRFToken" not in content
    assert names(response) == ["Contoso Distribution", "Contoso Distribution",
                               "Litware Distribution", "Tailspin Cloud", "Tailspin Cloud"]
    assert 'href="https://contoso-distribution.example/de"' in content
    assert 'rel="noopener nofollow external"' in content
    assert "Unlisted Provider" not in content


def test_signed_in_visitors_get_a_private_copy(client, listed_providers, provider_admin):
    client.force_login(provider_admin)
    response = client.get(DIRECTORY)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_filter_by_country_offers_only_countries_with_listings(client, listed_providers):
    response = client.get(DIRECTORY + "?country=DE")
    assert names(response) == ["Contoso Distribution", "Litware Distribution"]
    content = response.content.decode()
    assert "<title>Indirect providers in Germany · Partner Center</title>" in content
    assert "<h1>Indirect providers in Germany</h1>" in content
    assert 'content="Indirect cloud providers (distributors) in Germany' in content
    choices = [code for code, _ in response.context["form"].fields["country"].choices]
    assert choices == ["", "DE", "IE", "GB", "US"]  # by name: Germany, Ireland, UK, US
    assert 'value="DE" selected' in content
    lower = client.get(DIRECTORY + "?country=de")
    assert names(lower) == names(response)


def test_a_country_without_listings_says_so(client, listed_providers):
    response = client.get(DIRECTORY + "?country=FR")
    assert response.status_code == 200
    assert names(response) == []
    assert "No indirect provider is listed for France yet." in response.content.decode()


def test_search_by_name(client, listed_providers):
    assert names(client.get(DIRECTORY + "?q=tailspin")) == ["Tailspin Cloud"] * 2
    assert names(client.get(DIRECTORY + "?q=DISTRIBUTION&country=DE")) == [
        "Contoso Distribution", "Litware Distribution"]
    response = client.get(DIRECTORY + "?q=fabrikam")
    assert names(response) == []
    assert "No indirect provider matches “fabrikam”." in response.content.decode()
    # The organization's own name is not searched: only what the directory shows.
    assert names(client.get(DIRECTORY + "?q=(org)")) == []


@pytest.mark.parametrize("query", [
    "?country=ZZ", "?country=<script>", "?country=" + "D" * 500, "?country=%00",
    "?q=" + "x" * 5000, "?q=%00%00", "?q=%25%5F", "?page=abc", "?page=-1", "?page=0",
    "?page=99999999999999999999", "?page=1.5", "?country=DE&page=999", "?sort=password",
    "?country=DE&country=US", "?q=<b>bold</b>",
])
def test_junk_parameters_never_fail(client, listed_providers, query):
    response = client.get(DIRECTORY + query)
    assert response.status_code == 200, query
    assert "<b>bold</b>" not in response.content.decode()


def test_pages(client, db):
    for n in range(30):
        publish(f"Provider {n:02d}", ["NL"])
    first = client.get(DIRECTORY + "?country=NL")
    assert len(names(first)) == 24
    assert first.context["page"].num_pages == 2
    content = first.content.decode()
    assert 'href="?country=NL&amp;page=2"' in content
    assert "Page 1 of 2" in content
    second = client.get(DIRECTORY + "?country=NL&page=2")
    assert names(second) == [f"Provider {n:02d}" for n in range(24, 30)]
    assert "<title>Indirect providers in Netherlands · page 2 · Partner Center</title>" in (
        second.content.decode())
    assert names(client.get(DIRECTORY + "?country=NL&page=50")) == names(second)
    assert names(client.get(DIRECTORY + "?country=NL&page=zz")) == names(first)


def test_inactive_and_unpublished_providers_are_hidden(client, listed_providers):
    Organization.objects.filter(name="Tailspin Cloud (org)").update(is_active=False)
    assert "Tailspin Cloud" not in names(client.get(DIRECTORY))
    assert "GB" not in dict(client.get(DIRECTORY).context["form"].fields["country"].choices)


@pytest.mark.parametrize("count", [3, 40])
def test_query_count_does_not_grow_with_listings(client, db, count,
                                                 django_assert_max_num_queries,
                                                 django_assert_num_queries):
    for n in range(count):
        publish(f"Provider {n:02d}", ["US", "CA"], colour=(n, 0, 0, 255))
    # Cold cache: the countries, the count and the page.
    with django_assert_max_num_queries(3):
        cold = client.get(DIRECTORY + "?country=US&q=provider")
    assert len(names(cold)) == min(count, 24)
    # Warm cache: no query at all.
    with django_assert_num_queries(0):
        warm = client.get(DIRECTORY + "?country=US&q=provider")
    assert names(warm) == names(cold)


def test_a_publish_shows_at_once_despite_the_cache(client, listed_providers,
                                                   django_capture_on_commit_callbacks):
    assert names(client.get(DIRECTORY + "?country=FR")) == []
    with django_capture_on_commit_callbacks(execute=True):
        publish("Fourth Coffee Cloud", ["FR"])
    assert names(client.get(DIRECTORY + "?country=FR")) == ["Fourth Coffee Cloud"]


# ------------------------------------------------------------------ logos


def logo_url(response):
    return re.search(r'src="(/directory/logos/[0-9a-f]{64}\.png)"', response.content.decode()
                     ).group(1)


def test_a_logo_is_served_with_long_lived_caching_and_etag(client, listed_providers):
    url = logo_url(client.get(DIRECTORY + "?country=US"))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert response["Content-Length"] == str(len(response.content))
    digest = url.rsplit("/", 1)[1].removesuffix(".png")
    assert response["ETag"] == f'"{digest}"'
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response.headers
    again = client.get(url, headers={"If-None-Match": f'"{digest}"'})
    assert again.status_code == 304
    assert again.content == b""
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_logos_that_are_not_public_are_not_found(client, listed_providers):
    unpublished = logo_store(logo=logo_from_bytes(png_bytes(colour=(1, 2, 3, 255))))
    assert client.get(f"/directory/logos/{unpublished.pk}.png").status_code == 404
    assert client.get("/directory/logos/" + "0" * 64 + ".png").status_code == 404
    assert client.get("/directory/logos/not-a-digest.png").status_code == 404
    assert client.get("/directory/logos/" + "A" * 64 + ".png").status_code == 404
    url = logo_url(client.get(DIRECTORY + "?country=US"))
    Organization.objects.filter(name="Contoso Distribution (org)").update(is_active=False)
    assert Client().get(url).status_code == 404
