"""The one decorator every workspace view starts with: organization kind, then permission."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .hooks import workspace_gates
from .roles import has_permission


def workspace_view(*, kinds, permission):
    """Require an active organization of one of `kinds` and the role permission.

    The middleware has already answered anonymous users (login redirect) and
    non-members (404). A page that does not exist for this kind of organization is a
    404; a role without the permission is a 403. The view receives no org_slug: it
    reads request.organization.
    """
    kinds = tuple(kinds)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, org_slug, **kwargs):
            organization = request.organization
            if organization is None or organization.slug != org_slug:
                raise Http404
            if organization.kind not in kinds:
                raise Http404
            # A gate another app registered (an unapproved reseller sees its enrolment
            # status only) answers instead of the page.
            for gate in workspace_gates():
                response = gate(request)
                if response is not None:
                    return response
            if not has_permission(request.membership, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.workspace_kinds = kinds
        wrapper.workspace_permission = permission
        return wrapper

    return decorator
