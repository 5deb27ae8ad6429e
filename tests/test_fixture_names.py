"""One meaning per fixture name: the named world of tests/conftest.py (Contoso, Northwind,
Fabrikam, ...) means the same thing in every folder.

Read with `ast`, so a fixture counts wherever it is written, whichever tests run. A fixture
of a conftest (or of a plugin module it loads) must not be defined again in another conftest
or in a test module, two test modules must not define the same name, and a fixture of pytest
or one of its plugins is redefined only where PLUGIN_OVERRIDES says why.
"""

import ast
import functools
import types
from collections import defaultdict
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

# Fixtures of pytest and its plugins that tests/ redefines, each keeping the plugin's meaning.
PLUGIN_OVERRIDES = {
    # pytest-django documents overriding it to extend the test database's set-up; ours asks
    # for the plugin's and only closes stray connections before the database is dropped.
    "django_db_setup": "tests/conftest.py",
    # pytest-playwright's documented way to choose the browser: Debian's Chromium, headless.
    "browser_type_launch_args": "tests/e2e/conftest.py",
    # pytest-playwright's page, with shorter timeouts.
    "page": "tests/e2e/conftest.py",
}


def _is_fixture(decorator):
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name == "fixture"


def _fixture_name(function, decorator):
    for keyword in getattr(decorator, "keywords", []):
        if keyword.arg == "name":
            return ast.literal_eval(keyword.value)
    return function.name


@functools.cache
def fixtures_in(path):
    """The fixtures a module defines: [(name, line, has a docstring)], nested ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                if _is_fixture(decorator):
                    found.append((_fixture_name(node, decorator), node.lineno,
                                  ast.get_docstring(node) is not None))
    return found


def _plugin_modules(conftest):
    """The modules a conftest loads with `pytest_plugins` (tests.worker, ...)."""
    for node in ast.parse(conftest.read_text()).body:
        if isinstance(node, ast.Assign) and any(
                getattr(target, "id", "") == "pytest_plugins" for target in node.targets):
            for module in ast.literal_eval(node.value):
                yield TESTS.parent.joinpath(*module.split(".")).with_suffix(".py")


def _shared_modules():
    """Every conftest.py under tests/, and the plugin modules they load."""
    conftests = sorted(TESTS.rglob("conftest.py"))
    return conftests + [plugin for conftest in conftests for plugin in _plugin_modules(conftest)]


def _where(path, line):
    return f"{path.relative_to(TESTS.parent)}:{line}"


def _definitions(paths):
    places = defaultdict(list)
    for path in paths:
        for name, line, _ in fixtures_in(path):
            places[name].append(_where(path, line))
    return places


def _test_modules():
    return sorted(TESTS.rglob("test_*.py"))


def test_the_scan_finds_the_world():
    shared = _definitions(_shared_modules())
    for name in ("contoso", "tailspin", "northwind", "fabrikam", "adatum", "contoso_admin",
                 "fabrikam_admin", "operator", "celery_worker"):
        assert name in shared, name


def test_no_fixture_is_defined_in_two_conftests():
    twice = {name: places for name, places in _definitions(_shared_modules()).items()
             if len(places) > 1}
    assert not twice, f"One meaning per name: give each meaning its own name. {twice}"


def test_no_test_module_redefines_a_shared_fixture():
    shared = _definitions(_shared_modules())
    shadowed = {name: [*shared[name], *places]
                for name, places in _definitions(_test_modules()).items() if name in shared}
    assert not shadowed, f"A test module redefines a conftest fixture: {shadowed}"


def test_no_two_test_modules_define_the_same_fixture():
    twice = {name: places for name, places in _definitions(_test_modules()).items()
             if len(places) > 1}
    assert not twice, f"Two test modules give one name two meanings: {twice}"


def test_every_fixture_of_the_world_says_who_it_is():
    root = TESTS / "conftest.py"
    silent = [name for name, _, documented in fixtures_in(root) if not documented]
    assert not silent, f"tests/conftest.py fixtures without a docstring: {silent}"


def _plugin_fixture_names(config):
    fixture_type = type(pytest.fixture(lambda: None))  # the type pytest.fixture returns
    names = set()
    for plugin in config.pluginmanager.get_plugins():
        if not isinstance(plugin, types.ModuleType):
            continue
        if Path(getattr(plugin, "__file__", None) or "/").resolve().is_relative_to(TESTS):
            continue  # our conftests and plugin modules
        names |= {value.name for value in vars(plugin).values()
                  if isinstance(value, fixture_type)}
    return names


def test_plugin_fixtures_are_redefined_only_on_purpose(pytestconfig):
    plugins = _plugin_fixture_names(pytestconfig)
    assert {"client", "db", "settings", "admin_client"} <= plugins  # the scan sees pytest-django
    ours = _definitions([*_shared_modules(), *_test_modules()])
    overrides = {name: places for name, places in ours.items() if name in plugins}
    unexpected = {name: places for name, places in overrides.items()
                  if [place.split(":")[0] for place in places] != [PLUGIN_OVERRIDES.get(name)]}
    assert not unexpected, f"Redefined plugin fixtures (another meaning?): {unexpected}"
    assert set(overrides) == set(PLUGIN_OVERRIDES), "PLUGIN_OVERRIDES lists a name no longer used"
