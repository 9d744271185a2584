"""Two-factor authentication is passed in the session, not only set up: coordinators, LA
officers, staff and superusers see data (the Django admin included) only after entering a
code from their authenticator in this session."""

import pytest
from django.test import Client as PlainClient
from django.urls import reverse

from conftest import PASSWORD, give_totp
from partnership.models import Role, RoleGrant
from partnership.testing import totp_code
from partnership.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def password_only_session(user) -> PlainClient:
    """A session signed in without the second factor: Django's own force_login records no
    authentication, like a session from before the authenticator was set up."""
    client = PlainClient()
    client.force_login(user)
    return client


def test_a_coordinator_with_an_authenticator_whose_session_skipped_the_code_is_asked_for_it(world):
    coordinator = world.user("coordinator")
    client = password_only_session(coordinator)
    dashboard = reverse("partnership_dashboard", args=[world.partnership.slug])

    response = client.get(dashboard)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_reauthenticate')}?next=%2Fp%2Fwinsford%2F"
    page = client.get(response["Location"]).content.decode()
    assert "authenticator" in page.lower()

    wrong = client.post(response["Location"], {"code": totp_code(coordinator, offset=10)})
    assert wrong.status_code == 200 and client.get(dashboard).status_code == 302

    right = client.post(response["Location"], {"code": totp_code(coordinator)})
    assert right.status_code == 302 and right["Location"] == dashboard
    page = client.get(dashboard)
    assert page.status_code == 200 and world.partnership.name in page.content.decode()


def test_an_la_officer_without_the_code_in_this_session_sees_no_partnership_page(world):
    client = password_only_session(world.user("la_officer"))
    for url in ("/p/winsford/", "/p/winsford/terms/", reverse("reports:overview")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_the_second_factor_of_another_account_on_the_same_session_does_not_count(world):
    client = PlainClient()
    client.force_login(world.user("outsider"))
    # The outsider passes the second factor, then the session is used for another account.
    client.post(reverse("mfa_reauthenticate"), {"code": totp_code(world.user("outsider"))})
    assert client.get("/p/elsewhere/").status_code == 200
    client.force_login(world.user("coordinator"))

    response = client.get("/p/winsford/")

    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_reauthenticate"))


@pytest.mark.parametrize("script_name", ["/accounts", "/static", "/invite"])
def test_a_script_name_that_looks_like_an_allowed_page_does_not_skip_the_check(world, script_name):
    """Routing reads path_info; request.path starts with SCRIPT_NAME, which a client sets."""
    newcomer = UserFactory(email="new.coordinator@example.org")
    RoleGrant.objects.create(user=newcomer, partnership=world.partnership, role=Role.COORDINATOR)
    client = PlainClient()
    client.force_login(newcomer)

    response = client.get("/p/winsford/", SCRIPT_NAME=script_name)

    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate/" in response["Location"]
    assert "Winsford" not in response.content.decode()

    passed = password_only_session(world.user("coordinator"))
    response = passed.get("/p/winsford/terms/", SCRIPT_NAME=script_name)
    assert response.status_code == 302 and "/accounts/2fa/reauthenticate/" in response["Location"]


def test_the_test_client_records_the_second_factor_as_allauth_does_at_sign_in(world, client):
    client.force_login(world.user("coordinator"))

    records = client.session["account_authentication_methods"]

    assert [record["method"] for record in records] == ["password", "mfa"]
    assert records[1]["type"] == "totp"
    assert client.get("/p/winsford/").status_code == 200


# The Django admin: the same sign-in, rate limits and second factor.


def staff_member(**extra):
    return UserFactory(email="admin@example.org", password=PASSWORD, is_staff=True, **extra)


def test_the_admin_sign_in_page_sends_people_to_the_portal_sign_in(db):
    response = PlainClient().get("/admin/login/?next=/admin/partnership/user/")

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2Fpartnership%2Fuser%2F"
    assert PlainClient().get("/admin/")["Location"].startswith("/admin/login/")


def test_the_admin_sign_in_form_cannot_sign_in_with_a_password_alone(db):
    admin = staff_member(is_superuser=True)
    give_totp(admin)
    client = PlainClient()

    response = client.post("/admin/login/", {"username": admin.email, "password": PASSWORD, "next": "/admin/"})

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_a_superuser_signs_in_to_the_admin_through_the_portal_sign_in_with_the_code(db):
    admin = staff_member(is_superuser=True)
    give_totp(admin)
    client = PlainClient()
    login = client.get("/admin/login/?next=/admin/")["Location"]

    after_password = client.post(login, {"login": admin.email, "password": PASSWORD})
    assert after_password["Location"] == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302, "the password alone must not open the admin"

    after_code = client.post(reverse("mfa_authenticate"), {"code": totp_code(admin)})
    assert after_code["Location"] == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200 and "Site administration" in page.content.decode()


def test_failed_admin_sign_ins_are_counted_like_any_other(db):
    admin = staff_member()
    give_totp(admin)
    client = PlainClient()
    login = client.get("/admin/login/?next=/admin/")["Location"]
    for _ in range(5):
        client.post(login, {"login": admin.email, "password": "not-the-password"})

    response = client.post(login, {"login": admin.email, "password": PASSWORD})

    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_without_an_authenticator_are_sent_to_set_one_up_before_the_admin(db):
    client = password_only_session(staff_member())

    response = client.get("/admin/partnership/user/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_a_superuser_with_an_authenticator_but_a_password_only_session_must_enter_the_code(db):
    admin = staff_member(is_superuser=True)
    give_totp(admin)
    client = password_only_session(admin)

    assert client.get("/admin/")["Location"].startswith(reverse("mfa_reauthenticate"))
    # The admin's own sign-in page does not let them round it either.
    assert client.get("/admin/login/")["Location"].startswith(reverse("mfa_reauthenticate"))

    client.post(reverse("mfa_reauthenticate"), {"code": totp_code(admin)})
    assert client.get("/admin/").status_code == 200


def test_a_coordinator_who_is_also_staff_sees_nothing_without_the_code(world):
    coordinator = world.user("coordinator")
    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    client = password_only_session(coordinator)

    for url in ("/admin/partnership/user/", "/p/winsford/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_reauthenticate")), url


def test_a_signed_in_person_without_admin_access_is_told_so_at_the_admin_sign_in(world, client):
    client.force_login(world.user("head"))

    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 403


def test_a_session_without_the_code_cannot_change_the_account_e_mail_address(world):
    client = password_only_session(world.user("coordinator"))

    response = client.post(reverse("account_email"), {"action_add": "", "email": "taken@attacker.example"})

    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert not world.user("coordinator").emailaddress_set.filter(email="taken@attacker.example").exists()
