"""A CPD calendar link works only while its owner is active and holds the role it was made for."""

from django.urls import reverse

from cpd.models import CalendarFeed
from cpd.services import create_feed
from partnership.models import Role, RoleGrant


def feed_status(client, feed) -> int:
    return client.get(reverse("cpd:feed", args=[feed.token])).status_code


def test_a_link_records_the_role_it_was_made_for(world, cpd):
    programme = create_feed(programme=cpd.programme, scope="programme", owner=world.user("coordinator"))
    school = create_feed(programme=cpd.programme, scope="school", school=world.school, owner=world.user("head"))

    assert (programme.role, school.role) == (Role.COORDINATOR, Role.HEADTEACHER)


def test_a_link_stops_working_when_its_owner_is_deactivated(world, cpd, client):
    owner = world.user("head")
    feed = create_feed(programme=cpd.programme, scope=CalendarFeed.Scope.PROGRAMME, owner=owner)
    assert feed_status(client, feed) == 200

    owner.is_active = False
    owner.save(update_fields=["is_active"])

    assert feed_status(client, feed) == 404


def test_a_coordinators_link_stops_working_when_they_become_a_staff_member(world, cpd, client):
    owner = world.user("coordinator")
    feed = create_feed(programme=cpd.programme, scope=CalendarFeed.Scope.PROGRAMME, owner=owner)
    assert feed_status(client, feed) == 200

    RoleGrant.objects.filter(user=owner).update(role=Role.STAFF, school_id=world.school.pk)

    assert feed_status(client, feed) == 404


def test_a_heads_school_link_stops_working_when_they_move_to_another_school(world, cpd, client):
    owner = world.user("head")
    feed = create_feed(programme=cpd.programme, scope=CalendarFeed.Scope.SCHOOL, school=world.school, owner=owner)
    assert feed_status(client, feed) == 200

    RoleGrant.objects.filter(user=owner).update(school_id=world.other_school.pk)

    assert feed_status(client, feed) == 404


def test_a_link_made_before_roles_were_recorded_does_not_work(world, cpd, client):
    feed = CalendarFeed.objects.create(programme=cpd.programme, scope="programme", owner=world.user("head"))

    assert feed.role == "" and feed_status(client, feed) == 404
