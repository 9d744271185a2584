"""A short-lived cache of each person's rendered dashboard panels.

Each panel's HTML is kept for DASHBOARD_CACHE_SECONDS under a key naming the panel, the
partnership, the user and two version tokens: one per partnership, one for everything. Any
write to a model of the portal's apps changes a token after its transaction commits: the
partnership's own token when the row names its partnership (`partnership_id`), otherwise
the global one. So a change shows on the next request; only writes that bypass model
signals (bulk updates) can be up to DASHBOARD_CACHE_SECONDS late. Permissions are checked
before the cache is read (the partnership is looked up from the request's own grants), and
a cache that cannot be reached only means panels are rendered afresh.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

logger = logging.getLogger(__name__)

GLOBAL_KEY = "dashboard:version"


def _partnership_key(partnership_id) -> str:
    return f"dashboard:version:{partnership_id}"


def _bump(key: str) -> None:
    try:
        cache.set(key, time.time_ns(), None)
    except Exception:
        logger.warning("Dashboard cache unavailable: version %s not changed.", key)


def changed(sender, instance=None, **kwargs) -> None:
    if not getattr(settings, "DASHBOARD_CACHE_SECONDS", 0) or sender._meta.app_label not in settings.LOCAL_APPS:
        return
    partnership_id = getattr(instance, "partnership_id", None)
    key = _partnership_key(partnership_id) if partnership_id else GLOBAL_KEY
    transaction.on_commit(lambda: _bump(key))


def changed_everywhere(sender=None, **kwargs) -> None:
    """For a write that concerns people of other partnerships too: every dashboard is refreshed."""
    if getattr(settings, "DASHBOARD_CACHE_SECONDS", 0):
        transaction.on_commit(lambda: _bump(GLOBAL_KEY))


def connect() -> None:
    post_save.connect(changed, dispatch_uid="dashboard_cache_save")
    post_delete.connect(changed, dispatch_uid="dashboard_cache_delete")
    m2m_changed.connect(changed, dispatch_uid="dashboard_cache_m2m")


def cached(request, partnership, parts: dict) -> dict:
    """{name: value} for each of `parts` ({name: function returning a picklable value}),
    read from the cache in two round trips and computed (then stored) when missing."""
    seconds = getattr(settings, "DASHBOARD_CACHE_SECONDS", 0)
    if not seconds:
        return {name: compute() for name, compute in parts.items()}
    own_key = _partnership_key(partnership.pk)
    try:
        versions = cache.get_many([GLOBAL_KEY, own_key])
        prefix = f"dashboard:{partnership.pk}:{request.user.pk}:{timezone.localdate().isoformat()}:{versions.get(GLOBAL_KEY, 0)}:{versions.get(own_key, 0)}"
        keys = {name: f"{prefix}:{name}" for name in parts}
        found = cache.get_many(list(keys.values()))
    except Exception:
        logger.warning("Dashboard cache unavailable: rendering afresh.")
        return {name: compute() for name, compute in parts.items()}
    values, missing = {}, {}
    for name, compute in parts.items():
        if keys[name] in found:
            values[name] = found[keys[name]]["value"]
        else:
            values[name] = compute()
            missing[keys[name]] = {"value": values[name]}
    if missing:
        try:
            cache.set_many(missing, seconds)
        except Exception:
            logger.warning("Dashboard cache unavailable: panels not cached.")
    return values
