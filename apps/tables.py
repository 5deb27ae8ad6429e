"""django-tables2 tables and the page regions htmx replaces.

No query string can break a table: junk sort keys are ignored, junk page numbers show the
first (or the last) page, and the page size is ours, not the URL's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_tables2.rows import BoundRows

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse
    from django_htmx.middleware import HtmxDetails
    from django_tables2 import Table

PER_PAGE = 25


class DeferredJoinPaginator(Paginator):
    """A page of a large annotated queryset in two queries: first the page's primary keys,
    in order, then those rows in full.

    With one query, PostgreSQL projects every row the OFFSET skips (its joins and per-row
    subqueries) and sorts wide rows: a deep page of 20,000 customers took 150 ms. The first
    query here sorts and skips bare keys; the second computes 25 rows.

    `count`: the number of rows when the caller knows it already (a cached total), instead
    of counting them.
    """

    def __init__(self, object_list: Any, per_page: int, *args: Any, count: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(object_list, per_page, *args, **kwargs)
        if count is not None:
            self.count = count  # Paginator.count is a cached_property: the instance's wins

    def page(self, number: int | str) -> Page[Any]:
        rows = self.object_list
        queryset = getattr(getattr(rows, "data", None), "data", None)
        if not isinstance(rows, BoundRows) or not isinstance(queryset, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(queryset.values_list("pk", flat=True)[bottom:top])
        found = {record.pk: record for record in queryset.order_by().filter(pk__in=keys)}
        records = [found[key] for key in keys if key in found]
        # Paginator._get_page makes the Page (Django's hook for it; the stubs leave it out).
        return self._get_page(  # type: ignore[attr-defined, no-any-return]
            BoundRows(data=records, table=rows.table), number, self)


def configure_table(request: HttpRequest, table: Table, *, per_page: int = PER_PAGE,
                    count: int | None = None) -> Table:
    """Sort and page the table from the query string; `count`: its rows' number when known
    (see DeferredJoinPaginator)."""
    table.request = request
    order_by = [value for value in request.GET.getlist(table.prefixed_order_by_field)
                if "\x00" not in value][:5]
    if order_by:
        table.order_by = order_by  # unknown or unsortable columns are dropped by the table
    raw = request.GET.get(table.prefixed_page_field, "")
    try:
        page = int(raw) if len(raw) < 12 else 10**12
    except ValueError:
        page = 1
    try:
        table.paginate(paginator_class=DeferredJoinPaginator, per_page=per_page, page=page,
                       count=count)
    except PageNotAnInteger:
        table.page = table.paginator.page(1)
    except EmptyPage:
        # Past the end: the last page; zero or below: the first.
        table.page = table.paginator.page(table.paginator.num_pages if page > 1 else 1)
    return table


def render_region(request: HttpRequest, page_template: str, region_template: str,
                  context: dict[str, Any]) -> HttpResponse:
    """The whole page, or (an htmx filter, sort or page change) just the table's region.

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


def clean_sort(request: HttpRequest, table: Table) -> str:
    """The sort of the query string, for the filter form to keep (not a 500 on a NUL)."""
    return request.GET.get(table.prefixed_order_by_field, "")[:100].replace("\x00", "")
