"""Hooks the apps above organizations register, so that organizations never imports them.

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

WorkspaceGate: TypeAlias = "Callable[[WorkspaceRequest], HttpResponse | None]"

_workspace_gates: list[WorkspaceGate] = []


def register_workspace_gate(gate: WorkspaceGate) -> WorkspaceGate:
    """Add a gate (once; registering it again changes nothing). Usable as a decorator."""
    if gate not in _workspace_gates:
        _workspace_gates.append(gate)
    return gate


def workspace_gates() -> tuple[WorkspaceGate, ...]:
    return tuple(_workspace_gates)
