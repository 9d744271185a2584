import re

import pytest
from django.core import mail
from django.urls import reverse

from partnership.models import AuditEntry, Invitation, Role, RoleGrant, Term, User
from partnership.templatetags.portal import money
from partnership.tests.factories import InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_money_is_shown_in_pounds_with_thousands_and_pence():
    assert money("1234.5") == "£1,234.50"
    assert money(-12) == "−£12.00"
    assert money(None) == ""


def test_the_dashboard_shows_the_partnership_schools_with_phase_and_pupils_and_the_current_term(world, client):
    client.force_login(world.user("head"))
    response = client.get(reverse("partnership_dashboard", args=["winsford"]))
    html = response.content.decode()
    assert "Darnhall Primary School" in html and "Grange Primary School" in html
    assert "412" in html and "Primary" in html
    assert "Faraway Primary School" not in html  # another partnership's school
    term = Term.current_for(world.partnership)
    assert str(term) in html
    assert term.start.strftime("%-d %B %Y") in html


def test_home_sends_a_member_to_their_partnership_dashboard(world, client):
    client.force_login(world.user("clerk"))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/p/winsford/"


def test_navigation_shows_coordinators_the_invitations_and_hides_them_from_headteachers(world, client):
    client.force_login(world.user("coordinator"))
    assert "Invitations" in client.get("/p/winsford/").content.decode()
    client.force_login(world.user("head"))
    assert "Invitations" not in client.get("/p/winsford/").content.decode()


def test_a_coordinator_invites_a_headteacher_who_sets_a_password_and_lands_in_the_partnership(
    world, client, django_capture_on_commit_callbacks
):
    # Darnhall's head has left (a school with a head account gets no second one this way).
    RoleGrant.objects.filter(school=world.school, role=Role.HEADTEACHER).delete()
    client.force_login(world.user("coordinator"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("invitation_list", args=["winsford"]),
            {
                "email": "New.Head@Example.org",
                "first_name": "Nia",
                "last_name": "Jones",
                "role": Role.HEADTEACHER,
                "school": world.school.pk,
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert invitation.email == "new.head@example.org"
    assert len(mail.outbox) == 1 and invitation.token in mail.outbox[0].body
    link = re.search(r"http://\S+", mail.outbox[0].body).group(0)

    client.logout()
    response = client.post(
        link.replace("http://127.0.0.1:8000", ""),
        {
            "first_name": "Nia",
            "last_name": "Jones",
            "password1": "correct-horse-battery",
            "password2": "correct-horse-battery",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/p/winsford/"
    user = User.objects.get(email="new.head@example.org")
    assert RoleGrant.objects.filter(user=user, role=Role.HEADTEACHER, school=world.school).exists()
    assert client.get("/p/winsford/").status_code == 200
    assert AuditEntry.objects.filter(verb="partnership.invitation.accepted").count() == 1
    # The link works once.
    assert client.get(link.replace("http://127.0.0.1:8000", "")).status_code == 404


def test_an_invitation_for_a_headteacher_without_a_school_is_refused_and_nothing_is_sent(world, client):
    client.force_login(world.user("coordinator"))
    response = client.post(
        reverse("invitation_list", args=["winsford"]), {"email": "x@example.org", "role": Role.HEADTEACHER}
    )
    assert response.status_code == 200
    assert "Choose the school" in response.content.decode()
    assert not Invitation.objects.exists() and not mail.outbox


def test_accepting_with_mismatched_passwords_creates_no_account(world, client):
    invitation = InvitationFactory(partnership=world.partnership, email="someone@example.org")
    response = client.post(
        reverse("accept_invitation", args=[invitation.token]),
        {"first_name": "A", "last_name": "B", "password1": "correct-horse-battery", "password2": "different-horse"},
    )
    assert response.status_code == 200 and "do not match" in response.content.decode()
    assert not User.objects.filter(email="someone@example.org").exists()


def test_there_is_no_public_sign_up(client):
    response = client.get("/accounts/signup/")
    assert "Sign Up Closed" in response.content.decode() or response.status_code in (403, 404)


def test_coordinators_must_set_up_two_factor_before_they_see_data(world, client):
    user = UserFactory(email="newcoordinator@example.org")
    RoleGrant.objects.create(user=user, partnership=world.partnership, role=Role.COORDINATOR)
    client.force_login(user)
    response = client.get("/p/winsford/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))


def test_headteachers_are_not_forced_into_two_factor(world, client):
    client.force_login(world.user("head"))
    assert client.get("/p/winsford/").status_code == 200


def test_demo_accounts_skip_the_two_factor_requirement_on_a_development_machine(world, client, settings):
    settings.DEBUG = True
    user = UserFactory(email="democoord@example.org")
    user.is_demo = True
    user.save()
    RoleGrant.objects.create(user=user, partnership=world.partnership, role=Role.COORDINATOR)
    client.force_login(user)
    assert client.get("/p/winsford/").status_code == 200


def test_sign_in_by_email_and_password(world, client):
    response = client.post("/accounts/login/", {"login": "head@example.org", "password": "a-long-pass-phrase"})
    assert response.status_code == 302
    assert client.get("/p/winsford/").status_code == 200


def test_repeated_failed_sign_ins_are_rate_limited(world, client):
    for _ in range(5):
        client.post("/accounts/login/", {"login": "head@example.org", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "head@example.org", "password": "a-long-pass-phrase"})
    assert response.status_code == 429 or "Too many failed login attempts" in response.content.decode()


def test_a_coordinator_adds_a_term_and_a_term_that_ends_before_it_starts_is_refused(world, client):
    client.force_login(world.user("coordinator"))
    url = reverse("term_list", args=["winsford"])
    bad = client.post(url, {"season": "spring", "academic_year": 2026, "start": "2027-03-01", "end": "2027-01-01"})
    assert bad.status_code == 200 and "must end on or after" in bad.content.decode()
    assert not Term.objects.filter(partnership=world.partnership).exists()
    good = client.post(url, {"season": "spring", "academic_year": 2026, "start": "2027-01-05", "end": "2027-03-26"})
    assert good.status_code == 302
    assert Term.objects.filter(partnership=world.partnership, season="spring").exists()


def test_dates_are_written_the_british_way(world, client):
    client.force_login(world.user("head"))
    html = client.get(reverse("term_list", args=["winsford"])).content.decode()
    term = Term.objects.first()
    assert term.start.strftime("%-d %B %Y") in html


def test_the_dashboard_uses_a_fixed_number_of_queries_whatever_the_number_of_schools(
    world, client, django_assert_max_num_queries
):
    from schools.tests.factories import MembershipFactory

    client.force_login(world.user("head"))
    client.get("/p/winsford/")
    MembershipFactory.create_batch(30, partnership=world.partnership)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get("/p/winsford/")
    MembershipFactory.create_batch(30, partnership=world.partnership)
    with CaptureQueriesContext(connection) as large:
        client.get("/p/winsford/")
    assert len(large) == len(small)
