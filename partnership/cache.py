"""Django's Redis cache, except that Redis being unreachable never fails a request.

The cache holds nothing that is not also somewhere else (sessions live in the database;
dashboard panels and list summaries are recomputed), so while Redis is down
a read is a miss and a write is skipped, with a warning in the log: pages keep working,
only slower. (django-redis calls this IGNORE_EXCEPTIONS.) `incr` and `decr` raise
ValueError, as they do for a missing key, so callers fall back to `set`. `add` reports
success, as `set` does: allauth takes its rate-limit lock with `add`, and a lock that
could never be taken would refuse every sign-in (429) while Redis is down. So while Redis
is down sign-in works but attempts are not counted; the limits come back with Redis.
"""

import functools
import logging
import time

import redis.exceptions
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
_last_warning = [0.0]


def _warn(operation: str, error: Exception) -> None:
    now = time.monotonic()
    if now - _last_warning[0] > 10:  # one line per ten seconds, not one per request
        _last_warning[0] = now
        logger.warning("Redis unreachable (%s): carrying on without the cache. %s", operation, error)


def _resilient(default):
    def wrap(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                _warn(method.__name__, error)
                return default(*args, **kwargs) if callable(default) else default

        return call

    return wrap


def _missing_key(*args, **kwargs):
    raise ValueError("The cache is unreachable.")


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        # Fail fast: a page must not wait long for a cache that is not there.
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 1)
        super().__init__(server, {**params, "OPTIONS": options})

    add = _resilient(True)(RedisCache.add)
    get = _resilient(lambda key, default=None, version=None: default)(RedisCache.get)
    set = _resilient(None)(RedisCache.set)
    touch = _resilient(False)(RedisCache.touch)
    delete = _resilient(False)(RedisCache.delete)
    get_many = _resilient({})(RedisCache.get_many)
    has_key = _resilient(False)(RedisCache.has_key)
    incr = _resilient(_missing_key)(RedisCache.incr)
    decr = _resilient(_missing_key)(RedisCache.decr)
    set_many = _resilient(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    delete_many = _resilient(None)(RedisCache.delete_many)
    clear = _resilient(False)(RedisCache.clear)
