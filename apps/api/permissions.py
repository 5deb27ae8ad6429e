"""The pages' access rule for API views: a resource that does not exist for the key's kind
of organization is a 404; a role without the permission a 403 (apps.organizations.access).

A view says `kinds` (organization kinds), `permissions` ({HTTP method: permission}) and,
where one method exists for fewer kinds, `method_kinds` ({HTTP method: kinds}).
"""

from typing import cast

from django.http import Http404
from rest_framework import exceptions, permissions

from apps.organizations.roles import has_permission


class HasRolePermission(permissions.BasePermission):
    def has_permission(self, request, view):
        if request.auth is None:
            raise exceptions.NotAuthenticated
        organization = request._request.organization
        kinds = getattr(view, "method_kinds", {}).get(request.method, getattr(view, "kinds", ()))
        if organization.kind not in kinds:
            raise Http404
        permissions = getattr(view, "permissions", {})
        needed = permissions.get("GET" if request.method == "HEAD" else request.method)
        if needed is None:
            return True  # not a method of this view: DRF answers 405
        return has_permission(cast("object", request._request.membership), needed)  # type: ignore[arg-type]
