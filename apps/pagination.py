"""List parameters that never fail: junk page numbers and search terms."""

from django.core.paginator import Paginator


def paginate(request, queryset, *, per_page=25):
    """The requested page, or the first page for junk and the last page past the end."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def search_term(request):
    """The `q` parameter, trimmed to 100 characters, without NUL bytes."""
    return request.GET.get("q", "").strip()[:100].replace("\x00", "")
