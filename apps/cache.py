"""The cache backend: Django's RedisCache, tolerant of a Redis that cannot be reached.

The cache only ever holds what can be computed again (directory pages, the Customers page's
options and totals, rate-limit counters), so an outage must cost speed, never a page: while
Redis is down a read misses, a write is dropped and an increment finds no key, each logged
as one line. Short socket timeouts (settings.CACHES OPTIONS) bound what each try costs.

Rate limits kept in the cache (allauth's sign-in limits, enrolment attempts) therefore fail
open while the cache is down: see "Operations" in the README.
"""

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What an unreachable Redis raises: its own errors (ConnectionError, TimeoutError) and the
# socket's.
DOWN = (RedisError, OSError)


def _down(operation: str, error: Exception) -> None:
    logger.warning("cache unavailable: %s skipped: %s: %s", operation, type(error).__name__,
                   error)


class TolerantRedisCache(RedisCache):
    """RedisCache whose reads miss and writes are dropped while Redis is unreachable."""

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except DOWN as error:
            _down("get", error)
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        try:
            return super().get_many(keys, version)
        except DOWN as error:
            _down("get_many", error)
            return {}

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().has_key(key, version)
        except DOWN as error:
            _down("has_key", error)
            return False

    def add(self, key: Any, value: Any, *args: Any, **kwargs: Any) -> bool:
        # Down: True, as if stored. add() is how code takes a lock in the cache (allauth's
        # rate limits wait for theirs, then refuse with a 429): with no cache there is no
        # one to wait for, and the holder goes on (rate limits fail open).
        try:
            return super().add(key, value, *args, **kwargs)
        except DOWN as error:
            _down("add", error)
            return True

    def set(self, key: Any, value: Any, *args: Any, **kwargs: Any) -> None:
        try:
            super().set(key, value, *args, **kwargs)
        except DOWN as error:
            _down("set", error)

    def set_many(self, data: Any, *args: Any, **kwargs: Any) -> list[Any]:
        try:
            return super().set_many(data, *args, **kwargs)
        except DOWN as error:
            _down("set_many", error)
            return list(data)

    def touch(self, key: Any, *args: Any, **kwargs: Any) -> bool:
        try:
            return super().touch(key, *args, **kwargs)
        except DOWN as error:
            _down("touch", error)
            return False

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except DOWN as error:
            _down("delete", error)
            return False

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        try:
            super().delete_many(keys, version)
        except DOWN as error:
            _down("delete_many", error)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # A missing key is ValueError already: callers handle it (the key may have expired).
        try:
            return super().incr(key, delta, version)
        except DOWN as error:
            _down("incr", error)
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).") from error

    def clear(self) -> None:
        try:
            super().clear()
        except DOWN as error:
            _down("clear", error)
