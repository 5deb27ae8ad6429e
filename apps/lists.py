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
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import F, Model, QuerySet
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

if TYPE_CHECKING:
    from django.db.models.expressions import OrderBy
    from django.http import HttpRequest, HttpResponse
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


def deferred_page(queryset: QuerySet[_M], number: int, *, per_page: int = PER_PAGE,
                  count: int | None = None) -> Page[_M]:
    """A page of a large annotated queryset in two queries: first the page's primary keys,
    in order, then those rows in full.

    With one query, PostgreSQL projects every row the OFFSET skips (its joins and per-row
    subqueries) and sorts wide rows: a deep page of 20,000 customers took 150 ms. The first
    query here sorts and skips bare keys; the second computes 25 rows.
    """
    paginator: Paginator[_M] = Paginator(queryset, per_page)
    if count is not None:
        paginator.__dict__["count"] = count  # cached_property: a count the caller has
    number = _clamp(paginator, number)
    bottom = (number - 1) * per_page
    keys = list(queryset.values_list("pk", flat=True)[bottom:bottom + per_page])
    found = {row.pk: row for row in queryset.order_by().filter(pk__in=keys)} if keys else {}
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
              count: int | None = None) -> ListPage[_M]:
    """Sort `queryset` by the URL's `sort` (a column key, "-" for descending; unknown keys
    fall back to `default`, which the links show as sorted) and cut out its `page`.

    `deferred` pages a large annotated queryset by its keys first (`deferred_page`).
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
        page = deferred_page(queryset, number, per_page=per_page, count=count)
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
    response = render(request, region_template if partial else page_template,
                      {**context, "partial": partial})
    patch_vary_headers(response, ("HX-Request",))
    return response
