"""seed_scale: synthetic data at any size, reused when already there, extended by each area."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from bench.pages import find_target
from partnership.models import LocalAuthority, Partnership, RoleGrant, Term
from partnership.registry import ScaleSeeder, register_scale_seeder, registry
from partnership.scale import MARKER_CODE, seed_scale
from partnership.testing import Client
from schools.models import GoverningBody, PartnershipMembership, Person, PupilCount, School


@pytest.fixture
def extra_seeders():
    saved = list(registry.scale_seeders)
    yield
    registry.scale_seeders[:] = saved


@pytest.mark.django_db
def test_seed_scale_makes_schools_partnerships_terms_people_and_a_user_for_every_role():
    call_command("seed_scale", schools=60, partnerships=4, years=2)

    assert School.objects.count() == 60
    assert Partnership.objects.count() == 4
    assert School.objects.filter(number_of_pupils__gt=0, urn__gte=100000).exclude(la_code="").count() == 60
    # Pupil counts per census date, people at every school, every school with a governing body.
    assert PupilCount.objects.values("school").distinct().count() == 60
    assert Person.objects.filter(job_role="Headteacher").count() == 60
    head = RoleGrant.objects.filter(role="headteacher").select_related("user__person", "school").first()
    assert head.user.person.school == head.school
    assert School.objects.filter(governing_body__isnull=True).count() == 0
    assert GoverningBody.objects.filter(chair__isnull=False).count() == GoverningBody.objects.count()
    # Every school belongs to a partnership; terms for the years of history and the next one.
    assert PartnershipMembership.objects.values("school").distinct().count() == 60
    assert Term.objects.values("academic_year").distinct().count() == 3
    for partnership in Partnership.objects.all():
        roles = set(RoleGrant.objects.filter(partnership=partnership).values_list("role", flat=True))
        assert roles == {"coordinator", "clerk", "la_officer", "headteacher", "staff"}
    assert LocalAuthority.objects.filter(code=MARKER_CODE).exists()


@pytest.mark.django_db(transaction=True)  # --if-needed empties the database with TRUNCATE
def test_seed_scale_reuses_data_of_the_same_size_and_refuses_to_mix_sizes():
    call_command("seed_scale", schools=20, partnerships=2, years=1)
    first_ids = set(School.objects.values_list("pk", flat=True))

    assert seed_scale(schools=20, partnerships=2, years=1) is None
    assert set(School.objects.values_list("pk", flat=True)) == first_ids
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_scale", schools=30, partnerships=2, years=1)

    call_command("seed_scale", schools=30, partnerships=3, years=1, if_needed=True)
    assert School.objects.count() == 30
    assert Partnership.objects.count() == 3


@pytest.mark.django_db
def test_registered_scale_seeders_run_after_the_core_with_the_ids_they_need(extra_seeders):
    seen = {}

    def seed(context):
        seen["schools"] = sum(len(ids) for ids in context.schools_of.values())
        seen["users"] = context.users_of[context.partnership_ids[0]]
        seen["terms"] = context.terms_of(context.partnership_ids[0])
        seen["roll"] = context.rng.random()

    register_scale_seeder(ScaleSeeder("probe", seed))
    call_command("seed_scale", schools=15, partnerships=1, years=1)

    assert seen["schools"] >= 14  # a few memberships may have ended
    assert set(seen["users"]) == {"coordinator", "clerk", "la_officer", "head", "staff"}
    assert len(seen["terms"]) == 6
    assert 0 <= seen["roll"] < 1


@pytest.mark.django_db
def test_every_bench_page_answers_200_to_each_role_it_is_measured_for():
    call_command("seed_scale", schools=15, partnerships=1, years=1)
    target = find_target()
    failures = []
    for page in registry.bench_pages:
        url = reverse(page.url_name, args=page.args(target))
        for role in page.roles:
            client = Client()
            client.force_login(target.users[role])
            status = client.get(url).status_code
            if status != 200:
                failures.append(f"{page.name} as {role}: {status}")
    assert not failures
