"""Absolute links in e-mails: `PORTAL_BASE_URL` when it is set, else the scheme and host of
the request that started the work (so a portal served on another host or port links to
itself), else http://127.0.0.1:8000.

The request's base travels with the background work it starts: the outbox keeps it beside
the task's arguments and relays it as a message header; a task sees it through
`portal_url()` while it runs (the `task_prerun` handler below).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.http import HttpRequest, HttpResponse

FALLBACK = "http://127.0.0.1:8000"
# The header (and the outbox's reserved argument) that carries a request's base to a task.
HEADER = "portal_base_url"

_base: ContextVar[str] = ContextVar("portal_base_url", default="")


def portal_url(path: str = "") -> str:
    """`path` made absolute for a mail: PORTAL_BASE_URL, else the request's base."""
    return (settings.PORTAL_BASE_URL or _base.get() or FALLBACK) + path


def current_base_url() -> str:
    """The base of the request being served (or of the task's request), '' outside one."""
    return _base.get()


@contextmanager
def base_url(value: str) -> Iterator[None]:
    token = _base.set(value.rstrip("/"))
    try:
        yield
    finally:
        _base.reset(token)


class RequestBaseURLMiddleware:
    """Remembers the request's scheme and host (already checked against ALLOWED_HOSTS) for
    the links of the mails it starts."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with base_url(f"{request.scheme}://{request.get_host()}"):
            return self.get_response(request)


_task_tokens: dict[str, Any] = {}


@task_prerun.connect
def _task_base_url(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    request = getattr(task, "request", None)
    value = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(
        HEADER)
    if value and task_id:
        _task_tokens[task_id] = _base.set(str(value))


@task_postrun.connect
def _task_base_url_done(task_id: str | None = None, **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id or "", None)
    if token is not None:
        try:
            _base.reset(token)
        except ValueError:  # set in another context (a worker thread): clear it there
            _base.set("")
