"""Demo accounts have a public password: they sign in on a development machine (DEBUG) and
nowhere else, whatever created them, and only there are they spared two-factor."""

import pytest
from django.test import Client as PlainClient
from django.urls import reverse

from conftest import PASSWORD
from partnership.models import Role, RoleGrant
from partnership.permissions import needs_two_factor
from partnership.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_coordinator(world):
    # Made by hand, not by seed_demo: the rule holds however the account came to be.
    user = UserFactory(email="demo.coordinator@example.org", password=PASSWORD, is_demo=True)
    RoleGrant.objects.create(user=user, partnership=world.partnership, role=Role.COORDINATOR)
    return user


def test_a_demo_account_cannot_sign_in_when_debug_is_off_and_is_told_why(demo_coordinator, settings):
    settings.DEBUG = False
    client = PlainClient()

    response = client.post(reverse("account_login"), {"login": demo_coordinator.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "Demo accounts cannot sign in on this site" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/p/winsford/").status_code == 302


def test_a_demo_account_s_session_stops_working_when_debug_is_off(demo_coordinator, settings):
    settings.DEBUG = True
    client = PlainClient()
    client.post(reverse("account_login"), {"login": demo_coordinator.email, "password": PASSWORD})
    assert client.get("/p/winsford/").status_code == 200

    settings.DEBUG = False
    response = client.get("/p/winsford/")

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_the_admin_cannot_be_reached_with_a_demo_account_when_debug_is_off(db, settings):
    settings.DEBUG = False
    demo_admin = UserFactory(email="demo.admin@example.org", password=PASSWORD, is_demo=True, is_staff=True)
    client = PlainClient()
    client.force_login(demo_admin)

    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_a_demo_account_is_spared_two_factor_only_when_debug_is_on(demo_coordinator, settings):
    settings.DEBUG = True
    assert not needs_two_factor(demo_coordinator)
    settings.DEBUG = False
    assert needs_two_factor(demo_coordinator)
