"""PORTAL_API_RATE_LIMIT requests per key and minute, counted in Redis (the cache).

Fixed one-minute windows: one INCR per request. When Redis is down the request goes
through (fail-open): the key was checked against the database already, and refusing every
call because a counter is unreachable would stop integrations for no security gain. Each
such pass is logged.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger(__name__)
WINDOW = 60


class KeyRateThrottle(BaseThrottle):
    def allow_request(self, request, view):
        key = request.auth
        if key is None:
            return True
        now = time.time()
        window = int(now // WINDOW)
        self.retry_after = WINDOW - int(now % WINDOW)
        name = f"api:rate:{key.pk}:{window}"
        try:
            cache.add(name, 0, WINDOW + 5)
            count = cache.incr(name)
        except ValueError:  # expired between add and incr: a new window
            return True
        except (RedisError, OSError):
            logger.warning("API rate limit not counted (Redis unavailable) for key %s",
                           key.prefix)
            return True
        return count <= settings.PORTAL_API_RATE_LIMIT

    def wait(self):
        return self.retry_after
