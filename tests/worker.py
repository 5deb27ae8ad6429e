"""A real Celery worker against the Redis broker, for the tests where background work matters."""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from partnercenter.celery import app


@pytest.fixture
def celery_worker(transactional_db):
    """A worker thread of the project's Celery app; tasks stop running inline meanwhile."""
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING",
                          shutdown_timeout=10):
            yield
    finally:
        app.conf.task_always_eager = True


def wait_for(predicate, seconds=30):
    """True once `predicate()` is, False after `seconds`: the worker runs in its own time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False
