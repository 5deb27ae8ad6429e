"""Hooks the apps above organizations register, so that organizations never imports them.

An organization-renamed handler keeps a copy of the name in step (customers keeps the
customer's name on its own row, the Customers page's sort key): organization_rename()
calls each one in its transaction with the organization and its new name, and the
handler returns how many rows it changed.

A workspace gate is a function of the request that returns a response to show instead of
the workspace page (say, the enrolment status of an unapproved reseller), or None to let
the request through. `workspace_view` runs every gate once the organization kind is
known, before the role's permission is checked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeAlias

from django.http import HttpResponse

if TYPE_CHECKING:
    from .access import WorkspaceRequest
    from .models import Organization

WorkspaceGate: TypeAlias = "Callable[[WorkspaceRequest], HttpResponse | None]"

_workspace_gates: list[WorkspaceGate] = []

OrganizationRenamedHandler: TypeAlias = "Callable[..., int]"

# (key, handler), in registration order (the INSTALLED_APPS order).
_organization_renamed_handlers: list[tuple[str, OrganizationRenamedHandler]] = []


def register_workspace_gate(gate: WorkspaceGate) -> WorkspaceGate:
    """Add a gate (once; registering it again changes nothing). Usable as a decorator."""
    if gate not in _workspace_gates:
        _workspace_gates.append(gate)
    return gate


def workspace_gates() -> tuple[WorkspaceGate, ...]:
    return tuple(_workspace_gates)


def register_organization_renamed(key: str, handler: OrganizationRenamedHandler) -> None:
    """Run `handler(organization=..., name=...)` when an organization is renamed; once per
    key."""
    if all(existing != key for existing, _handler in _organization_renamed_handlers):
        _organization_renamed_handlers.append((key, handler))


def organization_renamed(*, organization: Organization, name: str) -> dict[str, int]:
    """Run every handler; {key: rows it changed}."""
    return {key: handler(organization=organization, name=name)
            for key, handler in _organization_renamed_handlers}
