"""Accepting an invitation links the new account to its person record (core signal)."""

from django.urls import reverse

from partnership.models import AuditEntry, Role, RoleGrant
from partnership.services import accept_invitation
from partnership.tests.factories import InvitationFactory, UserFactory
from schools.models import Person

from .factories import PersonFactory


def test_accepting_an_invitation_links_the_person_with_that_email_at_that_school(world, client):
    person = PersonFactory(school=world.school, email="Jo.Teacher@Darnhall.example.org", user=None)
    namesake_elsewhere = PersonFactory(school=world.other_school, email="jo.teacher@darnhall.example.org", user=None)
    invitation = InvitationFactory(
        partnership=world.partnership, email="jo.teacher@darnhall.example.org", role=Role.STAFF, school=world.school
    )
    response = client.post(
        reverse("accept_invitation", args=[invitation.token]),
        {"first_name": "Jo", "last_name": "Teacher", "password1": "correct-horse-9", "password2": "correct-horse-9"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    namesake_elsewhere.refresh_from_db()
    assert person.user is not None and person.user.email == "jo.teacher@darnhall.example.org"
    assert namesake_elsewhere.user is None
    assert Person.objects.filter(email__iexact="jo.teacher@darnhall.example.org").count() == 2
    assert AuditEntry.objects.filter(verb="schools.person.linked_to_user", target_id=str(person.pk)).exists()


def test_accepting_an_invitation_with_no_matching_person_creates_one_at_the_school(world):
    RoleGrant.objects.filter(school=world.other_school, role=Role.HEADTEACHER).delete()  # Grange's head left
    invitation = InvitationFactory(
        partnership=world.partnership,
        email="new.head@grange.example.org",
        role=Role.HEADTEACHER,
        school=world.other_school,
        first_name="Sam",
        last_name="Okafor",
    )
    user = accept_invitation(token=invitation.token, password="correct-horse-9")
    person = Person.objects.get(user=user)
    assert (person.first_name, person.last_name, person.email) == ("Sam", "Okafor", "new.head@grange.example.org")
    assert person.school == world.other_school and person.partnership is None
    assert person.job_role == "Headteacher" and person.kind == Person.Kind.STAFF


def test_a_partnership_wide_role_gets_a_partnership_person(world):
    invitation = InvitationFactory(
        partnership=world.partnership, email="officer2@cheshire.example.org", role=Role.LA_OFFICER
    )
    user = accept_invitation(token=invitation.token, password="correct-horse-9")
    person = Person.objects.get(user=user)
    assert person.partnership == world.partnership and person.school is None
    assert person.kind == Person.Kind.LA_OFFICER


def test_a_user_who_already_has_a_person_keeps_it(world):
    user = UserFactory(email="exec.head@example.org")
    own = PersonFactory(school=world.school, email="exec.head@example.org", user=user)
    RoleGrant.objects.filter(school=world.other_school, role=Role.HEADTEACHER).delete()  # Grange's head left
    invitation = InvitationFactory(
        partnership=world.partnership, email="exec.head@example.org", role=Role.HEADTEACHER, school=world.other_school
    )
    accept_invitation(token=invitation.token, password=None, user=user)
    assert Person.objects.filter(user=user).get() == own
    assert not Person.objects.filter(school=world.other_school, email="exec.head@example.org").exists()


def test_a_person_already_linked_to_someone_else_is_not_taken_over(world):
    other_user = UserFactory(email="someone.else@example.org")
    PersonFactory(school=world.school, email="shared@darnhall.example.org", user=other_user)
    invitation = InvitationFactory(
        partnership=world.partnership, email="shared@darnhall.example.org", role=Role.STAFF, school=world.school
    )
    user = accept_invitation(token=invitation.token, password="correct-horse-9")
    assert Person.objects.get(user=user).school == world.school
    assert Person.objects.get(user=other_user).email == "shared@darnhall.example.org"
