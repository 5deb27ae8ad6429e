"""Pagination that never fails on a junk page number."""

from django.core.paginator import Paginator


def paginate(request, queryset, *, per_page=25):
    """The requested page, or the first page for junk and the last page past the end."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
