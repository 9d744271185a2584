"""A headteacher never sees another school's category, support or peer review report."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from improvement import services


@pytest.fixture
def other_schools_things(world, improvement):
    """Things that belong to world.other_school alone (world.school is not involved)."""
    from schools.tests.factories import MembershipFactory, SchoolFactory

    coordinator, p, today = world.user("coordinator"), world.partnership, timezone.localdate()
    third = SchoolFactory(name="Third Primary School")
    MembershipFactory(partnership=p, school=third)
    request = services.raise_request(partnership=p, school=world.other_school, need="Help", actor=coordinator)
    services.match_request(support_request=request, provider_school=third, actor=coordinator)
    agreement = services.agree_support(
        support_request=request,
        objectives="o",
        baseline="b",
        target="t",
        days=Decimal("2"),
        cost_per_day=Decimal("100.00"),
        starts_on=today,
        ends_on=today + timedelta(days=5),
        actor=coordinator,
    )
    return {"request": request, "agreement": agreement, "review": improvement.other_review}


def test_a_head_trying_every_confidential_url_with_another_schools_id_gets_404(
    client, world, improvement, other_schools_things
):
    client.force_login(world.user("head"))
    other = world.other_school
    urls = [
        reverse("improvement:school_category", args=[world.partnership.slug, other.pk]),
        reverse("improvement:request_detail", args=[other_schools_things["request"].pk]),
        reverse("improvement:agreement_detail", args=[other_schools_things["agreement"].pk]),
        reverse("improvement:review_detail", args=[other_schools_things["review"].pk]),
    ]
    posts = [
        (reverse("improvement:school_category", args=[world.partnership.slug, other.pk]), {"evidence": "x"}),
        (reverse("improvement:agreement_visit", args=[other_schools_things["agreement"].pk]), {"notes": "x"}),
        (reverse("improvement:agreement_review", args=[other_schools_things["agreement"].pk]), {"impact": "x"}),
        (reverse("improvement:agreement_close", args=[other_schools_things["agreement"].pk]), {"evaluation": "x"}),
        (reverse("improvement:review_share", args=[other_schools_things["review"].pk]), {"share": "yes"}),
        (reverse("improvement:review_action_add", args=[other_schools_things["review"].pk]), {"description": "x"}),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    # And the same head sees their own school's.
    assert (
        client.get(reverse("improvement:school_category", args=[world.partnership.slug, world.school.pk])).status_code
        == 200
    )
    assert client.get(reverse("improvement:review_detail", args=[improvement.review.pk])).status_code == 200


def test_the_categorisation_page_shows_a_head_only_their_own_school(client, world, improvement):
    client.force_login(world.user("head"))
    page = client.get(reverse("improvement:categorisation_list", args=[world.partnership.slug])).content.decode()
    assert world.school.name in page and "Needs intensive support" in page
    assert world.other_school.name not in page and "Can lead support" not in page


def test_the_coordinator_sees_every_schools_category_and_whether_it_has_support(client, world, improvement):
    client.force_login(world.user("coordinator"))
    response = client.get(reverse("improvement:categorisation_list", args=[world.partnership.slug]))
    rows = {row["school"].name: row for row in response.context["rows"]}
    assert rows[world.school.name]["categorisation"].category.name == "Needs intensive support"
    assert rows[world.school.name]["has_support"] is True
    assert rows[world.other_school.name]["has_support"] is False


def test_the_support_panel_lists_schools_needing_support_for_coordinators_only(client, world, improvement):
    client.force_login(world.user("coordinator"))
    page = client.get(reverse("partnership_dashboard", args=[world.partnership.slug])).content.decode()
    assert "Schools needing support" in page and world.school.name in page
    client.force_login(world.user("other_head"))
    page = client.get(reverse("partnership_dashboard", args=[world.partnership.slug])).content.decode()
    assert "Schools needing support" not in page and "Needs intensive support" not in page
    assert "Conference" in page  # the news panel is for everyone


def test_a_shared_peer_review_report_is_visible_to_other_members(client, world, improvement):
    url = reverse("improvement:review_detail", args=[improvement.review.pk])
    client.force_login(world.user("other_head"))
    assert client.get(url).status_code == 404
    client.force_login(world.user("head"))
    client.post(reverse("improvement:review_share", args=[improvement.review.pk]), {"share": "yes"})
    client.force_login(world.user("other_head"))
    assert client.get(url).status_code == 200
