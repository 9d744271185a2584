"""A scale seeder for the schools the core's tests and benchmark need.

The schools app owns its data; until it registers its own scale seeder
(`register_scale_seeder(ScaleSeeder("schools", ...))`), tests register this one."""

from contextlib import contextmanager
from datetime import date

from partnership.registry import ScaleSeeder, registry


def seed_schools(partnership, *, schools: int, terms) -> None:
    from schools.models import PartnershipMembership, PupilCount, School

    first_urn = (School.objects.order_by("-urn").values_list("urn", flat=True).first() or 900000) + 1
    phases = ["Primary", "Primary", "Primary", "Secondary", "Not applicable"]
    created = School.objects.bulk_create(
        School(
            urn=first_urn + n,
            la_code=partnership.local_authority.code,
            la_name=partnership.local_authority.name,
            name=f"{['Ash', 'Beech', 'Cedar', 'Elm', 'Hazel', 'Oak', 'Rowan', 'Willow'][n % 8]} Tree "
            f"{'Primary' if n % 5 < 3 else 'Academy'} School No. {n + 1}",
            phase=phases[n % 5],
            type_of_establishment="Community school",
            status="Open",
            number_of_pupils=90 + (n * 37) % 1100,
        )
        for n in range(schools)
    )
    joined = date(terms[0].academic_year - 3, 9, 1)
    PartnershipMembership.objects.bulk_create(
        PartnershipMembership(partnership=partnership, school=school, joined_on=joined) for school in created
    )
    PupilCount.objects.bulk_create(
        PupilCount(school=school, counted_on=date(terms[0].academic_year, 10, 1), pupils=school.number_of_pupils)
        for school in created
    )


SCHOOLS = ScaleSeeder("schools", seed_schools, order=10)


@contextmanager
def schools_scale_seeder():
    """Use the schools app's own scale seeder when it has one, this one otherwise."""
    saved = list(registry.scale_seeders)
    if not any(seeder.name == "schools" for seeder in saved):
        registry.scale_seeders[:] = sorted([SCHOOLS, *saved], key=lambda s: s.order)
    try:
        yield
    finally:
        registry.scale_seeders[:] = saved
