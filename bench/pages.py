"""The pages `make bench` measures: every `BenchPage` registered by the apps, for the
partnership with the most member schools."""

from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count

from partnership.models import Partnership, Role, RoleGrant
from partnership.registry import BenchPage, registry

ROLE_KEYS = {
    Role.COORDINATOR: "coordinator",
    Role.CLERK: "clerk",
    Role.HEADTEACHER: "head",
    Role.LA_OFFICER: "la_officer",
    Role.STAFF: "staff",
}


@dataclass
class Target:
    """What page arguments are built from: a seeded partnership, the school its head and
    staff member work at, and a user for each role key."""

    partnership: Partnership
    school: object = None
    users: dict = field(default_factory=dict)


def find_target() -> Target:
    """The partnership with the most current member schools (the heaviest pages)."""
    Membership = apps.get_model("schools", "PartnershipMembership")
    busiest = (
        Membership.objects.current()
        .values("partnership")
        .annotate(schools=Count("id"))
        .order_by("-schools", "partnership")
        .first()
    )
    if busiest is None:
        raise RuntimeError("No partnership with member schools: run seed_scale first.")
    partnership = Partnership.objects.get(pk=busiest["partnership"])
    target = Target(partnership)
    for grant in RoleGrant.objects.filter(partnership=partnership).select_related("user", "school").order_by("pk"):
        key = ROLE_KEYS[grant.role]
        target.users.setdefault(key, grant.user)
        if key == "head" and target.school is None:
            target.school = grant.school
    return target


def bench_pages() -> list[BenchPage]:
    return list(registry.bench_pages)


def school_list_page() -> BenchPage | None:
    """The school list for the load run, when the schools app has registered it."""
    for page in registry.bench_pages:
        if page.name == "school list" or page.url_name.endswith("school_list"):
            return page
    return None
