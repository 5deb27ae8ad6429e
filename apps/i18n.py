"""The portal's languages: which one a person gets, and their names and codes in pages.

Templates get `html_lang` and `portal_languages` from the context processor here, and the
filters `html_lang` and `native_language_name` everywhere (a builtin library, see settings).
"""

from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel.numbers import format_currency, format_decimal, parse_pattern
from django import template
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import F
from django.db.models.functions import Collate
from django.utils import translation
from django.utils.translation import gettext_noop

register = template.Library()

# Country names that django-countries' own Chinese catalog leaves untranslated: marked here
# so that our catalog (which comes first) supplies them. The country lists show them all.
COUNTRY_NAMES_MISSING_UPSTREAM = [
    gettext_noop("Bahamas (The)"),
    gettext_noop("Democratic Republic of the Congo"),
    gettext_noop("Eswatini"),
    gettext_noop("Falkland Islands (Malvinas)"),
    gettext_noop("Micronesia"),
    gettext_noop("Netherlands (Kingdom of the)"),
    gettext_noop("North Macedonia"),
    gettext_noop("Palestine"),
    gettext_noop("Saint Helena"),
    gettext_noop("South Georgia"),
    gettext_noop("Tanzania, the United Republic of"),
    gettext_noop("Türkiye"),
    gettext_noop("Vatican City"),
]


def portal_language(code):
    """`code` when it is one of the portal's languages (any case, 'zh-Hans' too), else None."""
    if not code:
        return None
    code = str(code).lower().replace("_", "-")
    return code if code in dict(settings.LANGUAGES) else None


@register.filter
def html_lang(code):
    """The BCP 47 tag of a language code, for lang="…": 'zh-hans' → 'zh-Hans'."""
    parts = str(code or settings.LANGUAGE_CODE).replace("_", "-").split("-")
    tags = [parts[0].lower()]
    for part in parts[1:]:
        # A four-letter subtag is a script (Title case), two letters a region (upper case).
        tags.append(part.title() if len(part) == 4 else part.upper() if len(part) == 2
                    else part.lower())
    return "-".join(tags)


@register.simple_tag(name="html_lang")
def current_html_lang():
    """{% html_lang %}: the active language's tag, where no request context is (mail)."""
    return html_lang(translation.get_language())


@register.filter
def native_language_name(code):
    """A language as it names itself ('简体中文'); an unknown code as it is."""
    known = portal_language(code)
    return dict(settings.LANGUAGES)[known] if known else (code or "")


# Parsed once: a list of amounts would otherwise parse the pattern again for each one.
_MONEY_PATTERN = parse_pattern("#,##0.00 ¤¤")


def format_money(amount, currency, language=None):
    """An amount with its currency, in the language's number style: '1,234.50 USD'.

    Always the ISO code (a bare '$' could be any dollar), after the number, with the
    currency's own decimals (JPY none). Babel's CLDR data knows each locale's separators.
    """
    if amount is None or amount == "":
        return ""
    locale = translation.to_locale(language or translation.get_language()
                                   or settings.LANGUAGE_CODE)
    return format_currency(Decimal(amount), currency, format=_MONEY_PATTERN, locale=locale,
                           currency_digits=True)


@register.filter
def money(amount, currency):
    """{{ amount|money:currency }}: see format_money."""
    return format_money(amount, currency)


def format_number(value, language=None):
    """A count or other number in the language's style, with its grouping: '12,345'."""
    if value is None or value == "":
        return ""
    locale = translation.to_locale(language or translation.get_language()
                                   or settings.LANGUAGE_CODE)
    return format_decimal(Decimal(value), locale=locale)


@register.filter
def number(value):
    """{{ count|number }}: see format_number."""
    return format_number(value)


# -- Time zones ------------------------------------------------------------------------------

# The zones the account page offers (IANA names, which both languages read the same way).
COMMON_TIME_ZONES = [
    "UTC",
    "Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo",
    "Asia/Seoul", "Asia/Kolkata", "Asia/Dubai", "Australia/Sydney", "Pacific/Auckland",
    "Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin", "Europe/Amsterdam",
    "Europe/Madrid", "Europe/Rome", "Europe/Stockholm", "Europe/Warsaw", "Europe/Moscow",
    "Africa/Johannesburg", "America/Sao_Paulo", "America/Mexico_City", "America/New_York",
    "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Toronto",
    "America/Vancouver",
]

# An organization's country → the zone its people most likely work in (the capital's or
# the most populous region's). Countries not listed fall back to UTC.
COUNTRY_TIME_ZONES = {
    "CN": "Asia/Shanghai", "HK": "Asia/Hong_Kong", "TW": "Asia/Taipei", "SG": "Asia/Singapore",
    "JP": "Asia/Tokyo", "KR": "Asia/Seoul", "IN": "Asia/Kolkata", "AE": "Asia/Dubai",
    "AU": "Australia/Sydney", "NZ": "Pacific/Auckland", "GB": "Europe/London",
    "IE": "Europe/Dublin", "FR": "Europe/Paris", "DE": "Europe/Berlin",
    "NL": "Europe/Amsterdam", "ES": "Europe/Madrid", "IT": "Europe/Rome",
    "SE": "Europe/Stockholm", "PL": "Europe/Warsaw", "RU": "Europe/Moscow",
    "ZA": "Africa/Johannesburg", "BR": "America/Sao_Paulo", "MX": "America/Mexico_City",
    "US": "America/New_York", "CA": "America/Toronto",
}


@cache
def _known_time_zones():
    # available_timezones() walks the zone database on disk (about 9 ms): once per process.
    return frozenset(available_timezones())


def is_time_zone(name):
    """True for an IANA zone name this machine knows."""
    return bool(name) and (name == "UTC" or name in _known_time_zones())


def time_zone_for_country(country):
    """The default zone for an organization's country code ('CN' → 'Asia/Shanghai')."""
    return COUNTRY_TIME_ZONES.get(str(country or "").upper(), "UTC")


def time_zone_choices():
    """(name, label) pairs for the account page: '(UTC+08:00) Asia/Shanghai', by offset."""
    now = datetime.now(tz=ZoneInfo("UTC"))
    offsets = {name: now.astimezone(ZoneInfo(name)).utcoffset() or timedelta(0)
               for name in COMMON_TIME_ZONES}

    def label(name):
        minutes = int(offsets[name].total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        return f"(UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}) {name}"

    return [(name, label(name)) for name in sorted(COMMON_TIME_ZONES,
                                                   key=lambda n: (offsets[n], n))]


def user_language(user):
    """The language a user chose (or first used) in the portal, or None."""
    return portal_language(getattr(user, "language", "")) if user is not None else None


def recipient_languages(addresses, *, fallback=None):
    """{address: language} for mail: each account's saved language; addresses without one
    get `fallback` (for an invitation: the sender's language), else the default language."""
    fallback = portal_language(fallback) or settings.LANGUAGE_CODE
    saved = {
        email.lower(): portal_language(language)
        for email, language in get_user_model().objects
        .filter(email__in=[a.lower() for a in addresses]).values_list("email", "language")
    }
    return {address: saved.get(address.lower()) or fallback for address in addresses}


def languages(request):
    """Context processor: the page's lang attribute and the language switch's choices."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "html_lang": html_lang(current),
        "current_language": portal_language(current) or settings.LANGUAGE_CODE,
        "portal_languages": [
            {"code": code, "name": name, "lang": html_lang(code)}
            for code, name in settings.LANGUAGES
        ],
    }


# -- Sorting names ---------------------------------------------------------------------------

# An ICU collation on PostgreSQL (organizations' migration 0004 creates it where the server
# has ICU): Chinese names by pinyin (北京 before 上海), Latin names as before. Elsewhere
# (SQLite in development, a server without ICU) names sort by the database's own order.
NAME_COLLATION = "zh_pinyin"
_collation_known: dict[str, bool] = {}


def name_collation_available(using="default"):
    """True when the database has NAME_COLLATION (asked once per database)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    key = connection.settings_dict["NAME"]
    if key not in _collation_known:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_collation WHERE collname = %s", [NAME_COLLATION])
            _collation_known[key] = cursor.fetchone() is not None
    return _collation_known[key]


def name_order(field, *, descending=False):
    """An order_by() term sorting names sensibly in both languages: `field` by pinyin where
    the database can, else as it is; descending with `descending`."""
    expression = Collate(F(field), NAME_COLLATION) if name_collation_available() else F(field)
    return expression.desc() if descending else expression.asc()
