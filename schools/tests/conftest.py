import pytest


@pytest.fixture
def sign_in(client):
    def as_user(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return as_user


@pytest.fixture
def deployment_admin(db):
    """A deployment administrator: a superuser, with no role in any partnership."""
    from conftest import give_totp
    from partnership.tests.factories import UserFactory

    admin = UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    give_totp(admin)  # administrators pass two-factor like coordinators
    return admin


@pytest.fixture
def la_wide_officer(world):
    """An LA-wide officer of the world's local authority (Cheshire West and Chester, 896)."""
    from conftest import give_totp
    from partnership.models import LocalAuthorityGrant
    from partnership.tests.factories import UserFactory

    user = UserFactory(email="la-wide@example.org")
    LocalAuthorityGrant.objects.create(user=user, local_authority=world.partnership.local_authority)
    give_totp(user)
    return user
