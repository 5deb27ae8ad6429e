"""The bench's WSGI application: the product, and the reference views behind Django's
standard middleware only (no workspace, CSP, htmx, allauth or language middleware).

    gunicorn benchmarks.wsgi:application    (run.py starts it with the bench's settings)
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application

REFERENCE_PREFIX = "/bench-ref/"  # benchmarks/urls.py

STANDARD_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

product = get_wsgi_application()


class ReferenceHandler(WSGIHandler):
    """A second handler of the same project, built with the standard middleware."""

    def load_middleware(self, is_async=False):
        saved = settings.MIDDLEWARE
        settings.MIDDLEWARE = STANDARD_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = saved


reference = ReferenceHandler()


def application(environ, start_response):
    if environ.get("PATH_INFO", "").startswith(REFERENCE_PREFIX):
        return reference(environ, start_response)
    return product(environ, start_response)
