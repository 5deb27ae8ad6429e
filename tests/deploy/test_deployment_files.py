"""Static checks of the container files: Dockerfile, docker-compose.yml and .dockerignore.

No Docker engine is needed (nor a database): the files are parsed as text/YAML and
cross-checked against the source tree, so a renamed module, a missing COPY source or a
mistyped environment variable fails here instead of in `docker compose up`.
"""

import fnmatch
import json
import re
import shlex
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERIGNORE = ROOT / ".dockerignore"
SETTINGS = ROOT / "partnercenter" / "settings.py"

# Services built from this repository's image, and the ones every deployment needs.
APP_SERVICES = ("migrate", "web", "worker", "beat")
REQUIRED_SERVICES = ("web", "worker", "beat", "db", "redis", "mailpit")


# ---------------------------------------------------------------- helpers


@cache
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def service(name: str) -> dict:
    return compose()["services"][name]


def argv(name: str) -> list[str]:
    """The service's command as an argument list (compose accepts a string or a list)."""
    command = service(name).get("command")
    assert command, f"service {name!r} has no command"
    if isinstance(command, str):
        return shlex.split(command)
    return [str(part) for part in command]


def shell_script(name: str) -> str:
    """The script of an `sh -c "..."` command, else the command line itself."""
    parts = argv(name)
    if len(parts) >= 3 and parts[0] in {"sh", "bash", "/bin/sh", "/bin/bash"} and parts[1] == "-c":
        return parts[2]
    return shlex.join(parts)


@cache
def dockerfile_instructions() -> tuple[tuple[str, str], ...]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    instructions = []
    pending = ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue  # comment lines inside a continued instruction are ignored by Docker
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        full = (pending + line).strip()
        pending = ""
        if full:
            keyword, _, rest = full.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    assert not pending, "Dockerfile ends inside a continued line"
    return tuple(instructions)


def instructions(keyword: str) -> list[str]:
    return [args for kw, args in dockerfile_instructions() if kw == keyword]


def exec_form(args: str) -> list[str]:
    """Arguments of a CMD/ENTRYPOINT/COPY, JSON (exec) form or shell form."""
    if args.startswith("["):
        return json.loads(args)
    return shlex.split(args)


def copy_sources(args: str) -> list[str] | None:
    """Context paths a COPY reads from, or None when it copies from another stage."""
    parts = exec_form(args)
    flags = [p for p in parts if p.startswith("--")]
    if any(flag.startswith("--from") for flag in flags):
        return None
    paths = [p for p in parts if not p.startswith("--")]
    assert len(paths) >= 2, f"COPY {args!r} needs a source and a destination"
    return paths[:-1]


def settings_env_names() -> set[str]:
    """Environment variables partnercenter/settings.py reads through django-environ."""
    return set(
        re.findall(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""", SETTINGS.read_text())
    )


def dockerignore_patterns() -> list[str]:
    lines = (line.strip() for line in DOCKERIGNORE.read_text().splitlines())
    return [line.rstrip("/") for line in lines if line and not line.startswith("#")]


def is_dockerignored(path: str) -> bool:
    """Rough .dockerignore matcher: enough to catch a COPY of an excluded path."""
    parts = Path(path).parts
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for pattern in dockerignore_patterns():
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").lstrip("/")
        anywhere = pattern.startswith("**/")
        pattern = pattern.removeprefix("**/")
        for candidate in candidates:
            names = [candidate] + ([candidate.split("/")[-1]] if anywhere else [])
            if any(fnmatch.fnmatchcase(name, pattern) for name in names):
                ignored = not negate
    return ignored


# ---------------------------------------------------------------- docker-compose.yml


def test_compose_file_uses_the_compose_spec():
    data = compose()
    assert "version" not in data, "the compose spec has no top-level `version:` key"
    assert isinstance(data.get("services"), dict)


@pytest.mark.parametrize("name", [*REQUIRED_SERVICES, "migrate"])
def test_compose_defines_service(name):
    assert name in compose()["services"]


def test_web_runs_gunicorn_on_the_wsgi_application():
    parts = argv("web")
    assert parts[0] == "gunicorn"
    app = next(p for p in parts if ":" in p and not p.startswith("-") and "." in p)
    module, _, attribute = app.partition(":")
    assert module == "partnercenter.wsgi"
    assert attribute == "application"
    module_file = ROOT / (module.replace(".", "/") + ".py")
    assert module_file.is_file()
    assert re.search(rf"^{attribute}\s*=", module_file.read_text(), re.M)
    bind = parts[parts.index("--bind") + 1] if "--bind" in parts else None
    assert bind == "0.0.0.0:8000"


def test_web_publishes_port_8000():
    assert any(str(port).split(":")[-1] == "8000" for port in service("web").get("ports", []))


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_services_run_the_partnercenter_app(name):
    assert argv(name)[:4] == ["celery", "-A", "partnercenter", name]


def test_celery_app_module_exists():
    celery_module = ROOT / "partnercenter" / "celery.py"
    assert celery_module.is_file()
    assert 'Celery("partnercenter")' in celery_module.read_text()
    # `celery -A partnercenter` finds the app on the package (or its celery submodule).
    assert "celery_app" in (ROOT / "partnercenter" / "__init__.py").read_text()


def test_migrate_service_migrates_and_loads_no_demo_data():
    script = shell_script("migrate")
    assert "manage.py migrate --noinput" in script, script
    # Demo data on every `up` would give the operator's account the demo password again.
    assert "seed_demo" not in script, script
    assert (ROOT / "manage.py").is_file()
    assert service("migrate").get("restart", "no") == "no", "migrate is a one-shot job"


def test_readme_says_how_to_load_demo_data_once():
    commands = sorted(ROOT.glob("apps/*/management/commands/seed_demo.py"))
    assert commands, "no apps/*/management/commands/seed_demo.py (the README documents it)"
    readme = (ROOT / "README.md").read_text()
    assert "docker compose run --rm web python manage.py seed_demo" in readme


def test_web_waits_for_healthy_backends_and_finished_migrations():
    depends_on = service("web")["depends_on"]
    assert depends_on["db"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_services_wait_for_backends(name):
    depends_on = service(name)["depends_on"]
    assert depends_on["db"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"


def test_migrate_waits_for_a_healthy_database():
    assert service("migrate")["depends_on"]["db"]["condition"] == "service_healthy"


@pytest.mark.parametrize(("name", "probe"), [("db", "pg_isready"), ("redis", "redis-cli")])
def test_backing_services_have_healthchecks(name, probe):
    test = service(name)["healthcheck"]["test"]
    assert probe in (test if isinstance(test, str) else " ".join(test))


def test_backing_service_images_are_pinned():
    assert service("db")["image"] == "postgres:16"
    assert service("redis")["image"] == "redis:7"
    for name in ("db", "redis", "mailpit"):
        image = service(name)["image"]
        assert ":" in image, f"{name} image {image!r} has no tag"
        assert not image.endswith(":latest"), f"{name} image {image!r} is not pinned"


def test_database_lives_on_a_named_volume():
    volumes = service("db").get("volumes", [])
    named = [v.split(":")[0] for v in volumes if isinstance(v, str)]
    assert any(name in (compose().get("volumes") or {}) for name in named)


def test_mailpit_exposes_web_ui_and_smtp():
    ports = {str(port).split(":")[-1] for port in service("mailpit")["ports"]}
    assert {"8025", "1025"} <= ports


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_build_this_repository(name):
    assert service(name).get("build"), f"{name} is not built from the Dockerfile"


def test_app_services_share_one_environment():
    environments = [service(name)["environment"] for name in APP_SERVICES]
    assert all(env == environments[0] for env in environments)


def test_shared_environment_values():
    env = {key: str(value) for key, value in service("web")["environment"].items()}
    assert env["DEBUG"] == "False"
    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", env["SECRET_KEY"]), (
        "SECRET_KEY must be required from the caller, never a value in the file"
    )
    assert set(env["ALLOWED_HOSTS"].split(",")) >= {"localhost", "127.0.0.1"}
    assert env["DATABASE_URL"] == "postgres://partnercenter:partnercenter@db:5432/partnercenter"
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert env["EMAIL_URL"] == "smtp://mailpit:1025"
    assert env["PORTAL_BASE_URL"] == "http://localhost:8000"
    assert env["CSRF_TRUSTED_ORIGINS"] == "http://localhost:8000"
    # Plain HTTP on localhost: no https redirect and cookies the browser will send back.
    assert env["SECURE_SSL_REDIRECT"] == "False"
    assert env["SESSION_COOKIE_SECURE"] == "False"
    assert env["CSRF_COOKIE_SECURE"] == "False"


def test_database_credentials_match_the_database_url():
    db_env = service("db")["environment"]
    assert (db_env["POSTGRES_USER"], db_env["POSTGRES_PASSWORD"], db_env["POSTGRES_DB"]) == (
        "partnercenter",
        "partnercenter",
        "partnercenter",
    )


def test_every_environment_variable_is_read_by_settings():
    known = settings_env_names()
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"} <= known
    unknown = set(service("web")["environment"]) - known
    assert not unknown, f"set in docker-compose.yml but never read by settings.py: {unknown}"


def test_web_healthcheck_asks_for_readiness():
    test = service("web")["healthcheck"]["test"]
    probe = test if isinstance(test, str) else " ".join(test)
    assert "/readyz" in probe
    assert "curl" not in probe  # the slim image has none
    assert "'Host': 'localhost'" in probe  # in ALLOWED_HOSTS
    assert "X-Forwarded-Proto" in probe
    assert re.search(r"""path\(\s*["']readyz["']""", (ROOT / "partnercenter/urls.py").read_text())


# ---------------------------------------------------------------- Dockerfile


def test_base_images_are_pinned():
    froms = instructions("FROM")
    assert froms, "the Dockerfile has no FROM"
    stages: set[str] = set()
    for args in froms:
        parts = [p for p in args.split() if not p.startswith("--")]
        image = parts[0]
        if image.lower() not in stages:  # not FROM an earlier stage
            assert "$" not in image, f"base image {image!r} is not a literal"
            assert ":" in image, f"base image {image!r} has no tag"
            assert not image.endswith(":latest"), f"base image {image!r} is not pinned"
            assert image.startswith("python:3.11-slim"), image
        if len(parts) >= 3 and parts[1].upper() == "AS":
            stages.add(parts[2].lower())


def test_runs_as_a_non_root_user():
    users = instructions("USER")
    assert users, "the image has no USER instruction"
    assert users[-1].split(":")[0] not in {"root", "0"}
    keywords = [kw for kw, _ in dockerfile_instructions()]
    last_user = len(keywords) - 1 - keywords[::-1].index("USER")
    assert last_user < keywords.index("CMD"), "USER must come before CMD"


def test_installs_pinned_uv_and_frozen_dependencies():
    runs = " ".join(instructions("RUN"))
    assert re.search(r"pip install [^&]*uv==0\.13\.9", runs)
    assert "uv sync --frozen" in runs
    assert "--no-dev" in runs


def test_virtualenv_is_app_venv_and_on_path():
    dockerfile = DOCKERFILE.read_text()
    assert "UV_PROJECT_ENVIRONMENT=/app/.venv" in dockerfile
    assert "PATH=/app/.venv/bin:$PATH" in dockerfile


def test_every_copied_path_exists_and_is_not_dockerignored():
    checked = 0
    for args in instructions("COPY") + instructions("ADD"):
        sources = copy_sources(args)
        if sources is None:
            continue
        for source in sources:
            assert "://" not in source, f"{source!r}: fetch remote files in a RUN, not ADD"
            if any(char in source for char in "*?["):
                matches = list(ROOT.glob(source))
            else:
                matches = [ROOT / source]
            assert matches, f"COPY source {source!r} matches nothing"
            assert all(m.exists() for m in matches), f"COPY source {source!r} missing"
            assert not is_dockerignored(source), f"COPY source {source!r} is in .dockerignore"
            checked += 1
    assert checked, "the Dockerfile copies nothing from the build context"


def test_copies_lockfile_and_project_code():
    copied = set()
    for args in instructions("COPY"):
        copied.update(copy_sources(args) or [])
    assert {"pyproject.toml", "uv.lock", "manage.py", "partnercenter", "apps"} <= copied
    # Django loads templates and static sources from these top-level folders.
    assert {"templates", "static"} <= copied


def test_collects_static_files_at_build_time_with_a_throwaway_secret():
    collect = [run for run in instructions("RUN") if "collectstatic" in run]
    assert collect, "collectstatic is not run at build time"
    assert "--noinput" in collect[0]
    assert "DEBUG=False" in collect[0]
    assert "SECRET_KEY=" in collect[0]
    # The throwaway key must not persist into the runtime environment.
    assert not any("SECRET_KEY" in env for env in instructions("ENV"))


def test_default_command_is_gunicorn():
    cmd = exec_form(instructions("CMD")[-1])
    assert cmd[:2] == ["gunicorn", "partnercenter.wsgi:application"]
    assert cmd[cmd.index("--bind") + 1] == "0.0.0.0:8000"
    assert cmd[cmd.index("--workers") + 1] == "3"
    assert cmd[cmd.index("--access-logfile") + 1] == "-"
    assert "8000" in " ".join(instructions("EXPOSE")).split()


def test_healthcheck_probes_healthz_without_curl():
    healthchecks = instructions("HEALTHCHECK")
    assert len(healthchecks) == 1
    probe = healthchecks[0]
    assert "urllib" in probe
    assert "/healthz" in probe
    assert "curl" not in probe
    assert re.search(r"""path\(\s*["']healthz["']""", (ROOT / "partnercenter/urls.py").read_text())


# ---------------------------------------------------------------- .dockerignore


@pytest.mark.parametrize(
    "path",
    [
        ".venv",
        ".git",
        ".env",
        "db.sqlite3",
        "staticfiles",
        "media",
        "node_modules",
        "apps/__pycache__",
        "apps/x/module.pyc",
        ".pytest_cache",
    ],
)
def test_dockerignore_excludes_local_state(path):
    assert is_dockerignored(path)
