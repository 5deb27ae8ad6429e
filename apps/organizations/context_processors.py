"""Top bar context: the active organization, its menu and the organization switcher."""

from django.utils.functional import SimpleLazyObject

from .menu import menu_for
from .middleware import active_memberships


def workspace(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = getattr(request, "membership", None)
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else None

    def switcher():
        # Lazily evaluated: pages that never render the top bar pay no query. A workspace
        # page's memberships were read by the middleware already.
        loaded = getattr(request, "workspace_memberships", None)
        return loaded if loaded is not None else active_memberships(user)

    return {
        "active_organization": getattr(request, "organization", None),
        "active_membership": membership,
        # Lazy: built only when a template shows the menu (partials and htmx swaps do not).
        "workspace_menu": (SimpleLazyObject(lambda: menu_for(membership, current))
                           if membership else []),
        "switcher_memberships": switcher,
    }
