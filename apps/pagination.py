"""List parameters that never fail: junk page numbers and search terms (apps.lists)."""

from apps.lists import paginate, search_term

__all__ = ["paginate", "search_term"]
