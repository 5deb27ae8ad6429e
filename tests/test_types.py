"""Types on the boundaries, read from the code with `ast` (docs/architecture.md, "Types").

Every function of the modules that pyproject.toml holds to `disallow_untyped_defs` (each
app's services, selectors and hooks, the access decorator, the kernel helpers) annotates
each parameter and its return type. mypy checks the same in `make test`; this test keeps
the rule where mypy does not run.
"""

import ast
import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "apps"

# The modules other apps call: never left out of the strict list.
BOUNDARIES = ("apps.*.services", "apps.*.selectors", "apps.*.hooks", "apps.organizations.access")


def strict_patterns():
    """The module patterns of the mypy overrides with `disallow_untyped_defs = true`."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return [pattern for override in config["tool"]["mypy"]["overrides"]
            if override.get("disallow_untyped_defs")
            for pattern in ([override["module"]] if isinstance(override["module"], str)
                            else override["module"])]


def module_name(path, root=ROOT):
    return ".".join(path.relative_to(root).with_suffix("").parts)


def strict_modules(patterns):
    for path in sorted(APPS.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        if any(fnmatch.fnmatchcase(module_name(path), pattern) for pattern in patterns):
            yield path


def _is_method(function, parents):
    parent = parents.get(function)
    is_static = any(isinstance(d, ast.Name) and d.id == "staticmethod"
                    for d in function.decorator_list)
    return isinstance(parent, ast.ClassDef) and not is_static


def unannotated(path, root=ROOT):
    """`path:line name: what has no annotation`, for each function that misses one (nested
    functions included; `self` and `cls` of a method need none)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    shown = path.relative_to(root)
    problems = []
    functions = [node for node in ast.walk(tree)
                 if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
    for node in sorted(functions, key=lambda function: function.lineno):
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        if _is_method(node, parents) and positional:
            positional = positional[1:]
        params = [*positional, *args.kwonlyargs,
                  *(arg for arg in (args.vararg, args.kwarg) if arg is not None)]
        missing = [arg.arg for arg in params if arg.annotation is None]
        if node.returns is None:
            missing.append("return")
        if missing:
            problems.append(f"{shown}:{node.lineno} {node.name}: no annotation for "
                            f"{', '.join(missing)}")
    return problems


# --------------------------------------------------------------------------------- tests


def test_the_boundaries_are_strict_in_mypy():
    patterns = strict_patterns()
    assert [pattern for pattern in BOUNDARIES if pattern not in patterns] == []


def test_every_service_and_selector_module_is_checked():
    checked = set(strict_modules(strict_patterns()))
    boundaries = {path for name in ("services.py", "selectors.py", "hooks.py")
                  for path in APPS.glob(f"*/{name}")}
    assert boundaries
    assert sorted(str(p.relative_to(ROOT)) for p in boundaries - checked) == []


def test_every_function_on_the_boundaries_is_annotated():
    problems = [p for path in strict_modules(strict_patterns()) for p in unannotated(path)]
    assert problems == []


# ------------------------------------------------------------- the check catches mistakes


def test_a_missing_annotation_is_caught(tmp_path):
    path = tmp_path / "apps" / "support" / "selectors.py"
    path.parent.mkdir(parents=True)
    path.write_text(
        "def typed(*, organization: object, pk: int = 0) -> object:\n"
        "    def compute():\n"
        "        return pk\n"
        "    return compute()\n\n\n"
        "def no_return(*, organization: object):\n"
        "    return organization\n\n\n"
        "def no_parameter(organization, *args: int, **kwargs) -> None:\n"
        "    pass\n\n\n"
        "class Page:\n"
        "    def has_next(self) -> bool:\n"
        "        return False\n\n"
        "    @staticmethod\n"
        "    def build(items) -> 'Page':\n"
        "        return Page()\n")
    assert unannotated(path, root=tmp_path) == [
        "apps/support/selectors.py:2 compute: no annotation for return",
        "apps/support/selectors.py:7 no_return: no annotation for return",
        "apps/support/selectors.py:11 no_parameter: no annotation for organization, kwargs",
        "apps/support/selectors.py:20 build: no annotation for items",
    ]
