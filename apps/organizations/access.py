"""The one decorator every workspace view starts with: organization kind, then permission."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING, Any, Protocol, TypeGuard, cast

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from .hooks import workspace_gates
from .roles import has_permission

if TYPE_CHECKING:
    from .models import Membership, Organization


class OrganizationRequest(HttpRequest):
    """A request once ActiveOrganizationMiddleware has run: the organization of a workspace
    URL (/o/<org_slug>/…) and the user's membership of it, None elsewhere.

    A type for annotations: at run time every request is Django's HttpRequest.
    """

    organization: Organization | None
    membership: Membership | None


class WorkspaceRequest(HttpRequest):
    """The request a workspace view receives: workspace_view has checked its organization
    (the middleware sets the user's membership with it)."""

    organization: Organization
    membership: Membership


class WorkspaceView(Protocol):
    """A view wrapped by workspace_view: the URL passes org_slug, the view never sees it."""

    workspace_kinds: tuple[str, ...]
    workspace_permission: str
    __wrapped__: Callable[..., HttpResponse]

    def __call__(self, request: HttpRequest, *args: Any, org_slug: str,
                 **kwargs: Any) -> HttpResponse: ...


def _in_workspace(request: OrganizationRequest, org_slug: str) -> TypeGuard[WorkspaceRequest]:
    """The middleware has resolved the URL's organization (and the membership with it)."""
    organization = request.organization
    return organization is not None and organization.slug == org_slug


def workspace_view(*, kinds: Iterable[str],
                   permission: str) -> Callable[[Callable[..., HttpResponse]], WorkspaceView]:
    """Require an active organization of one of `kinds` and the role permission.

    The middleware has already answered anonymous users (login redirect) and
    non-members (404). A page that does not exist for this kind of organization is a
    404; a role without the permission is a 403. The view receives no org_slug: it
    reads request.organization.
    """
    allowed = tuple(kinds)

    def decorator(view: Callable[..., HttpResponse]) -> WorkspaceView:
        @wraps(view)
        def wrapper(request: OrganizationRequest, *args: Any, org_slug: str,
                    **kwargs: Any) -> HttpResponse:
            if not _in_workspace(request, org_slug):
                raise Http404
            if request.organization.kind not in allowed:
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

        # A function takes attributes at run time; the Protocol names them for mypy.
        wrapped = cast(WorkspaceView, wrapper)
        wrapped.workspace_kinds = allowed
        wrapped.workspace_permission = permission
        return wrapped

    return decorator
