"""A head of a school is its head in every partnership, so no one partnership names one on
its own: a coordinator invites a headteacher for a school only as the person who already
holds that role there, or as the first head of a school that is in no other partnership."""

import pytest
from django.urls import reverse

from partnership.models import Invitation, Role, RoleGrant, User
from partnership.services import InvitationError, accept_invitation
from partnership.tests.factories import InvitationFactory, UserFactory
from schools.models import JoinRequest

from .factories import MembershipFactory, SchoolFactory
from .test_consent import decide, propose

ACCEPT = {"first_name": "Ann", "last_name": "Other", "password1": "correct-horse-9", "password2": "correct-horse-9"}


@pytest.fixture
def shared(world, sign_in):
    """Darnhall, led by the world's head in winsford, has accepted the outsider's partnership."""
    propose(sign_in(world.user("outsider")), world, world.school)
    decide(sign_in(world.user("head")), JoinRequest.objects.get(school=world.school), "accept")
    return world.school


def invite(client, partnership, email, school):
    url = reverse("invitation_list", args=[partnership.slug])
    return client.post(url, {"email": email, "role": Role.HEADTEACHER, "school": school.pk})


def test_the_outsider_cannot_name_their_own_headteacher_for_a_school_that_accepted_them(world, sign_in, shared):
    client = sign_in(world.user("outsider"))

    response = invite(client, world.other_partnership, "attacker@evil.example", shared)

    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "Darnhall Primary School already has a headteacher account through another partnership: "
        "invite that person, or ask the school&#x27;s local authority." in page
    )
    assert not Invitation.objects.filter(email="attacker@evil.example").exists()


def test_the_outsider_may_invite_the_schools_own_head_who_then_leads_it_there_too(world, sign_in, shared):
    client = sign_in(world.user("outsider"))

    response = invite(client, world.other_partnership, "HEAD@example.org", shared)

    invitation = Invitation.objects.get(email="head@example.org", partnership=world.other_partnership)
    assert response.status_code == 302
    head = sign_in(world.user("head"))
    assert head.post(reverse("accept_invitation", args=[invitation.token])).status_code == 302
    assert RoleGrant.objects.filter(
        user=world.user("head"), partnership=world.other_partnership, role=Role.HEADTEACHER, school=shared
    ).exists()


def test_a_shared_school_without_a_head_account_gets_its_first_from_its_local_authority(world, sign_in):
    MembershipFactory(partnership=world.other_partnership, school=world.other_school)
    RoleGrant.objects.filter(school=world.other_school, role=Role.HEADTEACHER).delete()

    for who, partnership in [("outsider", world.other_partnership), ("coordinator", world.partnership)]:
        response = invite(sign_in(world.user(who)), partnership, "new.head@grange.example.org", world.other_school)
        assert "Grange Primary School is also a member of another partnership" in response.content.decode()
        assert "ask the school&#x27;s local authority" in response.content.decode()
    assert not Invitation.objects.filter(email="new.head@grange.example.org").exists()


def test_a_school_in_one_partnership_only_gets_its_first_head_from_that_partnership(world, sign_in):
    newcomer = SchoolFactory(name="Over Hall Community Primary School")
    MembershipFactory(partnership=world.partnership, school=newcomer)

    response = invite(sign_in(world.user("coordinator")), world.partnership, "head@overhall.example.org", newcomer)

    assert response.status_code == 302
    user = accept_invitation(
        token=Invitation.objects.get(email="head@overhall.example.org").token, password="correct-horse-9"
    )
    assert RoleGrant.objects.filter(user=user, role=Role.HEADTEACHER, school=newcomer).exists()


def test_an_invitation_is_refused_on_acceptance_when_a_head_appeared_meanwhile(world, client):
    newcomer = SchoolFactory(name="Over Hall Community Primary School")
    MembershipFactory(partnership=world.partnership, school=newcomer)
    invitation = InvitationFactory(
        partnership=world.partnership, email="second@overhall.example.org", role=Role.HEADTEACHER, school=newcomer
    )
    first = UserFactory(email="first@overhall.example.org")
    RoleGrant.objects.create(user=first, partnership=world.partnership, role=Role.HEADTEACHER, school=newcomer)

    with pytest.raises(InvitationError, match="already has a headteacher account"):
        accept_invitation(token=invitation.token, password="correct-horse-9")
    response = client.post(reverse("accept_invitation", args=[invitation.token]), ACCEPT, follow=True)

    assert "Over Hall Community Primary School already has a headteacher account" in response.content.decode()
    assert not User.objects.filter(email="second@overhall.example.org").exists()
    assert RoleGrant.objects.filter(school=newcomer, role=Role.HEADTEACHER).count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_invitation_sent_before_the_school_was_shared_is_refused_on_acceptance(world, sign_in, shared):
    RoleGrant.objects.filter(school=shared, role=Role.HEADTEACHER).delete()
    invitation = InvitationFactory(
        partnership=world.other_partnership, email="attacker@evil.example", role=Role.HEADTEACHER, school=shared
    )

    with pytest.raises(InvitationError, match="also a member of another partnership"):
        accept_invitation(token=invitation.token, password="correct-horse-9")

    assert not RoleGrant.objects.filter(school=shared, role=Role.HEADTEACHER).exists()
