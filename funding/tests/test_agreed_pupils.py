"""A partnership's own pupil figures: used by its formula, shown as its own, never another's."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from funding import services
from funding.models import Formula
from partnership.models import AuditEntry
from schools.models import AgreedPupilCount
from schools.services import record_agreed_pupil_count
from schools.tests.factories import MembershipFactory

from .factories import FormulaFactory, FundingYearFactory

CENSUS = date(2026, 1, 15)


def make_round(partnership, coordinator):
    """A fixed-rate round: £500 plus £10 a pupil, so the pupils used can be read off the amount."""
    formula = FormulaFactory(
        partnership=partnership,
        mode=Formula.Mode.FIXED_RATES,
        lump_sum=Decimal("500.00"),
        per_pupil_rate=Decimal("10.00"),
        total=None,
    )
    return services.create_round(
        partnership=partnership,
        funding_year=FundingYearFactory(partnership=partnership),
        formula=formula,
        census_date=CENSUS,
        members_on=date(2026, 4, 1),
        name="Contributions 2026/27",
        actor=coordinator,
    )


@pytest.fixture
def shared_school(world):
    """world.school belongs to both partnerships: the second has its own coordinator (outsider)."""
    MembershipFactory(partnership=world.other_partnership, school=world.school)
    return world.school


def agree(world, pupils=380, applies_from=date(2025, 9, 1), note="Resource base closed in July"):
    return record_agreed_pupil_count(
        partnership=world.partnership,
        school=world.school,
        pupils=pupils,
        applies_from=applies_from,
        note=note,
        actor=world.user("coordinator"),
    )


def test_an_agreed_figure_changes_its_own_partnerships_contributions_and_not_another_partnerships(world, shared_school):
    agree(world)

    ours = make_round(world.partnership, world.user("coordinator")).contributions.get(school=shared_school)
    theirs = make_round(world.other_partnership, world.user("outsider")).contributions.get(school=shared_school)

    assert (ours.pupils, ours.amount, ours.pupils_agreed) == (380, Decimal("4300.00"), True)
    assert (theirs.pupils, theirs.amount, theirs.pupils_agreed) == (412, Decimal("4620.00"), False)
    shared_school.refresh_from_db()
    assert shared_school.number_of_pupils == 412  # the national record is untouched


def test_the_stored_working_says_the_figure_was_agreed_and_gives_the_national_census(world, shared_school, client):
    agree(world)
    contribution_round = make_round(world.partnership, world.user("coordinator"))
    contribution = contribution_round.contributions.get(school=world.school)

    assert contribution.pupils_source == (
        "Agreed by the partnership from 1 September 2025: Resource base closed in July; national census: 412"
    )
    assert contribution.pupils_counted_on == date(2025, 9, 1)
    client.force_login(world.user("coordinator"))
    page = client.get(reverse("funding:statement", args=[contribution_round.pk, world.school.pk])).content.decode()
    assert "380 pupils, the figure agreed by the partnership" in page and "national census: 412" in page
    other = contribution_round.contributions.get(school=world.other_school)
    assert not other.pupils_agreed and other.pupils_source == "School record (Get Information About Schools)"


def test_a_figure_agreed_from_after_the_census_date_is_not_used_and_the_latest_earlier_one_is(world):
    agree(world, pupils=390, applies_from=date(2025, 9, 1))
    agree(world, pupils=395, applies_from=date(2026, 1, 10))
    agree(world, pupils=100, applies_from=date(2026, 2, 1))

    contribution = make_round(world.partnership, world.user("coordinator")).contributions.get(school=world.school)

    assert contribution.pupils == 395 and "from 10 January 2026" in contribution.pupils_source


def test_a_coordinator_records_the_partnerships_figure_on_the_pupil_numbers_page(world, client):
    client.force_login(world.user("coordinator"))
    url = reverse("funding:pupil_numbers", args=[world.partnership.slug])

    response = client.post(
        url, {"school": world.school.pk, "pupils": "380", "applies_from": "2025-09-01", "note": "Unit closed"}
    )
    again = client.post(url, {"school": world.school.pk, "pupils": "385", "applies_from": "2025-09-01"})

    assert response.status_code == 302 and again.status_code == 302
    agreed = AgreedPupilCount.objects.get()  # the same school and date again replaces the figure
    assert (agreed.partnership, agreed.pupils, agreed.note, agreed.recorded_by) == (
        world.partnership,
        385,
        "",
        world.user("coordinator"),
    )
    assert list(AuditEntry.objects.filter(verb__startswith="schools.agreed_pupil_count").values_list("verb", flat=True))
    world.school.refresh_from_db()
    assert world.school.number_of_pupils == 412
    page = client.get(url).content.decode()
    assert "The partnership's figure" in page and "385" in page and "412" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"pupils": "380", "applies_from": "0001-09-01"}, "Enter a date between 1990 and 2100."),
        ({"pupils": "-5", "applies_from": "2025-09-01"}, "greater than or equal to 0"),
        ({"pupils": "1e3", "applies_from": "2025-09-01"}, "Enter a whole number."),
    ],
)
def test_bad_figures_are_refused_with_a_message_and_nothing_is_written(world, client, data, message):
    client.force_login(world.user("coordinator"))

    response = client.post(
        reverse("funding:pupil_numbers", args=[world.partnership.slug]), {"school": world.school.pk, **data}
    )

    assert response.status_code == 200 and message in response.content.decode()
    assert not AgreedPupilCount.objects.exists()


def test_a_coordinator_cannot_record_a_figure_for_another_partnerships_school(world, client):
    client.force_login(world.user("outsider"))

    response = client.post(
        reverse("funding:pupil_numbers", args=[world.other_partnership.slug]),
        {"school": world.school.pk, "pupils": "1", "applies_from": "2025-09-01"},
    )

    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not AgreedPupilCount.objects.exists()


def test_another_partnerships_figures_are_neither_shown_nor_removable(world, shared_school, client):
    theirs = AgreedPupilCount.objects.create(
        partnership=world.other_partnership, school=shared_school, pupils=7, applies_from=CENSUS, note="Secret deal"
    )
    client.force_login(world.user("coordinator"))

    page = client.get(reverse("funding:pupil_numbers", args=[world.partnership.slug])).content.decode()
    removed = client.post(reverse("funding:agreed_remove", args=[theirs.pk]))

    assert "Secret deal" not in page and removed.status_code == 404
    assert AgreedPupilCount.objects.filter(pk=theirs.pk).exists()


def test_removing_a_figure_puts_the_census_back_for_later_rounds(world, client):
    agreed = agree(world)
    client.force_login(world.user("coordinator"))

    response = client.post(reverse("funding:agreed_remove", args=[agreed.pk]))

    assert response.status_code == 302 and not AgreedPupilCount.objects.exists()
    contribution = make_round(world.partnership, world.user("coordinator")).contributions.get(school=world.school)
    assert contribution.pupils == 412 and not contribution.pupils_agreed
