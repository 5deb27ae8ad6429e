"""The one decorator every workspace view starts with: organization kind, then permission."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .roles import Kind, has_permission


def _unapproved_reseller(organization):
    if organization.kind != Kind.RESELLER:
        return False
    reseller = getattr(organization, "reseller", None)
    return reseller is None or not reseller.is_approved


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
            if _unapproved_reseller(organization):
                # Until approved, a reseller workspace shows its enrolment status only.
                from apps.resellers.views import enrollment_status

                return enrollment_status(request)
            if not has_permission(request.membership, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.workspace_kinds = kinds
        wrapper.workspace_permission = permission
        return wrapper

    return decorator
