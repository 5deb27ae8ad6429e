"""Choosing the language: the browser's for visitors, the switch, and the saved preference."""

import pytest
from django.conf import settings
from django.test import Client

from apps.organizations.roles import Role
from tests import factories

SWITCH = "/i18n/setlang/"
COOKIE = settings.LANGUAGE_COOKIE_NAME


def test_the_sign_in_page_follows_accept_language(client):
    response = client.get("/accounts/login/", headers={"accept-language": "zh-CN,zh;q=0.9"})
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "登录" in html
    assert "合作伙伴中心" in html
    assert response["Content-Language"] == "zh-hans"


def test_an_english_browser_gets_english(client):
    html = client.get("/accounts/login/", headers={"accept-language": "en-GB"}).content.decode()
    assert '<html lang="en">' in html
    assert "Sign in" in html


def test_the_sign_in_page_has_the_language_switch(client):
    html = client.get("/accounts/login/").content.decode()
    assert f'action="{SWITCH}"' in html
    assert 'name="language" value="zh-hans" lang="zh-Hans"' in html
    assert ">简体中文</button>" in html


def test_a_visitor_switches_without_an_account(client):
    response = client.post(SWITCH, {"language": "zh-hans", "next": "/directory/"})
    assert response.status_code == 302
    assert response.url == "/directory/"
    assert response.cookies[COOKIE].value == "zh-hans"
    html = client.get("/accounts/login/", headers={"accept-language": "en"}).content.decode()
    assert '<html lang="zh-Hans">' in html


def test_an_unknown_language_changes_nothing(client):
    response = client.post(SWITCH, {"language": "de", "next": "/"})
    assert COOKIE not in response.cookies


def test_the_switch_is_post_only(client):
    assert client.get(SWITCH).status_code == 405


@pytest.fixture
def provider_admin_en(provider):
    return factories.member(provider, Role.ADMIN, email="admin@contoso.test", language="en")


def test_a_signed_in_switch_is_saved_on_the_account(client, provider_admin_en):
    client.force_login(provider_admin_en)
    client.post(SWITCH, {"language": "zh-hans", "next": "/"})
    provider_admin_en.refresh_from_db()
    assert provider_admin_en.language == "zh-hans"
    # The saved choice wins over an English browser, on every page.
    html = client.get("/o/contoso/", headers={"accept-language": "en"}).content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "仪表板" in html


def test_a_signed_in_switch_needs_the_csrf_token(provider_admin_en):
    client = Client(enforce_csrf_checks=True)
    client.force_login(provider_admin_en)
    response = client.post(SWITCH, {"language": "zh-hans", "next": "/"})
    assert response.status_code == 403
    provider_admin_en.refresh_from_db()
    assert provider_admin_en.language == "en"


def test_a_visitors_switch_needs_no_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post(SWITCH, {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[COOKIE].value == "zh-hans"


def test_the_saved_language_wins_after_sign_in_and_stays_after_sign_out(client, provider):
    user = factories.member(provider, Role.ADMIN, email="li@contoso.test", language="zh-hans")
    user.set_password("Long-enough-pass-1")
    user.save()
    response = client.post("/accounts/login/", {"login": user.email,
                                                "password": "Long-enough-pass-1"},
                           headers={"accept-language": "en"}, follow=True)
    assert '<html lang="zh-Hans">' in response.content.decode()
    assert client.cookies[COOKIE].value == "zh-hans"
    client.post("/accounts/logout/")
    html = client.get("/accounts/login/", headers={"accept-language": "en"}).content.decode()
    assert '<html lang="zh-Hans">' in html


def test_a_first_sign_in_keeps_the_language_it_was_made_in(client, provider):
    user = factories.member(provider, Role.ADMIN, email="wang@contoso.test", language="")
    user.set_password("Long-enough-pass-1")
    user.save()
    client.post("/accounts/login/", {"login": user.email, "password": "Long-enough-pass-1"},
                headers={"accept-language": "zh-CN"})
    user.refresh_from_db()
    assert user.language == "zh-hans"


def test_the_top_bar_names_the_current_language(client, provider_admin_en):
    provider_admin_en.language = "zh-hans"
    provider_admin_en.save()
    client.force_login(provider_admin_en)
    html = client.get("/o/contoso/").content.decode()
    assert '<span lang="zh-Hans">简体中文</span>' in html
    assert 'aria-current="true">简体中文</button>' in html
    assert 'lang="en" class="dropdown-item">English</button>' in html


def test_allauths_mail_speaks_the_accounts_language(client, provider):
    from django.core import mail

    factories.member(provider, Role.ADMIN, email="zhao@contoso.test", language="zh-hans")
    client.post("/accounts/password/reset/", {"email": "zhao@contoso.test"},
                headers={"accept-language": "en"})
    message = mail.outbox[-1]
    assert message.to == ["zhao@contoso.test"]
    assert message.subject.startswith("[合作伙伴中心] ")
    assert "密码" in message.body
