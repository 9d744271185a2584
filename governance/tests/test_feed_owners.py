"""A committee calendar link works only while its owner is active and holds the role it was made for."""

from django.urls import reverse

from governance import services
from partnership.models import Role, RoleGrant


def feed_status(client, feed) -> int:
    return client.get(reverse("governance:calendar_feed", args=[feed.token])).status_code


def test_a_clerks_link_stops_working_when_they_are_no_longer_clerk(gov, world, client):
    owner = world.user("clerk")
    feed = services.create_calendar_feed(owner=owner, partnership=world.partnership, scope="partnership")
    assert feed.role == Role.CLERK and feed_status(client, feed) == 200

    RoleGrant.objects.filter(user=owner).update(role=Role.STAFF, school_id=world.school.pk)

    assert feed_status(client, feed) == 404


def test_a_link_stops_working_when_its_owner_is_deactivated(gov, world, client):
    owner = world.user("head")
    feed = services.create_calendar_feed(owner=owner, partnership=world.partnership, scope="mine")
    assert feed_status(client, feed) == 200

    owner.is_active = False
    owner.save(update_fields=["is_active"])

    assert feed_status(client, feed) == 404
