from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from improvement import services
from improvement.models import PeerReview
from improvement.services.peer import last_round_pairs
from schools.tests.factories import MembershipFactory, SchoolFactory


def _pairs_inside(groups, avoid):
    return [(a, b) for g in groups for i, a in enumerate(g) for b in g[i + 1 :] if frozenset((a, b)) in avoid]


def test_suggested_triads_avoid_pairing_a_school_with_one_it_reviewed_last_round(world):
    schools = [world.school, world.other_school]
    for n in range(7):
        school = SchoolFactory(name=f"Triad School {n}")
        MembershipFactory(partnership=world.partnership, school=school)
        schools.append(school)
    today = timezone.localdate()
    first = services.create_round(
        partnership=world.partnership,
        name="One",
        starts_on=today - timedelta(days=300),
        ends_on=today - timedelta(days=250),
        actor=None,
    )
    services.form_groups(review_round=first, groups=[schools[0:3], schools[3:6], schools[6:9]], actor=None)
    second = services.create_round(
        partnership=world.partnership, name="Two", starts_on=today, ends_on=today, actor=None
    )
    avoid = last_round_pairs(second)
    assert len(avoid) == 9  # three pairs in each of three triads
    groups = services.suggest_groups(school_ids=[s.pk for s in schools], avoid=avoid)
    assert sorted(len(g) for g in groups) == [3, 3, 3]
    assert _pairs_inside(groups, avoid) == []


def test_forming_groups_creates_a_review_of_each_school_by_the_others(client, world):
    school = SchoolFactory(name="Third")
    MembershipFactory(partnership=world.partnership, school=school)
    today = timezone.localdate()
    review_round = services.create_round(
        partnership=world.partnership, name="R", starts_on=today, ends_on=today, actor=None
    )
    client.force_login(world.user("coordinator"))
    page = client.get(reverse("improvement:round_detail", args=[review_round.pk])).content.decode()
    assert "Suggested triads" in page
    client.post(
        reverse("improvement:round_groups", args=[review_round.pk]),
        {f"school-{world.school.pk}": "1", f"school-{world.other_school.pk}": "1", f"school-{school.pk}": "1"},
    )
    review = PeerReview.objects.get(school=world.school)
    assert set(review.reviewers.all()) == {world.other_school, school}
    assert review.group.name == "Triad 1"


def test_a_school_in_one_group_alone_is_refused(client, world):
    today = timezone.localdate()
    review_round = services.create_round(
        partnership=world.partnership, name="R", starts_on=today, ends_on=today, actor=None
    )
    client.force_login(world.user("coordinator"))
    response = client.post(
        reverse("improvement:round_groups", args=[review_round.pk]),
        {f"school-{world.school.pk}": "1", f"school-{world.other_school.pk}": "2"},
    )
    assert "Every group needs at least two schools." in response.content.decode()
    assert not PeerReview.objects.exists()


def test_follow_up_actions_are_tracked_by_the_reviewed_school(client, world, improvement):
    client.force_login(world.user("head"))
    client.post(reverse("improvement:action_update", args=[improvement.action.pk]), {"status": "done"})
    improvement.action.refresh_from_db()
    assert improvement.action.status == "done"
