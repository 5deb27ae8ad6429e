"""The versioned cache of the public directory: a publish bumps the version, old keys die out.

Every cached directory read is stored under a key that contains the current version, so
after an approval the next request misses and reads the new listing at once; stale
entries are never read again and expire on their own.

The cache is Redis in production: while it cannot be reached the backend (apps.cache) misses
every read, so a read computes the listing from the database and a publish's refresh is
skipped, each logged as one line. Entries written before the outage expire within TIMEOUT.
"""

import hashlib
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

_T = TypeVar("_T")

VERSION_KEY = "providers:directory:version"
# A publish invalidates at once; the timeout only bounds what other changes (an organization
# deactivated in the admin) take to show, and how long unused entries stay.
TIMEOUT = 300


def _fresh():
    # Unique across evictions: a lost version key never brings back an old version number.
    return time.time_ns()


def directory_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        version = _fresh()
        # add(): two requests that both found no version agree on the first one stored.
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY, version)
    return version


def directory_bump():
    """After a publish commits: the next read misses."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or evicted): any new value invalidates old keys
        cache.set(VERSION_KEY, _fresh(), timeout=None)


def directory_key(*parts):
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return f"providers:directory:{directory_version()}:{digest}"


def cached(key_parts: tuple[object, ...], compute: Callable[[], _T]) -> _T:
    """compute() once per directory version and key; every time while the cache is down."""
    key = directory_key(*key_parts)
    value: _T | None = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=TIMEOUT)
    return value
