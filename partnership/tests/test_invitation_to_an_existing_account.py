"""An invitation to the e-mail of an existing account never touches its password and never
signs it in: its owner signs in as usual (two-factor included), then accepts."""

import pytest
from django.test import Client as PlainClient
from django.urls import reverse

from conftest import PASSWORD
from partnership.models import AuditEntry, Role, RoleGrant
from partnership.services import InvitationError, accept_invitation
from partnership.testing import totp_code
from partnership.tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = {"first_name": "Eve", "last_name": "Taker", "password1": "a-new-pass-9", "password2": "a-new-pass-9"}


@pytest.fixture
def invitation(world):
    """The LA officer, who has an account, invited as coordinator of the other partnership."""
    return InvitationFactory(partnership=world.other_partnership, email="la_officer@example.org", role=Role.COORDINATOR)


def granted(world, invitation) -> bool:
    return RoleGrant.objects.filter(
        user=world.user("la_officer"), partnership=invitation.partnership, role=invitation.role
    ).exists()


def test_the_link_alone_neither_sets_a_password_nor_signs_in_an_existing_account(world, invitation):
    client = PlainClient()

    response = client.post(invitation.get_accept_url(), NEW_PASSWORD)

    officer = world.user("la_officer")
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD) and not officer.check_password("a-new-pass-9")
    assert "_auth_user_id" not in client.session
    assert not granted(world, invitation)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is already an account for la_officer@example.org" in page
    assert f"{reverse('account_login')}?next={invitation.get_accept_url().replace('/', '%2F')}" in page
    assert 'name="password1"' not in page


def test_the_owner_signs_in_with_two_factor_and_then_accepts(world, invitation):
    officer = world.user("la_officer")
    client = PlainClient()
    page = client.get(invitation.get_accept_url()).content.decode()
    assert "Sign in to accept" in page
    sign_in = f"{reverse('account_login')}?next={invitation.get_accept_url()}"
    client.post(sign_in, {"login": officer.email, "password": PASSWORD})
    after_code = client.post(reverse("mfa_authenticate"), {"code": totp_code(officer)})
    assert after_code["Location"] == invitation.get_accept_url()
    assert "Accept invitation" in client.get(invitation.get_accept_url()).content.decode()

    response = client.post(invitation.get_accept_url())

    assert response.status_code == 302 and response["Location"] == world.other_partnership.get_absolute_url()
    assert granted(world, invitation)
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
    assert AuditEntry.objects.filter(verb="partnership.invitation.accepted", actor=officer).exists()


def test_a_session_of_the_owner_without_the_second_factor_is_asked_for_it_before_accepting(world, invitation):
    client = PlainClient()
    client.force_login(world.user("la_officer"))

    response = client.post(invitation.get_accept_url())

    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert not granted(world, invitation)


def test_someone_signed_in_as_another_account_is_refused_with_a_clear_message(world, invitation, client):
    client.force_login(world.user("outsider"))

    response = client.post(invitation.get_accept_url(), NEW_PASSWORD)

    assert response.status_code == 403
    page = response.content.decode()
    assert "You are signed in as <strong>outsider@example.org</strong>" in page
    assert "Sign out, then sign in as la_officer@example.org" in page
    assert not granted(world, invitation)
    assert client.session["_auth_user_id"] == str(world.user("outsider").pk)
    officer = world.user("la_officer")
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)


def test_the_service_refuses_to_take_over_an_existing_account(world, invitation):
    with pytest.raises(InvitationError, match="already exists"):
        accept_invitation(token=invitation.token, password="a-new-pass-9")
    with pytest.raises(InvitationError, match="not outsider@example.org"):
        accept_invitation(token=invitation.token, password=None, user=world.user("outsider"))
    officer = world.user("la_officer")
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD) and not granted(world, invitation)
