"""The list-page stack: sorting, paging and htmx regions of every list page.

A page declares its sortable columns (`Column`), calls `list_page()` and renders the rows
itself, in one `{% for %}` loop of its template; `partials/list_head.html` draws the
header (sort links, aria-sort) and `partials/pagination.html` the pages. Links are built
with Django's `{% querystring %}`: the filters of the URL stay, properly encoded.

No query string can break a list: junk sort keys are ignored, junk page numbers show the
first (or the last) page, and the page size is ours, not the URL's.

Measured against django-tables2 (one template-rendered cell after another) the loop costs
a fraction: see docs/architecture.md, "List pages".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import quote_plus

from django import template
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import F, Model, QuerySet
from django.http import HttpResponse
from django.template.context import make_context
from django.template.loader import get_template
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format, get_format, localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import get_language, gettext

from apps.prepared import execute_prepared

if TYPE_CHECKING:
    from django.db.models.expressions import OrderBy
    from django.http import HttpRequest, QueryDict
    from django_htmx.middleware import HtmxDetails

PER_PAGE = 25
SORT = "sort"
PAGE = "page"

_M = TypeVar("_M", bound=Model)

# How a column sorts: field names (all reversed for descending), or a function of the
# queryset and the direction.
Ordering = Sequence[str] | Callable[[QuerySet[Any], bool], QuerySet[Any]]


@dataclass(frozen=True)
class Column:
    """A header cell: its label, and the sort key of the URL when it sorts (`order`)."""

    key: str
    label: Any  # str or lazy translation
    order: Ordering | None = None
    css: str = ""

    @property
    def sortable(self) -> bool:
        return self.order is not None


@dataclass(frozen=True)
class Header:
    """A column as a page shows it: sorted or not, and where its link leads."""

    key: str
    label: Any
    css: str
    sortable: bool
    sorted: bool = False
    descending: bool = False

    @property
    def next(self) -> str:
        """The sort value its link asks for: ascending first, then descending."""
        return f"-{self.key}" if self.sorted and not self.descending else self.key

    @property
    def aria_sort(self) -> str:
        if not self.sorted:
            return ""
        return "descending" if self.descending else "ascending"


def reverse_fields(fields: Sequence[str]) -> list[OrderBy]:
    """Field names in the opposite direction ("-a" becomes "a", "a" becomes "-a")."""
    return [F(f[1:]).asc() if f.startswith("-") else F(f).desc() for f in fields]


def search_term(request: HttpRequest, name: str = "q") -> str:
    """A search parameter, trimmed to 100 characters, without NUL bytes."""
    return request.GET.get(name, "").strip()[:100].replace("\x00", "")


def page_number(request: HttpRequest) -> int:
    """The requested page number; junk is page 1, absurdly large is the last page."""
    raw = request.GET.get(PAGE, "")
    try:
        return max(int(raw), 1) if len(raw) < 12 else 10**12
    except ValueError:
        return 1


def _clamp(paginator: Paginator[Any], number: int) -> int:
    return min(max(number, 1), paginator.num_pages)


def paginate(request: HttpRequest, queryset: QuerySet[_M], *,
             per_page: int = PER_PAGE) -> Page[_M]:
    """The requested page, or the first page for junk and the last page past the end."""
    paginator = Paginator(queryset, per_page)
    return paginator.page(_clamp(paginator, page_number(request)))


# Primary keys PostgreSQL hands back as they are (uuid[] and integer[] arrays): the count
# and the keys of a page then come in one statement.
_PLAIN_KEYS = {"UUIDField", "AutoField", "BigAutoField", "SmallAutoField", "IntegerField",
               "BigIntegerField"}


def _plain_key(queryset: QuerySet[Any]) -> bool:
    field: Any = queryset.model._meta.pk
    while field.is_relation:
        field = field.target_field
    return bool(field.get_internal_type() in _PLAIN_KEYS)


def _page_keys(queryset: QuerySet[Any], number: int, per_page: int,
               count: int | None) -> tuple[list[Any], int, int]:
    """The keys of page `number` (clamped), the count and the page number, in one round trip
    on PostgreSQL when the count is not given: `SELECT (count), ARRAY(keys)`. Both parts
    are the queryset's own SQL (the ORM's), so filters, joins and the sort stay as they
    are. A page past the end (rare) asks again for the last page."""
    if count is not None or connections[queryset.db].vendor != "postgresql" \
            or not _plain_key(queryset):
        paginator: Paginator[Any] = Paginator(queryset, per_page)
        if count is not None:
            paginator.__dict__["count"] = count  # cached_property: a count the caller has
        number = _clamp(paginator, number)
        bottom = (number - 1) * per_page
        keys = list(queryset.values_list("pk", flat=True)[bottom:bottom + per_page])
        return keys, paginator.count, number
    bottom = (number - 1) * per_page
    try:
        # The page's bounds are parameters (the ORM would write them into the SQL): one
        # statement, prepared on the server once (apps.prepared), serves every page.
        keys_sql, keys_params = (queryset.values_list("pk", flat=True)
                                 .query.get_compiler(queryset.db).as_sql())
        count_sql, count_params = (queryset.order_by().values("pk").query
                                   .get_compiler(queryset.db).as_sql())
    except EmptyResultSet:  # e.g. a filter on an empty list of values: nothing to ask
        return [], 0, 1
    with connections[queryset.db].cursor() as cursor:
        execute_prepared(cursor, f"SELECT (SELECT COUNT(*) FROM ({count_sql}) AS counted), "  # noqa: S608 (the ORM's SQL)
                                 f"ARRAY({keys_sql} LIMIT %s OFFSET %s)",
                         (*count_params, *keys_params, per_page, bottom))
        total, keys = cursor.fetchone()
    last = max(1, -(-total // per_page))
    if number > last:
        return _page_keys(queryset, last, per_page, total)
    return list(keys), total, number


def deferred_page(queryset: QuerySet[_M], number: int, *, per_page: int = PER_PAGE,
                  count: int | None = None,
                  rows: Callable[[list[Any]], dict[Any, Any]] | None = None) -> Page[Any]:
    """A page of a large annotated queryset in two queries: first the page's primary keys,
    in order (with the count, in the same statement on PostgreSQL), then those rows in full.

    With one query, PostgreSQL projects every row the OFFSET skips (its joins and per-row
    subqueries) and sorts wide rows: a deep page of 20,000 customers took 150 ms. The first
    query here sorts and skips bare keys; the second computes 25 rows. `rows`, when given,
    reads them instead of the queryset: a function of the keys giving {key: row} (a page
    whose rows are cheaper as plain tuples than as model instances); `queryset` then only
    needs what filters and sorts.
    """
    keys, total, number = _page_keys(queryset, number, per_page, count)
    paginator: Paginator[Any] = Paginator(queryset, per_page)
    paginator.__dict__["count"] = total
    if not keys:
        found: dict[Any, Any] = {}
    elif rows is not None:
        found = rows(keys)
    else:
        found = {row.pk: row for row in queryset.order_by().filter(pk__in=keys)}
    return Page([found[key] for key in keys if key in found], number, paginator)


class ListPage(Generic[_M]):
    """One page of a list: its rows, its headers and the sort the URL asked for."""

    def __init__(self, page: Page[_M], headers: list[Header], sort: str) -> None:
        self.page = page
        self.rows: list[_M] = list(page.object_list)
        self.headers = headers
        self.sort = sort  # the cleaned sort key ("" for the default): the filter form keeps it

    @property
    def count(self) -> int:
        return self.page.paginator.count


def list_page(request: HttpRequest, queryset: QuerySet[_M], columns: Sequence[Column], *,
              default: str = "", per_page: int = PER_PAGE, deferred: bool = False,
              count: int | None = None,
              rows: Callable[[list[Any]], dict[Any, Any]] | None = None) -> ListPage[_M]:
    """Sort `queryset` by the URL's `sort` (a column key, "-" for descending; unknown keys
    fall back to `default`, which the links show as sorted) and cut out its `page`.

    `deferred` pages a large annotated queryset by its keys first (`deferred_page`;
    `rows` reads the page's rows from its keys there).
    """
    sortable = {column.key: column for column in columns if column.order is not None}
    sort = ""
    for raw in request.GET.get(SORT, "")[:100].split(","):
        if raw.lstrip("-") in sortable:
            sort = raw
            break
    active = sort or default
    descending = active.startswith("-")
    column = sortable.get(active.lstrip("-"))
    if column is not None and column.order is not None and sort:
        order = column.order
        if callable(order):
            queryset = order(queryset, descending)
        else:
            queryset = queryset.order_by(*(reverse_fields(order) if descending else order))
    number = page_number(request)
    if deferred:
        page = deferred_page(queryset, number, per_page=per_page, count=count, rows=rows)
    else:
        paginator = Paginator(queryset, per_page)
        if count is not None:
            paginator.__dict__["count"] = count
        page = paginator.page(_clamp(paginator, number))
    headers = [Header(key=c.key, label=c.label, css=c.css, sortable=c.order is not None,
                      sorted=column is c, descending=column is c and descending)
               for c in columns]
    return ListPage(page, headers, sort)


def render_region(request: HttpRequest, page_template: str, region_template: str,
                  context: dict[str, Any]) -> HttpResponse:
    """The whole page, or (an htmx filter, sort or page change) just the list's region.

    htmx asks again with HX-History-Restore-Request when its history cache misses: that
    one gets the whole page. The response varies on HX-Request so that no cache hands a
    region to a plain request for the same URL.
    """
    htmx: HtmxDetails | None = getattr(request, "htmx", None)
    partial = bool(htmx and not htmx.history_restore_request)
    response = HttpResponse(render_freeing(region_template if partial else page_template,
                                           {**context, "partial": partial}, request))
    patch_vary_headers(response, ("HX-Request",))
    return response


def render_freeing(template_name: str, context: dict[str, Any], request: HttpRequest) -> str:
    """render_to_string(), then the template context let go: its dictionaries refer back to
    it (a reference cycle), so without this a list page's rows, forms and querysets are
    freed only by the garbage collector, whose collections then cost the page 0.3 ms."""
    template = get_template(template_name)
    engine_template = getattr(template, "template", None)
    if engine_template is None:  # not a Django template
        return str(template.render(context, request))
    bound = make_context(context, request,
                         autoescape=template.backend.engine.autoescape)  # type: ignore[attr-defined]
    try:
        return str(engine_template.render(bound))
    finally:
        bound.dicts.clear()


# ------------------------------------------------------------------ header and pages
# {% list_head %} and {% pagination %} (partials/list_head.html, partials/pagination.html):
# drawn in Python, each link's query string built once. Through the template engine the
# header of seven columns and the pages cost a list page about 3,800 Python calls (a
# {% querystring %} and a {% translate %} per link): a tenth of a whole page.

register = template.Library()


def querystring(query: QueryDict, **changes: Any) -> str:
    """Django's {% querystring %} in Python (before escaping): `query` with `changes`, a
    None removing its key."""
    return _Links(query)(**changes)


class _Links:
    """The query strings of a list's links: the URL's parameters encoded once (as
    QueryDict.urlencode does), then each link's changes. A changed key keeps its place, a
    new one comes last, as with {% querystring %}, which copies the whole QueryDict (a deep
    copy) for every link."""

    def __init__(self, query: QueryDict | dict[str, Any]) -> None:
        lists = query.lists() if hasattr(query, "lists") else ((k, [v]) for k, v in query.items())
        self.encoded = [(key, [_pair(key, value) for value in values]) for key, values in lists]

    def __call__(self, **changes: Any) -> str:
        parts: list[str] = []
        for key, pairs in self.encoded:
            if key in changes:
                if changes[key] is not None:
                    parts.append(_pair(key, changes[key]))
            else:
                parts.extend(pairs)
        present = {key for key, _ in self.encoded}
        parts.extend(_pair(key, value) for key, value in changes.items()
                     if value is not None and key not in present)
        if not parts and not self.encoded:
            return ""
        return "?" + "&".join(parts)


def _pair(key: str, value: Any) -> str:
    return f"{quote_plus(key)}={quote_plus(str(value))}"


def _links(context: template.Context) -> _Links:
    request = context.get("request")
    return _Links(request.GET if request is not None else {})


@register.simple_tag(takes_context=True)
def list_head(context: template.Context, headers: Sequence[Header]) -> SafeString:
    """A list's <thead>: header cells with scope and aria-sort, sort links that keep the
    URL's filters (back to the first page), followed by htmx inside the list's region
    (hx-boost; the region says where the answer goes). The links have ids so that htmx
    gives the focus back to the same link once the region is replaced."""
    links = _links(context)
    cells = []
    for column in headers:
        css = f' class="{escape(column.css)}"' if column.css else ""
        sort = f' aria-sort="{column.aria_sort}"' if column.sorted else ""
        label = escape(str(column.label))
        if column.sortable:
            mark = ""
            if column.sorted:
                arrow = " ▼" if column.descending else " ▲"
                mark = f'<span aria-hidden="true">{arrow}</span>'
            hint = (gettext("(sort descending)") if column.sorted and not column.descending
                    else gettext("(sort ascending)"))
            href = escape(links(sort=column.next, page=None))
            label = (f'<a id="sort-{escape(column.key)}" href="{href}">{label}{mark}'
                     f'<span class="visually-hidden"> {escape(hint)}</span></a>')
        cells.append(f'    <th{css} scope="col"{sort}>\n      {label}\n    </th>\n')
    return mark_safe(  # noqa: S308 (every value escaped above)
        f'<thead hx-boost="true">\n  <tr>\n{"".join(cells)}  </tr>\n</thead>')


@register.simple_tag(takes_context=True)
def pagination(context: template.Context, page: Any, boost: Any = False) -> SafeString:
    """"Page n of m" for every list: First, Previous, Next and Last links keep the URL's
    filters and sort; inside an htmx region (`boost`) they replace the region only. The
    links have ids so that htmx gives the focus back to the same link."""
    paginator = getattr(page, "paginator", None)
    if paginator is None or paginator.num_pages <= 1:
        return mark_safe("")
    links = _links(context)

    def link(number: int, id_: str, text: str, rel: str = "") -> str:
        href = escape(links(page=number))
        return (f'<li class="page-item"><a class="page-link" id="page-{id_}"{rel} '
                f'href="{href}">{escape(text)}</a></li>')

    items = []
    if page.has_previous():
        if page.number > 2:
            items.append(link(1, "first", gettext("First")))
        items.append(link(page.previous_page_number(), "previous", gettext("Previous"),
                          ' rel="prev"'))
    current = gettext("Page %(n)s of %(total)s") % {
        "n": localize(page.number), "total": localize(paginator.num_pages)}
    items.append('<li class="page-item active" aria-current="page"><span class="page-link">'
                 f'{escape(current)}</span></li>')
    if page.has_next():
        items.append(link(page.next_page_number(), "next", gettext("Next"), ' rel="next"'))
        if page.number + 1 < paginator.num_pages:
            items.append(link(paginator.num_pages, "last", gettext("Last")))
    boosted = ' hx-boost="true"' if boost else ""
    joined = "\n    ".join(items)
    return mark_safe(  # noqa: S308 (every value escaped above)
        f'<nav aria-label="{escape(gettext("Pages"))}"{boosted}>\n'
        f'  <ul class="pagination flex-wrap">\n    {joined}\n  </ul>\n</nav>')


# A day's text in a language and date format, kept by each process: SHORT_DATE_FORMAT shows
# the day only, and drawing it (month names, the format's letters) costs some 200 Python
# calls. Days, not times: the time zone is applied first.
_DAYS: dict[tuple[str, str], dict[date, str]] = {}
MAX_DAYS = 5000


class RowCells:
    """What the row drawers of the lists that draw rows in Python share
    (customers.tables.CustomerRows, partnerships.tables.PartnerRows): made once per
    request, a number is localized and escaped once per distinct value, a day once per
    process (in the request's language and time zone)."""

    def __init__(self) -> None:
        self.zone = get_current_timezone()
        self.days = _DAYS.setdefault((get_language(), get_format("SHORT_DATE_FORMAT")), {})
        if len(self.days) > MAX_DAYS:
            self.days.clear()
        self.numbers: dict[Any, str] = {}

    def _number(self, value: Any) -> str:
        text = self.numbers.get(value)
        if text is None:
            text = self.numbers[value] = escape(localize(value))
        return text

    def _date(self, value: datetime | None) -> str:
        if value is None:
            return ""
        local = value.astimezone(self.zone)
        day = local.date()
        text = self.days.get(day)
        if text is None:
            text = self.days[day] = escape(date_format(local, "SHORT_DATE_FORMAT"))
        return text
