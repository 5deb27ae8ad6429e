"""The layer order of docs/architecture.md, read from the code with `ast`.

Every module under apps/ is parsed; every import of a project module (at module level or
inside a function) is checked against the layers: an app imports only apps below it, no two
apps import each other, other apps are reached through their public modules, only an app's
own code writes its tables, and function-level imports stay rare and explained.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "apps"

# Bottom to top. Apps on one line are peers: they never import each other.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("kernel",),                                      # apps/*.py: errors, forms, mail, tables…
    ("audit",),
    ("accounts",),
    ("catalog",),
    ("outbox",),                                      # every enqueue: written, then relayed
    ("organizations",),
    ("webhooks",),                                    # events any domain app may emit
    ("providers", "resellers"),
    ("partnerships",),
    ("orders",),
    ("subscriptions",),
    ("billing",),                                     # prices, charges, invoices
    ("customers",),
    ("provisioning",),
    ("relationships", "support", "incentives"),
    ("analytics",),                                   # daily rollups, reseller analytics
    ("api",),                                         # /api/v1/: keys, resources
    ("portal",),
)
RANK = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}

# What another app may import from an app: its use cases, its reads, and the few plain
# vocabularies every layer shares (kinds and roles, the access decorator, hook registries).
PUBLIC_MODULES = {"services", "selectors", "roles", "access", "hooks"}

# Modules that may name another app's models: the admin (operators read every table) and
# forms (model choice fields take a queryset from a selector, a type from the model).
MAY_IMPORT_MODELS = {"admin", "forms"}

# Function-level imports of project modules: only where a framework forces one (an app
# registry that is not ready at import time), each with a comment saying why.
MAX_FUNCTION_LEVEL_IMPORTS = 6

WRITE_METHODS = {"create", "get_or_create", "update_or_create", "bulk_create", "bulk_update",
                 "update", "delete", "save", "select_for_update"}


@dataclass(frozen=True)
class Import:
    path: Path
    line: int
    module: str          # e.g. apps.orders.services
    names: tuple         # names bound by `from … import …`
    in_function: bool
    commented: bool
    type_only: bool = False  # under `if TYPE_CHECKING:`: names for annotations only

    @property
    def target_app(self):
        return app_of_module(self.module)

    @property
    def target_part(self):
        parts = self.module.split(".")
        return parts[2] if len(parts) > 2 else None


def app_of_module(module):
    parts = module.split(".")
    if parts[0] != "apps" or len(parts) < 2:
        return None
    return parts[1] if (APPS / parts[1]).is_dir() else "kernel"


def app_of_path(path, root=APPS):
    relative = path.relative_to(root)
    return relative.parts[0] if len(relative.parts) > 1 else "kernel"


def part_of_path(path):
    """The kind of module: views, services, selectors, templatetags…"""
    relative = path.relative_to(APPS)
    if len(relative.parts) > 2 and relative.parts[1] in {"templatetags", "management"}:
        return relative.parts[1]
    return relative.stem.split("_")[-1] if relative.stem.endswith("_views") else relative.stem


def python_modules():
    for path in sorted(APPS.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path


def imports_of(path):
    source = path.read_text()
    lines = source.splitlines()
    tree = ast.parse(source, filename=str(path))
    found = []

    def commented(node):
        before = lines[node.lineno - 2].strip() if node.lineno > 1 else ""
        return "#" in lines[node.lineno - 1] or before.startswith("#")

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if _is_type_checking_block(child):
                for imp in _imports_in(child, path):
                    found.append(imp)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.startswith("apps."):
                        found.append(Import(path, child.lineno, alias.name, (), in_function,
                                            commented(child)))
            elif isinstance(child, ast.ImportFrom):
                module = child.module or ""
                if child.level:  # relative: inside the same app
                    continue
                if module == "apps":
                    for alias in child.names:
                        found.append(Import(path, child.lineno, f"apps.{alias.name}", (),
                                            in_function, commented(child)))
                elif module.count(".") == 1 and (APPS / module.split(".")[1]).is_dir():
                    # `from apps.orders import hooks`: each name is a module of the app.
                    for alias in child.names:
                        found.append(Import(path, child.lineno, f"{module}.{alias.name}",
                                            (), in_function, commented(child)))
                elif module.startswith("apps."):
                    found.append(Import(path, child.lineno, module,
                                        tuple(a.asname or a.name for a in child.names),
                                        in_function, commented(child)))
            visit(child, inner)

    visit(tree, False)
    return tree, found


def _is_type_checking_block(node):
    return (isinstance(node, ast.If) and isinstance(node.test, ast.Name)
            and node.test.id == "TYPE_CHECKING")


def _imports_in(block, path):
    """The project imports of an `if TYPE_CHECKING:` block: type-only."""
    for node in ast.walk(block):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("apps."):
            yield Import(path, node.lineno, node.module,
                         tuple(a.asname or a.name for a in node.names), False, True,
                         type_only=True)


def all_imports():
    for path in python_modules():
        _, found = imports_of(path)
        yield from found


def cross_app(imports):
    for imp in imports:
        source, target = app_of_path(imp.path), imp.target_app
        if target is not None and target != source:
            yield source, target, imp


def where(imp):
    path = imp.path.relative_to(ROOT) if imp.path.is_relative_to(ROOT) else imp.path
    return f"{path}:{imp.line} imports {imp.module}"


# ------------------------------------------------------------------------------- checks


def layer_violations(imports):
    problems = []
    for source, target, imp in cross_app(imports):
        if source not in RANK or target not in RANK:
            problems.append(f"{where(imp)}: app {source!r} or {target!r} has no layer")
        elif RANK[target] >= RANK[source]:
            kind = "a peer" if RANK[target] == RANK[source] else "a higher layer"
            problems.append(f"{where(imp)}: {source} may not import {kind} ({target})")
    return problems


def app_cycles(imports):
    graph = {}
    for source, target, _ in cross_app(imports):
        graph.setdefault(source, set()).add(target)
    cycles, state = [], {}

    def walk(node, stack):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join([*stack[stack.index(nxt):], nxt]))
            elif nxt not in state:
                walk(nxt, [*stack, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            walk(node, [node])
    return cycles


def private_imports(imports):
    problems = []
    for _source, target, imp in cross_app(imports):
        if target == "kernel":
            continue
        part = imp.target_part
        if part is None:
            problems.append(f"{where(imp)}: import a module of {target}, not the package")
        elif part == "models":
            if part_of_path(imp.path) not in MAY_IMPORT_MODELS and not imp.type_only:
                problems.append(f"{where(imp)}: another app's models: use its selectors "
                                f"and services")
        elif part not in PUBLIC_MODULES:
            problems.append(f"{where(imp)}: {target}.{part} is not public "
                            f"({', '.join(sorted(PUBLIC_MODULES))})")
    return problems


def foreign_writes(path, root=APPS):
    """Writes through another app's model class: Model.objects.…update(), Model(…).save()."""
    tree, found = imports_of(path)
    source = app_of_path(path, root)
    shown = path.relative_to(root.parent)
    foreign = {name for imp in found if not imp.type_only
               and imp.target_app not in (None, source, "kernel") and imp.target_part == "models"
               for name in imp.names}
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in foreign:
            problems.append(f"{shown}:{node.lineno}: builds a {func.id} "
                            f"of another app")
        if isinstance(func, ast.Attribute) and func.attr in WRITE_METHODS:
            root = func.value
            while isinstance(root, ast.Attribute | ast.Call | ast.Subscript):
                root = root.func if isinstance(root, ast.Call) else root.value
            if isinstance(root, ast.Name) and root.id in foreign:
                problems.append(f"{shown}:{node.lineno}: {func.attr}() on "
                                f"{root.id}, a table of another app: call its services")
    return problems


def uncommented_function_imports(imports):
    return [f"{where(imp)} inside a function without a comment saying why"
            for imp in imports if imp.in_function and not imp.commented]


# --------------------------------------------------------------------------------- tests


@pytest.fixture(scope="module")
def imports():
    return list(all_imports())


def test_every_app_has_a_layer():
    apps = {p.name for p in APPS.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert apps - set(RANK) == set()


def test_imports_run_downhill(imports):
    assert layer_violations(imports) == []


def test_no_import_cycle_between_apps(imports):
    assert app_cycles(imports) == []


def test_other_apps_only_through_their_public_modules(imports):
    assert private_imports(imports) == []


def test_only_an_apps_own_code_writes_its_tables():
    problems = [p for path in python_modules() for p in foreign_writes(path)]
    assert problems == []


def test_function_level_imports_are_few_and_explained(imports):
    inside = [imp for imp in imports if imp.in_function]
    assert uncommented_function_imports(imports) == []
    assert len(inside) <= MAX_FUNCTION_LEVEL_IMPORTS, [where(imp) for imp in inside]


# ------------------------------------------------------------- the checks catch mistakes


def _parse(app, name, source):
    """The imports of a module that would sit at apps/<app>/<name>."""
    tree = ast.parse(source)
    found = []
    path = APPS / app / name
    for top in tree.body:
        in_function = isinstance(top, ast.FunctionDef)
        for node in ast.walk(top):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("apps."):
                found.append(Import(path, node.lineno, node.module,
                                    tuple(a.name for a in node.names), in_function, False))
    return found


def test_an_upward_import_is_caught():
    found = _parse("organizations", "views.py",
                   "from apps.customers.selectors import customer_get\n")
    assert any("may not import a higher layer (customers)" in p
               for p in layer_violations(found))


def test_a_cycle_is_caught():
    found = (_parse("orders", "services.py", "from apps.customers.services import x\n")
             + _parse("customers", "services.py", "from apps.orders.services import y\n"))
    assert app_cycles(found) == ["customers -> orders -> customers"]


def test_a_view_reading_another_apps_models_is_caught():
    found = _parse("customers", "views.py", "from apps.orders.models import Order\n")
    assert any("another app's models" in p for p in private_imports(found))


def test_a_cross_app_write_is_caught(tmp_path):
    path = tmp_path / "apps" / "partnerships" / "services.py"
    path.parent.mkdir(parents=True)
    path.write_text("from apps.customers.models import Customer\n\n\n"
                    "def end(partnership):\n"
                    "    Customer.objects.filter(reseller=partnership.reseller)"
                    ".update(reseller=None)\n")
    assert foreign_writes(path, root=tmp_path / "apps") == [
        "apps/partnerships/services.py:5: update() on Customer, a table of another app: "
        "call its services"]


def test_an_unexplained_function_level_import_is_caught():
    found = _parse("support", "views.py",
                   "def page(request):\n    from apps.customers.selectors import x\n")
    assert len(uncommented_function_imports(found)) == 1


def test_type_only_imports_of_models_are_allowed(tmp_path):
    path = tmp_path / "apps" / "support" / "selectors.py"
    path.parent.mkdir(parents=True)
    path.write_text("from typing import TYPE_CHECKING\n\n"
                    "if TYPE_CHECKING:\n"
                    "    from apps.customers.models import Customer\n")
    _, found = imports_of(path)
    found = [Import(APPS / "support" / "selectors.py", i.line, i.module, i.names,
                    i.in_function, i.commented, i.type_only) for i in found]
    assert [i.type_only for i in found] == [True]
    assert private_imports(found) == []
    assert layer_violations(found) == []
