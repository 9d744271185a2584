"""Sessions read from the shared cache (Redis) and kept in the database.

Django's cached_db store, except that a cache that cannot be reached while loading a
session falls back to the database instead of failing the request: with Redis down,
signed-in pages keep working (only slower). Deleting a session (signing out) still fails
loudly when the cache is down, so a signed-out session can never live on in the cache.
"""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger(__name__)


class SessionStore(CachedDBStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.warning("Session cache unavailable: reading the session from the database.")
            data = None
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        try:
            self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
        except Exception:
            logger.warning("Session cache unavailable: the session was not cached.")
        return data
