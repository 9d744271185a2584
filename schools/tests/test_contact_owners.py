"""Contact addresses that receive confidential material have owners: a person's e-mail, a
governing body's clerk e-mail. Every change is audited and told to the previous address."""

import pytest
from django.urls import reverse

from conftest import give_totp
from partnership.models import AuditEntry, LocalAuthorityGrant
from partnership.tests.factories import UserFactory
from schools.models import GoverningBody, Person, School
from schools.permissions import can_change_person_contacts, is_relied_on

from .factories import MembershipFactory, PersonFactory


def edit_email(client, person, email):
    return client.post(
        reverse("schools:person_edit", args=[person.pk]),
        {"first_name": person.first_name, "last_name": person.last_name, "kind": person.kind, "email": email},
    )


@pytest.fixture
def priya(world):
    return PersonFactory(school=world.school, first_name="Priya", last_name="Nair", email="priya@darnhall.example.org")


def test_a_coordinator_cannot_change_the_email_of_someone_they_did_not_add(world, sign_in, priya, mailoutbox):
    client = sign_in(world.user("coordinator"))

    form = client.get(reverse("schools:person_edit", args=[priya.pk]))
    response = edit_email(client, priya, "someone.else@example.org")

    priya.refresh_from_db()
    assert form.context["form"].fields["email"].disabled
    assert response.status_code == 403 and "Only the person, the head of their school" in response.content.decode()
    assert priya.email == "priya@darnhall.example.org" and not mailoutbox
    # Other details stay the coordinator's to keep up to date; the e-mail is kept as it was.
    renamed = client.post(
        reverse("schools:person_edit", args=[priya.pk]),
        {"first_name": "Priya", "last_name": "Nair-Shah", "kind": "staff", "school": world.school.pk},
    )
    priya.refresh_from_db()
    assert renamed.status_code == 302 and priya.last_name == "Nair-Shah" and priya.email == "priya@darnhall.example.org"


def test_the_head_of_the_school_changes_an_email_and_the_previous_address_is_told(
    world, sign_in, priya, mailoutbox, django_capture_on_commit_callbacks
):
    client = sign_in(world.user("head"))

    with django_capture_on_commit_callbacks(execute=True):
        response = edit_email(client, priya, "p.nair@darnhall.example.org")

    priya.refresh_from_db()
    entry = AuditEntry.objects.get(verb="schools.person.email_changed", target_id=str(priya.pk))
    assert response.status_code == 302 and priya.email == "p.nair@darnhall.example.org"
    assert entry.data == {"old": "priya@darnhall.example.org", "new": "p.nair@darnhall.example.org"}
    assert entry.actor == world.user("head")
    [mail] = mailoutbox
    assert mail.to == ["priya@darnhall.example.org"]
    head = world.user("head")
    assert "p.nair@darnhall.example.org" in mail.body and (head.get_full_name() or head.email) in mail.body


def test_a_person_changes_their_own_email(world, sign_in, priya, mailoutbox, django_capture_on_commit_callbacks):
    Person.objects.filter(pk=priya.pk).update(user=world.user("staff"))
    priya.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        response = edit_email(sign_in(world.user("staff")), priya, "priya.nair@home.example.org")

    priya.refresh_from_db()
    assert response.status_code == 302 and priya.email == "priya.nair@home.example.org"
    assert [mail.to for mail in mailoutbox] == [["priya@darnhall.example.org"]]


def test_whoever_added_a_person_may_correct_their_email_until_someone_relies_on_the_record(
    world, sign_in, mailoutbox, django_capture_on_commit_callbacks
):
    client = sign_in(world.user("coordinator"))
    client.post(
        reverse("schools:person_add", args=["winsford"]),
        {"first_name": "Asha", "last_name": "Patel", "kind": "staff", "email": "asha@typo.example", "school": ""},
    )
    asha = Person.objects.get(last_name="Patel")
    assert asha.created_by == world.user("coordinator")

    with django_capture_on_commit_callbacks(execute=True):
        fixed = edit_email(client, asha, "asha@grange.example.org")
    asha.refresh_from_db()
    assert fixed.status_code == 302 and asha.email == "asha@grange.example.org"
    assert [mail.to for mail in mailoutbox] == [["asha@typo.example"]]

    from governance.tests.factories import MembershipFactory as CommitteeMembershipFactory

    CommitteeMembershipFactory(person=asha, committee__partnership=world.partnership)
    refused = edit_email(client, asha, "attacker@evil.example")
    asha.refresh_from_db()
    assert refused.status_code == 403 and asha.email == "asha@grange.example.org"


def _created_by_coordinator(world, **fields):
    return PersonFactory(created_by=world.user("coordinator"), **{"school": world.school, **fields})


def test_a_record_nobody_else_uses_is_not_relied_on(world):
    person = _created_by_coordinator(world)

    assert not is_relied_on(person) and can_change_person_contacts(world.user("coordinator"), person)
    assert not can_change_person_contacts(world.user("outsider"), person)


@pytest.mark.parametrize(
    "reliance", ["linked account", "school in two partnerships", "committee member", "chairs a governing body"]
)
def test_a_record_is_relied_on_when(world, reliance):
    person = _created_by_coordinator(world)
    if reliance == "linked account":
        Person.objects.filter(pk=person.pk).update(user=UserFactory())
        person.refresh_from_db()
    elif reliance == "school in two partnerships":
        MembershipFactory(partnership=world.other_partnership, school=world.school)
    elif reliance == "committee member":
        from governance.tests.factories import MembershipFactory as CommitteeMembershipFactory

        CommitteeMembershipFactory(person=person, committee__partnership=world.partnership)
    else:
        GoverningBody.objects.create(name="Darnhall governors", chair=person)

    assert is_relied_on(person)
    assert not can_change_person_contacts(world.user("coordinator"), person)
    assert can_change_person_contacts(world.user("head"), person)


@pytest.fixture
def body(world):
    body = GoverningBody.objects.create(name="Darnhall governors", clerk_email="clerk@darnhall.example.org")
    School.objects.filter(pk=world.school.pk).update(governing_body=body)
    return body


def test_a_coordinator_cannot_change_a_clerk_email(world, sign_in, body, mailoutbox):
    client = sign_in(world.user("coordinator"))

    form = client.get(reverse("schools:governing_body_edit", args=[body.pk]))
    response = client.post(
        reverse("schools:governing_body_edit", args=[body.pk]),
        {"name": "Darnhall governors", "schools": [world.school.pk], "clerk_email": "attacker@evil.example"},
    )
    own_page = client.get(reverse("schools:clerk_email_edit", args=[body.pk]))

    body.refresh_from_db()
    assert form.context["form"].fields["clerk_email"].disabled
    assert response.status_code == 403 and "Only the head of a school this body governs" in response.content.decode()
    assert own_page.status_code == 403
    assert body.clerk_email == "clerk@darnhall.example.org" and not mailoutbox


def test_the_head_changes_the_clerk_email_and_the_previous_clerk_is_told(
    world, sign_in, body, mailoutbox, django_capture_on_commit_callbacks
):
    client = sign_in(world.user("head"))
    detail = client.get(reverse("schools:governing_body_detail", args=[body.pk])).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("schools:clerk_email_edit", args=[body.pk]), {"clerk_email": "governors@darnhall.example.org"}
        )

    body.refresh_from_db()
    entry = AuditEntry.objects.get(verb="schools.governing_body.clerk_email_changed")
    assert reverse("schools:clerk_email_edit", args=[body.pk]) in detail
    assert response.status_code == 302 and body.clerk_email == "governors@darnhall.example.org"
    assert entry.data == {"old": "clerk@darnhall.example.org", "new": "governors@darnhall.example.org"}
    [mail] = mailoutbox
    assert mail.to == ["clerk@darnhall.example.org"] and "papers for Darnhall governors" in mail.body


@pytest.mark.parametrize("who", ["la_wide_officer", "deployment_admin"])
def test_the_local_authority_or_a_deployment_administrator_changes_a_clerk_email(world, sign_in, body, who):
    if who == "la_wide_officer":
        user = UserFactory(email="la-wide@cheshirewestandchester.gov.uk")
        LocalAuthorityGrant.objects.create(user=user, local_authority=world.partnership.local_authority)
        give_totp(user)
    else:
        user = UserFactory(email="admin@portal.example.org", is_superuser=True, is_staff=True)
        give_totp(user)

    response = sign_in(user).post(
        reverse("schools:clerk_email_edit", args=[body.pk]), {"clerk_email": "governors@darnhall.example.org"}
    )

    body.refresh_from_db()
    assert response.status_code == 302 and body.clerk_email == "governors@darnhall.example.org"


def test_a_bad_clerk_email_is_refused_and_nothing_changes(world, sign_in, body, mailoutbox):
    response = sign_in(world.user("head")).post(
        reverse("schools:clerk_email_edit", args=[body.pk]), {"clerk_email": "not an address"}
    )

    body.refresh_from_db()
    assert response.status_code == 200 and "Enter a valid email address" in response.content.decode()
    assert body.clerk_email == "clerk@darnhall.example.org" and not mailoutbox
    assert not AuditEntry.objects.filter(verb="schools.governing_body.clerk_email_changed").exists()
