"""Reading the school list fast when a partnership has thousands of schools."""

from django.core.cache import cache
from django.core.paginator import Paginator

from .models import PartnershipMembership

VERSION_KEY = "schools:registry-version"


def registry_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY, 1)
    return version


def registry_changed() -> None:
    """Call after imports and membership changes: cached summaries are rebuilt on next read."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def filter_options(partnership, members) -> dict[str, list[str]]:
    """The phases, types and religious characters among the members, for the filter
    menus. A scan of every member, so it is cached until the registry changes."""
    key = f"schools:filter-options:{partnership.pk}:{registry_version()}"
    options = cache.get(key)
    if options is None:
        found = {"phase": set(), "type": set(), "religion": set()}
        for phase, kind, religion in (
            members.order_by().values_list("phase", "type_of_establishment", "religious_character").distinct()
        ):
            found["phase"].add(phase)
            found["type"].add(kind)
            found["religion"].add(religion)
        options = {name: sorted(value for value in values if value) for name, values in found.items()}
        cache.set(key, options, 60 * 60)
    return options


def member_count(partnership) -> int:
    """The unfiltered total from the membership table alone (no join with schools)."""
    return PartnershipMembership.objects.current().filter(partnership=partnership).count()


COUNT_LIMIT = 1000  # a filtered list counts this far; past it, narrow the filters


def bounded_count(schools) -> tuple[int, bool, int]:
    """(count, exact, limit): counts matches up to COUNT_LIMIT, so a broad filter over
    25,000 schools stops early instead of joining every row."""
    limit = COUNT_LIMIT
    found = schools.order_by()[: limit + 1].count()
    return min(found, limit), found <= limit, limit


class TwoEndedPaginator(Paginator):
    """Pages in the back half are read from the other end of the ordering, so OFFSET never
    goes past half the list: the last page costs what the first does. The ordering must
    be total (it ends in the primary key), which the school list's always is. With a
    bounded count (`exact` false) the far end is unknown, so pages are read from the front."""

    exact = True

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if self.exact and bottom > self.count // 2 and self.object_list.ordered:
            items = list(self.object_list.reverse()[self.count - top : self.count - bottom])[::-1]
        else:
            items = list(self.object_list[bottom:top])
        return self._get_page(items, number, self)
