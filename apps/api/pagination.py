"""Cursor (keyset) pagination: each page continues after the last row of the one before,
by the sort's values and the primary key, so rows inserted meanwhile never shift a page
(no row is skipped or repeated, as an offset would).

    rows, next_cursor = keyset_page(request, queryset, SORTS, default="company")

SORTS maps a ?sort= value to [(expression, descending), …] on non-null columns (or to a
function returning that list, for terms that can only be built in a request); the
primary key breaks ties in the first term's direction. ?page_size= is 1 to
PORTAL_API_MAX_PAGE_SIZE (default PORTAL_API_PAGE_SIZE); out of range or junk: the default.
An unknown ?sort= falls back to the default, as on the pages; a cursor that does not
decode is a 400.
"""

import base64
import binascii
import json
import uuid
from datetime import datetime

from django.conf import settings
from django.db.models import F, Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError


def page_size(request):
    raw = request.query_params.get("page_size", "")
    try:
        size = int(raw)
    except ValueError:
        return settings.PORTAL_API_PAGE_SIZE
    return size if 1 <= size <= settings.PORTAL_API_MAX_PAGE_SIZE \
        else settings.PORTAL_API_PAGE_SIZE


def _encode(values):
    plain = [["d", v.isoformat()] if isinstance(v, datetime) else ["s", str(v)]
             for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(cursor, count):
    bad = ValidationError({"cursor": [_("This cursor is not valid. Start from the first "
                                        "page again.")]})
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        plain = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad from None
    if not isinstance(plain, list) or len(plain) != count:
        raise bad
    values: list[object] = []
    for item in plain:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[1], str)):
            raise bad
        kind, text = item
        if "\x00" in text:
            raise bad
        if kind == "d":
            value = parse_datetime(text) if len(text) < 40 else None
            if value is None:
                raise bad
            values.append(value)
        else:
            values.append(text)
    try:
        values[-1] = uuid.UUID(str(values[-1]))
    except ValueError:
        raise bad from None
    return values


def _terms(sorts, sort):
    terms = sorts[sort]() if callable(sorts[sort]) else [*sorts[sort]]
    terms.append((F("pk"), terms[0][1]))
    return terms


def keyset_ordered(queryset, sorts, sort):
    """`queryset` in the order of `sorts[sort]` (its terms as aliases _k0, _k1, …), before
    any cursor: the first page is its first rows."""
    return _ordered(queryset, _terms(sorts, sort))


def _ordered(queryset, terms):
    names = [f"_k{i}" for i in range(len(terms))]
    queryset = queryset.alias(**{n: t for n, (t, _d) in zip(names, terms, strict=True)})
    return queryset.order_by(*[F(n).desc() if d else F(n).asc()
                               for n, (_t, d) in zip(names, terms, strict=True)])


def keyset_page(request, queryset, sorts, *, default, first_page=None):
    """(rows of this page, cursor of the next page or None) and the sort used.

    `first_page(sort, size)`, when given, reads the first page (no cursor) instead: the
    first `size + 1` rows of `keyset_ordered(queryset, sorts, sort)`, by other means (a
    statement compiled once, apps.prepared)."""
    sort = request.query_params.get("sort", default)
    if sort not in sorts:
        sort = default
    terms = _terms(sorts, sort)
    size = page_size(request)
    cursor = request.query_params.get("cursor")
    if not cursor and first_page is not None:
        rows = first_page(sort, size)
    else:
        names = [f"_k{i}" for i in range(len(terms))]
        queryset = _ordered(queryset, terms)
        if cursor:
            values = _decode(cursor[:1000], len(terms))
            after = Q()
            equal = Q()
            for name, (_term, descending), value in zip(names, terms, values, strict=True):
                after |= equal & Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
                equal &= Q(**{name: value})
            queryset = queryset.filter(after)
        rows = list(queryset[:size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        next_cursor = _encode([_value(rows[-1], t) for t, _d in terms])
    return rows, next_cursor, sort


def _value(row, term):
    """The row's value of a sort term (a field name, an F() or a Collate(F()))."""
    expression = term
    while not isinstance(expression, F):
        expression = expression.get_source_expressions()[0]
    value = row
    for part in str(getattr(expression, "name", "pk")).split("__"):
        value = getattr(value, part)
    return value
