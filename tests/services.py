"""Runs pytest against real PostgreSQL and Redis when they answer (`make test`).

DATABASE_URL / REDIS_URL win when set; otherwise the local defaults are probed
(127.0.0.1:5432 database `test`, user `postgres`; 127.0.0.1:6379). When they do
not answer the suite falls back to SQLite and eager Celery with a warning, except
under CI=true, where that is an error.
"""

import os
import socket
import sys

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"


def _answers(host, port):
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def configure(environ):
    """Fill `environ` for the test run; return the problems found."""
    problems = []
    if not environ.get("DATABASE_URL"):
        if _answers("127.0.0.1", 5432):
            environ["DATABASE_URL"] = DEFAULT_DATABASE_URL
        else:
            problems.append("PostgreSQL does not answer on 127.0.0.1:5432")
    if not environ.get("REDIS_URL"):
        if _answers("127.0.0.1", 6379):
            environ["REDIS_URL"] = DEFAULT_REDIS_URL
        else:
            problems.append("Redis does not answer on 127.0.0.1:6379")
    # Most tests run tasks inline; tests/celery start a real worker against Redis.
    environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    environ.setdefault("PORTAL_READ_DOT_ENV", "false")
    environ.setdefault("DEBUG", "true")
    return problems


def main(argv):
    environ = os.environ
    problems = configure(environ)
    ci = environ.get("CI", "").lower() in {"1", "true", "yes"}
    for problem in problems:
        print(f"WARNING: {problem}: falling back to SQLite / local-memory cache / eager Celery.",
              file=sys.stderr)
    if problems and ci:
        print("ERROR: CI=true requires PostgreSQL and Redis; refusing the fallback.",
              file=sys.stderr)
        return 2
    print(f"Tests use DATABASE_URL={environ.get('DATABASE_URL', 'sqlite (fallback)')} "
          f"REDIS_URL={environ.get('REDIS_URL', 'none (fallback)')}", file=sys.stderr)
    os.execvp(sys.executable, [sys.executable, "-m", "pytest", *argv])
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
