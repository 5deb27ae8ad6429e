"""Top bar context: the active organization, its menu and the organization switcher."""

from django.utils.functional import SimpleLazyObject

from .menu import menu_for


def workspace(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    membership = getattr(request, "membership", None)
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else None

    def switcher():
        # Lazily evaluated: pages that never render the top bar pay no query.
        return list(user.memberships.select_related("organization")
                    .filter(organization__is_active=True).order_by("organization__name"))

    return {
        "active_organization": getattr(request, "organization", None),
        "active_membership": membership,
        # Lazy: templates rendered for table cells (django-tables2's TemplateColumn) run the
        # context processors once per cell, and never show the menu.
        "workspace_menu": (SimpleLazyObject(lambda: menu_for(membership, current))
                           if membership else []),
        "switcher_memberships": switcher,
    }
