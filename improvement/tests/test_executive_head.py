"""An executive head leads two schools and acts for each: CPD, funding and improvement."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cpd.models import CalendarFeed
from cpd.tests.factories import EventFactory, ProgrammeFactory
from funding.tests.factories import build_funding
from partnership.demo import academic_year_of
from partnership.models import Role, RoleGrant
from partnership.permissions import forget_grants


@pytest.fixture
def executive_head(world):
    head = world.user("head")
    RoleGrant.objects.create(user=head, partnership=world.partnership, role=Role.HEADTEACHER, school=world.other_school)
    forget_grants(head)
    return head


def test_an_executive_head_makes_a_cpd_calendar_link_for_either_school(world, executive_head, client):
    ProgrammeFactory(partnership=world.partnership, academic_year=academic_year_of(timezone.localdate()))
    client.force_login(executive_head)
    url = reverse("cpd:feeds", args=["winsford"])
    page = client.get(url).content.decode()
    assert world.school.name in page and world.other_school.name in page
    response = client.post(url, {"scope": "school"})
    assert response.status_code == 200 and "Choose the school whose calendar you want." in response.content.decode()
    response = client.post(url, {"scope": "school", "school": world.foreign_school.pk})
    assert response.status_code == 200 and not CalendarFeed.objects.exists()
    assert client.post(url, {"scope": "school", "school": world.other_school.pk}).status_code == 302
    assert client.post(url, {"scope": "school", "school": world.school.pk}).status_code == 302
    assert set(CalendarFeed.objects.values_list("school", flat=True)) == {world.school.pk, world.other_school.pk}


def test_a_head_of_one_school_gets_that_schools_calendar_without_choosing(world, client):
    ProgrammeFactory(partnership=world.partnership, academic_year=academic_year_of(timezone.localdate()))
    client.force_login(world.user("other_head"))
    url = reverse("cpd:feeds", args=["winsford"])
    assert 'name="school"' not in client.get(url).content.decode()
    assert client.post(url, {"scope": "school"}).status_code == 302
    assert CalendarFeed.objects.get().school == world.other_school


def test_an_executive_head_sees_bookings_for_each_school_from_the_programme(world, executive_head, client):
    programme = ProgrammeFactory(partnership=world.partnership, academic_year=academic_year_of(timezone.localdate()))
    EventFactory(programme=programme)
    client.force_login(executive_head)
    page = client.get(reverse("cpd:programme", args=["winsford"])).content.decode()
    for school in (world.school, world.other_school):
        assert f"Bookings: {school.name}" in page
        assert reverse("cpd:school_bookings", args=["winsford", school.pk]) in page
        assert client.get(reverse("cpd:school_bookings", args=["winsford", school.pk])).status_code == 200


def test_an_executive_head_reads_and_confirms_each_schools_contribution(world, executive_head, client):
    funding = build_funding(world)
    client.force_login(executive_head)
    overview = client.get(reverse("funding:overview", args=["winsford"])).content.decode()
    assert world.school.name in overview and world.other_school.name in overview
    for school in (world.school, world.other_school):
        statement = client.get(reverse("funding:statement", args=[funding.round.pk, school.pk]))
        assert statement.status_code == 200 and f"{school.name}: contribution statement" in statement.content.decode()
    assert client.post(reverse("funding:confirm", args=[funding.round.pk, world.other_school.pk])).status_code == 302
    funding.other_contribution.refresh_from_db()
    assert funding.other_contribution.confirmed_by == executive_head


def test_an_executive_head_sees_the_improvement_pages_of_each_school(world, executive_head, client):
    client.force_login(executive_head)
    listing = client.get(reverse("improvement:categorisation_list", args=["winsford"])).content.decode()
    assert world.school.name in listing and world.other_school.name in listing
    for school in (world.school, world.other_school):
        url = reverse("improvement:school_category", args=["winsford", school.pk])
        assert client.get(url).status_code == 200
    request_page = client.get(reverse("improvement:support_list", args=["winsford"])).content.decode()
    assert world.other_school.name in request_page
