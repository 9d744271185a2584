"""LA-wide officers need two-factor even before their authority has a partnership: they
import GIAS for their authority's schools. Knowing it costs no query for people with grants."""

import pytest
from django.db import connection
from django.test import Client as PlainClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import give_totp
from partnership.models import LocalAuthorityGrant, Role, RoleGrant
from partnership.permissions import forget_grants, needs_two_factor
from partnership.testing import totp_code
from partnership.tests.factories import LocalAuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    """An LA-wide officer of an authority that has no partnership yet: no RoleGrant at all."""
    user = UserFactory(email="la.wide@example.org")
    LocalAuthorityGrant.objects.create(
        user=user, local_authority=LocalAuthorityFactory(code="875", name="Cheshire East")
    )
    assert not RoleGrant.objects.filter(user=user).exists()
    return user


def test_an_la_wide_officer_without_partnership_grants_must_set_up_two_factor_before_importing_gias(officer):
    client = PlainClient()
    client.force_login(officer)

    response = client.get(reverse("schools:import_list"))

    assert needs_two_factor(officer)
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))


def test_with_an_authenticator_the_la_wide_officer_enters_the_code_then_imports(officer):
    give_totp(officer)
    client = PlainClient()
    client.force_login(officer)
    url = reverse("schools:import_list")

    asked = client.get(url)
    client.post(reverse("mfa_reauthenticate"), {"code": totp_code(officer)})

    assert asked.status_code == 302 and asked["Location"].startswith(reverse("mfa_reauthenticate"))
    page = client.get(url)
    assert page.status_code == 200 and "Cheshire East" in page.content.decode()


@pytest.mark.parametrize("role", ["head", "clerk", "staff", "coordinator"])
def test_knowing_whether_someone_with_grants_needs_two_factor_costs_only_the_grants_query(world, role):
    user = world.user(role)
    forget_grants(user)
    with CaptureQueriesContext(connection) as captured:
        needs_two_factor(user)
        needs_two_factor(user)
    assert len(captured) == 1


def test_a_head_who_is_also_an_la_wide_officer_elsewhere_needs_two_factor(world):
    head = world.user("head")
    assert not needs_two_factor(head)
    LocalAuthorityGrant.objects.create(user=head, local_authority=LocalAuthorityFactory(code="875"))
    forget_grants(head)
    assert RoleGrant.objects.filter(user=head).exclude(role=Role.HEADTEACHER).count() == 0
    assert needs_two_factor(head)
