"""Settings of the HTTP benchmark (benchmarks/run.py): the product's, production-like.

DEBUG off with the production settings it implies (manifest static files, secure cookies
and HSTS headers), except what plain HTTP on loopback needs: no HTTPS redirect, and no MFA
requirement for the bench's signed-in admins (their sessions are made by run.py). The
URLconf adds the bare reference views (benchmarks/urls.py); benchmarks/wsgi.py serves them
behind Django's standard middleware only. Nothing here is used by the product.
"""

import os
from pathlib import Path

_BENCH_ENV = {
    "PORTAL_READ_DOT_ENV": "false",
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-never-used-outside-the-benchmarks-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "false",
    "PORTAL_REQUIRE_MFA_ROLES": "",
    "LOG_LEVEL": "WARNING",
    # The API page's load sends thousands of requests a minute with one key: the limiter
    # still counts each one (its INCR is in the timing), it just never refuses.
    "PORTAL_API_RATE_LIMIT": "100000000",
}
os.environ.update(_BENCH_ENV)

from partnercenter.settings import *  # noqa: E402, F403

ROOT_URLCONF = "benchmarks.urls"
STATIC_ROOT = Path(__file__).resolve().parent / "results" / "staticfiles"
