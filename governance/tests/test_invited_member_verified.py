"""Accepting an invitation proves the address it was sent to: the account's e-mail becomes
its verified, primary allauth address, so an invited committee member receives the full
minutes at it."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from governance import services
from governance.models import MinutesDistribution
from partnership.models import Role
from partnership.tests.factories import InvitationFactory, UserFactory

from .test_documents import _signed

pytestmark = pytest.mark.django_db

NEW_ACCOUNT = {
    "first_name": "Margaret",
    "last_name": "Holt",
    "password1": "correct-horse-9",
    "password2": "correct-horse-9",
}


def _distribute(world, minutes, capture):
    with capture(execute=True):
        return services.distribute_minutes(minutes=minutes, distributed_by=world.user("clerk"))


def test_an_invited_committee_member_who_accepts_gets_the_full_minutes_at_their_account(
    gov, world, client, django_capture_on_commit_callbacks, mailoutbox
):
    chair = gov.chair.person
    chair.email = "m.holt@darnhall.example.org"
    chair.save(update_fields=["email"])
    invitation = InvitationFactory(
        partnership=world.partnership, email="M.Holt@darnhall.example.org", role=Role.STAFF, school=world.school
    )

    response = client.post(reverse("accept_invitation", args=[invitation.token]), NEW_ACCOUNT)

    chair.refresh_from_db()
    assert response.status_code == 302 and chair.user is not None
    address = EmailAddress.objects.get(user=chair.user)
    assert (address.email.lower(), address.verified, address.primary) == ("m.holt@darnhall.example.org", True, True)
    minutes = _signed(gov, world, django_capture_on_commit_callbacks)
    _distribute(world, minutes, django_capture_on_commit_callbacks)
    row = MinutesDistribution.objects.get(minutes=minutes, membership=gov.chair)
    assert (row.version, row.sent_to.lower()) == ("full", "m.holt@darnhall.example.org")
    assert [m for m in mailoutbox if [a.lower() for a in m.to] == ["m.holt@darnhall.example.org"]]


def test_an_existing_account_accepting_while_signed_in_with_that_address_gets_it_verified(world, signed_in):
    user = UserFactory(email="exec.head@example.org")
    EmailAddress.objects.create(user=user, email="old@example.org", verified=True, primary=True)
    EmailAddress.objects.create(user=user, email="exec.head@example.org", verified=False, primary=False)
    invitation = InvitationFactory(
        partnership=world.partnership, email="exec.head@example.org", role=Role.STAFF, school=world.school
    )

    response = signed_in(user).post(reverse("accept_invitation", args=[invitation.token]))

    assert response.status_code == 302
    addresses = {a.email: (a.verified, a.primary) for a in EmailAddress.objects.filter(user=user)}
    assert addresses == {"exec.head@example.org": (True, True), "old@example.org": (True, False)}


def test_an_address_another_account_holds_verified_is_left_alone(world):
    from partnership.services import accept_invitation

    other = UserFactory(email="someone@example.org")
    EmailAddress.objects.create(user=other, email="shared@example.org", verified=True, primary=False)
    invitation = InvitationFactory(partnership=world.partnership, email="shared@example.org", role=Role.CLERK)

    user = accept_invitation(token=invitation.token, password="correct-horse-9")

    assert not EmailAddress.objects.filter(user=user, verified=True).exists()
    assert EmailAddress.objects.get(email="shared@example.org").user == other
