"""The cache backend: Django's RedisCache, tolerant of a Redis that cannot be reached.

The cache only ever holds what can be computed again (directory pages, the Customers page's
options and totals, rate-limit counters), so an outage must cost speed, never a page: while
Redis is down a read misses, a write is dropped and an increment finds no key. Short socket
timeouts (settings.CACHES OPTIONS) bound what a try costs, and after a failed try the
backend leaves Redis alone for PORTAL_CACHE_DOWN_SECONDS (a sign-in makes some twenty cache
operations: each would wait for the timeout again), logging one line each time it gives up.

Rate limits kept in the cache (allauth's sign-in limits, enrolment attempts) therefore fail
open while the cache is down: see "Operations" in the README.
"""

import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What an unreachable Redis raises: its own errors (ConnectionError, TimeoutError) and the
# socket's.
DOWN = (RedisError, OSError)

_T = TypeVar("_T")


class _Unavailable(Exception):
    """Redis failed a moment ago: not tried again yet."""


class _KeptClients(RedisCacheClient):
    """Django's client builds a new redis.Redis (and its table of some 200 response
    callbacks) for every operation: about 0.2 ms of CPU each. A redis.Redis over a
    connection pool is safe to share between threads, so one is kept per pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._kept.get(id(pool))
        if client is None:
            client = self._kept[id(pool)] = self._client(  # type: ignore[attr-defined]
                connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    """RedisCache whose reads miss and writes are dropped while Redis is unreachable."""

    def __init__(self, server: Any, params: Any) -> None:
        super().__init__(server, params)
        self._class = _KeptClients

    def validate_key(self, key: Any) -> None:
        """Redis takes any key: no memcached warnings (a Python loop over each key's
        characters, on every operation)."""

    # Until when (time.monotonic()) Redis is not tried; per backend object, which Django
    # keeps per thread: each web thread finds out once, then waits out the pause.
    _down_until = 0.0

    def _try(self, operation: str, call: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        if time.monotonic() < self._down_until:
            raise _Unavailable
        try:
            return call(*args, **kwargs)
        except DOWN as error:
            pause = settings.PORTAL_CACHE_DOWN_SECONDS
            self._down_until = time.monotonic() + pause
            logger.warning("cache unavailable: %s skipped, and the cache for %g s: %s: %s",
                           operation, pause, type(error).__name__, error)
            raise _Unavailable from error

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return self._try("get", super().get, key, default, version)
        except _Unavailable:
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        try:
            return self._try("get_many", super().get_many, keys, version)
        except _Unavailable:
            return {}

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return self._try("has_key", super().has_key, key, version)
        except _Unavailable:
            return False

    def add(self, key: Any, value: Any, *args: Any, **kwargs: Any) -> bool:
        # Down: True, as if stored. add() is how code takes a lock in the cache (allauth's
        # rate limits wait for theirs, then refuse with a 429): with no cache there is no
        # one to wait for, and the holder goes on (rate limits fail open).
        try:
            return self._try("add", super().add, key, value, *args, **kwargs)
        except _Unavailable:
            return True

    def set(self, key: Any, value: Any, *args: Any, **kwargs: Any) -> None:
        with contextlib.suppress(_Unavailable):
            self._try("set", super().set, key, value, *args, **kwargs)

    def set_many(self, data: Any, *args: Any, **kwargs: Any) -> list[Any]:
        try:
            return self._try("set_many", super().set_many, data, *args, **kwargs)
        except _Unavailable:
            return list(data)

    def touch(self, key: Any, *args: Any, **kwargs: Any) -> bool:
        try:
            return self._try("touch", super().touch, key, *args, **kwargs)
        except _Unavailable:
            return False

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return self._try("delete", super().delete, key, version)
        except _Unavailable:
            return False

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        with contextlib.suppress(_Unavailable):
            self._try("delete_many", super().delete_many, keys, version)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # A missing key is ValueError already: callers handle it (the key may have expired).
        try:
            return self._try("incr", super().incr, key, delta, version)
        except _Unavailable as error:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).") from error

    def clear(self) -> None:
        with contextlib.suppress(_Unavailable):
            self._try("clear", super().clear)
