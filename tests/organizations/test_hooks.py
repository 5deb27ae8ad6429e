"""Apps above organizations and partnerships reach them through hooks, never the reverse."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from apps.organizations import hooks
from apps.organizations.access import workspace_view
from apps.partnerships.hooks import partnership_ended_handlers
from apps.resellers.views import unapproved_reseller_gate

APPS = Path(__file__).resolve().parents[2] / "apps"


# Pages that compose several apps, on their way to the composing layer.
COMPOSING = {"dashboard.py", "seed_demo.py"}


def _imported_apps(package):
    """The apps.<name> packages that any module of `package` imports, at any depth."""
    found = set()
    for path in (APPS / package).rglob("*.py"):
        if "migrations" in path.parts or path.name in COMPOSING:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom)
                     and node.level == 0 else [])
            found |= {name.split(".")[1] for name in names
                      if name.startswith("apps.") and name.count(".") >= 1}
    return found


def test_resellers_registers_the_enrolment_gate():
    assert unapproved_reseller_gate in hooks.workspace_gates()


def test_customers_and_subscriptions_act_when_a_partnership_ends():
    assert [key for key, _handler in partnership_ended_handlers] == [
        "customers_undelegated", "support_moved_to_provider",
        "support_requests_moved_to_provider"]


@pytest.mark.parametrize(("package", "above"), [
    ("organizations", {"resellers", "partnerships", "relationships", "incentives"}),
    ("resellers", {"partnerships", "relationships", "incentives", "customers"}),
    ("partnerships", {"customers", "subscriptions", "orders", "relationships", "incentives"}),
])
def test_no_import_runs_upward(package, above):
    assert not _imported_apps(package) & above


def test_a_gate_answers_before_the_permission_check(rf: RequestFactory, monkeypatch):
    monkeypatch.setattr(hooks, "_workspace_gates", [])

    @workspace_view(kinds=("provider",), permission="nobody.has.this")
    def page(request):
        return HttpResponse("page")

    request = rf.get("/o/contoso/")
    request.organization = type("Org", (), {"slug": "contoso", "kind": "provider"})()
    request.membership = None
    with pytest.raises(PermissionDenied):  # no gate: the permission check refuses
        page(request, org_slug="contoso")
    hooks.register_workspace_gate(lambda request: HttpResponse("gated", status=403))
    hooks.register_workspace_gate(lambda request: None)
    assert page(request, org_slug="contoso").content == b"gated"
