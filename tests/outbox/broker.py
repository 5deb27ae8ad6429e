"""Point the project's Celery app at a closed loopback port: the broker is unreachable for
every publish, while PostgreSQL and the cache (Redis) stay up."""

from contextlib import contextmanager

from partnercenter.celery import app

UNREACHABLE = "redis://127.0.0.1:1/0"


def _drop_connections():
    # Forget the pools (kombu keeps them in a shared registry: closing one breaks it for
    # good); the next publish builds a pool for the URL configured then.
    app._pool = None
    if "amqp" in app.__dict__:
        app.__dict__["amqp"]._producer_pool = None


@contextmanager
def broker_down():
    previous = app.conf.broker_url
    _drop_connections()
    app.conf.broker_url = UNREACHABLE
    try:
        yield
    finally:
        _drop_connections()
        app.conf.broker_url = previous
