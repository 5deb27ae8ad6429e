"""Money always with its currency, and one date style per language."""

from datetime import date, datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils import timezone, translation

from apps.i18n import format_money, format_number
from apps.portal import views


def test_money_carries_its_currency_in_each_language():
    assert format_money(Decimal("1234.5"), "USD", "en") == "1,234.50 USD"
    assert format_money(Decimal("1234.5"), "USD", "zh-hans") == "1,234.50 USD"
    assert format_money(Decimal("1234"), "JPY", "en") == "1,234 JPY"
    assert format_money(None, "USD") == ""


def test_the_money_filter_uses_the_active_language():
    template = Template("{{ amount|money:currency }}")
    with translation.override("zh-hans"):
        assert template.render(Context({"amount": Decimal("6"), "currency": "EUR"})) == \
            "6.00 EUR"


def test_one_date_and_one_datetime_style_per_language():
    moment = timezone.make_aware(datetime(2026, 11, 30, 16, 3))
    template = Template('{{ d|date:"DATE_FORMAT" }}|{{ d|date:"SHORT_DATE_FORMAT" }}|'
                        '{{ m|date:"DATETIME_FORMAT" }}|{{ m|date:"SHORT_DATETIME_FORMAT" }}')
    context = Context({"d": date(2026, 11, 30), "m": moment})
    with translation.override("en"):
        assert template.render(context) == ("Nov 30, 2026|Nov 30, 2026|"
                                            "Nov 30, 2026, 16:03|Nov 30, 2026, 16:03")
    with translation.override("zh-hans"):
        assert template.render(context) == ("2026年11月30日|2026年11月30日|"
                                            "2026年11月30日 16:03|2026年11月30日 16:03")


def test_numbers_have_the_language_s_separators():
    assert format_number(12345, "en") == "12,345"
    assert format_number(12345, "zh-hans") == "12,345"
    assert format_number(Decimal("1234.5"), "en") == "1,234.5"
    assert format_number(7, "zh-hans") == "7"
    assert format_number(None) == ""


def test_the_number_filter_uses_the_active_language():
    template = Template("{{ n|number }}")
    for language in ("en", "zh-hans"):
        with translation.override(language):
            assert template.render(Context({"n": 1234567})) == "1,234,567"


def test_dashboard_counts_are_grouped(client, provider_admin, monkeypatch):
    real = views.dashboard_context

    def many(request):
        return {**real(request), "customer_count": 12345}

    monkeypatch.setattr(views, "dashboard_context", many)
    client.force_login(provider_admin)
    assert ">12,345</p>" in client.get("/o/contoso/").content.decode()
