"""What every signed-in request costs, and that the savings keep permissions exact: grants,
partnerships and the two-factor state are read once per request, never across requests."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance.models import Action
from governance.tests.factories import CommitteeFactory, MeetingFactory
from partnership.models import RoleGrant
from schools.tests.factories import MembershipFactory, PersonFactory, SchoolFactory

from .factories import PartnershipFactory

# Session, user, and the grants with their partnerships and the TOTP flag in one query.
PING_QUERIES = 3
# The above, then one query per dashboard panel and one for the current term.
DASHBOARD_QUERIES = 13


def count_queries(client, url) -> int:
    client.get(url)  # warm: the first request may create what later ones reuse
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def grow(world, n=25):
    """More member schools, people, meetings and partnerships the coordinator can see."""
    for i in range(n):
        school = SchoolFactory(number_of_pupils=100 + i)
        MembershipFactory(partnership=world.partnership, school=school)
        PersonFactory(school=school)
        committee = CommitteeFactory(partnership=world.partnership)
        MeetingFactory(committee=committee, starts_at=timezone.now() + datetime.timedelta(days=i + 1))
        other = PartnershipFactory()
        RoleGrant.objects.create(user=world.user("coordinator"), partnership=other, role="coordinator")


def test_the_trivial_signed_in_view_costs_three_queries_for_a_coordinator(client, world):
    client.force_login(world.user("coordinator"))
    assert count_queries(client, reverse("ping")) <= PING_QUERIES


def test_the_dashboard_query_count_does_not_grow_with_schools_meetings_or_partnerships(client, world):
    client.force_login(world.user("coordinator"))
    url = reverse("partnership_dashboard", args=[world.partnership.slug])
    before = count_queries(client, url)
    grow(world)
    after = count_queries(client, url)
    assert before == after
    assert after <= DASHBOARD_QUERIES


@pytest.mark.parametrize("role", ["head", "staff", "clerk", "la_officer"])
def test_every_role_sees_the_dashboard_in_a_bounded_number_of_queries(
    client, world, role, django_assert_max_num_queries
):
    client.force_login(world.user(role))
    url = reverse("partnership_dashboard", args=[world.partnership.slug])
    client.get(url)
    with django_assert_max_num_queries(DASHBOARD_QUERIES + 2):  # heads also see their bookings and funding
        assert client.get(url).status_code == 200


def test_a_revoked_grant_stops_access_on_the_next_request(client, world):
    user = world.user("coordinator")
    client.force_login(user)
    url = reverse("partnership_dashboard", args=[world.partnership.slug])
    assert client.get(url).status_code == 200
    RoleGrant.objects.filter(user=user, partnership=world.partnership).delete()
    assert client.get(url).status_code == 404
    assert client.get(reverse("term_list", args=[world.partnership.slug])).status_code == 404


def test_a_role_changed_to_a_lesser_one_loses_its_pages_at_once(client, world):
    user = world.user("coordinator")
    client.force_login(user)
    url = reverse("audit_log", args=[world.partnership.slug])
    assert client.get(url).status_code == 200
    RoleGrant.objects.filter(user=user, partnership=world.partnership).update(role="staff")
    assert client.get(url).status_code == 403


def test_removing_the_authenticator_brings_back_the_two_factor_requirement(client, world):
    user = world.user("la_officer")
    client.force_login(user)
    url = reverse("partnership_dashboard", args=[world.partnership.slug])
    assert client.get(url).status_code == 200
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_the_switch_partnership_menu_lists_the_other_partnerships_by_name(client, world):
    user = world.user("coordinator")
    RoleGrant.objects.create(user=user, partnership=PartnershipFactory(name="Zeal Partnership"), role="clerk")
    RoleGrant.objects.create(user=user, partnership=world.other_partnership, role="clerk")
    client.force_login(user)
    html = client.get(reverse("partnership_dashboard", args=[world.partnership.slug])).content.decode()
    menu = html[html.index("Switch partnership") :]
    assert menu.index("Elsewhere Partnership") < menu.index("Zeal Partnership")
    assert "Winsford Education Partnership</a>" not in menu


def test_the_schools_panel_counts_every_member_school_while_listing_twenty(client, world):
    for _ in range(22):
        MembershipFactory(partnership=world.partnership, school=SchoolFactory(number_of_pupils=100))
    client.force_login(world.user("coordinator"))
    html = client.get(reverse("partnership_dashboard", args=[world.partnership.slug])).content.decode()
    # Darnhall 412 + Grange 318 + 22 x 100
    assert "24 schools, 2,930 pupils" in html
    assert "All 24 schools" in html


def test_the_committees_panel_counts_the_users_own_open_actions(client, world):
    user = world.user("clerk")
    person = PersonFactory(school=world.school, user=user)
    someone_else = PersonFactory(school=world.school)
    meeting = MeetingFactory(committee=CommitteeFactory(partnership=world.partnership))
    due = timezone.localdate()
    Action.objects.create(meeting=meeting, description="Send papers", owner=person, due_on=due)
    Action.objects.create(meeting=meeting, description="Book room", owner=person, due_on=due)
    Action.objects.create(meeting=meeting, description="Done", owner=person, due_on=due, status=Action.Status.DONE)
    Action.objects.create(meeting=meeting, description="Theirs", owner=someone_else, due_on=due)
    client.force_login(user)
    html = client.get(reverse("partnership_dashboard", args=[world.partnership.slug])).content.decode()
    assert "My actions</a>: 2 open" in html
