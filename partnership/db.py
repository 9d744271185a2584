"""Surviving a database restart in the middle of a request.

Persistent connections are checked at the start of each request (CONN_HEALTH_CHECKS), which
covers a restart between requests. `retry_on_lost_connection` covers one during a request:
it wraps a service (one `transaction.atomic`) and, if the connection was lost, reconnects and
runs the service again. The service's transaction was rolled back whole, so running it again
is safe (a lock timeout or serialisation failure, also an OperationalError, is retried too);
it never retries inside an outer transaction, whose earlier work would be gone.
"""

import functools
import logging
import time

from django.db import InterfaceError, OperationalError, connection

logger = logging.getLogger(__name__)


def retry_on_lost_connection(service=None, *, attempts: int = 3, pause: float = 0.2):
    """Decorate (or wrap at the call: `retry_on_lost_connection(book_place)(...)`) a service."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for attempt in range(1, attempts + 1):
                try:
                    return func(*args, **kwargs)
                except (OperationalError, InterfaceError) as error:
                    if attempt == attempts or connection.in_atomic_block:
                        raise
                    logger.warning("Database error in %s (try %s), trying again: %s", func.__name__, attempt, error)
                    if connection.connection is not None and not connection.is_usable():
                        connection.close()  # the next query opens a new connection
                    time.sleep(pause * attempt)
            raise AssertionError("unreachable")

        return wrapper

    return decorate(service) if service is not None else decorate
