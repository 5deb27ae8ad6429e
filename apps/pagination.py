"""List parameters that never fail: junk page numbers and search terms."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.core.paginator import Paginator
from django.db.models import Model

if TYPE_CHECKING:
    from django.core.paginator import Page
    from django.db.models import QuerySet
    from django.http import HttpRequest

_M = TypeVar("_M", bound=Model)


def paginate(request: HttpRequest, queryset: QuerySet[_M], *, per_page: int = 25) -> Page[_M]:
    """The requested page, or the first page for junk and the last page past the end."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def search_term(request: HttpRequest) -> str:
    """The `q` parameter, trimmed to 100 characters, without NUL bytes."""
    return request.GET.get("q", "").strip()[:100].replace("\x00", "")
