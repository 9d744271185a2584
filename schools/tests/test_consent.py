"""A school joins a partnership only with its consent: a coordinator proposes it by URN,
the school (its head; with no head, its local authority or a deployment administrator)
accepts or declines. Until then the proposing partnership sees only public GIAS fields."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import give_totp
from partnership.models import AuditEntry, LocalAuthorityGrant
from partnership.tests.factories import UserFactory
from schools.models import GoverningBody, JoinRequest, PartnershipMembership, School

from .factories import MembershipFactory, PersonFactory, SchoolFactory

NOW = datetime.datetime(2026, 11, 10, 10, 30, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def darnhall(world):
    """Darnhall's records that its partnership holds: a member of staff, its governing body."""
    body = GoverningBody.objects.create(name="Darnhall governors", clerk_email="clerk@darnhall.example.org")
    School.objects.filter(pk=world.school.pk).update(governing_body=body, email="office@darnhall.example.org")
    person = PersonFactory(
        school=world.school, first_name="Priya", last_name="Nair", email="priya@darnhall.example.org"
    )
    return person, body


def propose(client, world, school):
    return client.post(reverse("schools:school_add", args=[world.other_partnership.slug]), {"urn": school.urn})


def decide(client, join_request, decision, reason=""):
    url = reverse("schools:join_request_decide", args=[join_request.pk])
    return client.post(url, {"decision": decision, "reason": reason})


def test_an_outsider_who_proposes_a_school_reaches_none_of_its_records_until_the_head_accepts(world, sign_in, darnhall):
    person, body = darnhall
    client = sign_in(world.user("outsider"))

    response = propose(client, world, world.school)

    join_request = JoinRequest.objects.get(school=world.school)
    assert response.status_code == 302 and response["Location"] == join_request.get_absolute_url()
    assert join_request.status == "pending" and join_request.partnership == world.other_partnership
    assert not PartnershipMembership.objects.filter(partnership=world.other_partnership, school=world.school).exists()
    page = client.get(join_request.get_absolute_url()).content.decode()
    assert str(world.school.urn) in page and "Darnhall Primary School" in page and "Waiting for the school" in page
    for private in ("Priya", "clerk@darnhall.example.org", "office@darnhall.example.org", "Darnhall governors"):
        assert private not in page
    for name, pk in [
        ("schools:school_detail", world.school.pk),
        ("schools:person_detail", person.pk),
        ("schools:governing_body_detail", body.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404
    taken = client.post(
        reverse("schools:person_edit", args=[person.pk]),
        {"first_name": "Priya", "last_name": "Nair", "kind": "staff", "email": "attacker@evil.example"},
    )
    rerouted = client.post(
        reverse("schools:governing_body_edit", args=[body.pk]),
        {"name": "Darnhall governors", "schools": [world.school.pk], "clerk_email": "attacker@evil.example"},
    )
    assert taken.status_code == 404 and rerouted.status_code == 404
    person.refresh_from_db()
    body.refresh_from_db()
    assert person.email == "priya@darnhall.example.org" and body.clerk_email == "clerk@darnhall.example.org"
    people = client.get(reverse("schools:person_list", args=[world.other_partnership.slug])).content.decode()
    assert "Priya" not in people


def test_once_the_head_accepts_the_school_joins_today_but_the_first_partnerships_own_records_stay_its_own(
    world, sign_in, darnhall, frozen, django_capture_on_commit_callbacks
):
    person, body = darnhall
    officer = PersonFactory(school=None, partnership=world.partnership, first_name="Joanne", last_name="Whitley")
    propose(sign_in(world.user("outsider")), world, world.school)
    join_request = JoinRequest.objects.get(school=world.school)

    head = sign_in(world.user("head"))
    listed = head.get(reverse("schools:join_request_list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(head, join_request, "accept", "We work with them already.")

    join_request.refresh_from_db()
    membership = PartnershipMembership.objects.get(partnership=world.other_partnership, school=world.school)
    assert "Darnhall Primary School" in listed and "Elsewhere Partnership" in listed
    assert response.status_code == 302 and join_request.status == "accepted"
    assert join_request.decided_by == world.user("head") and join_request.membership == membership
    assert membership.joined_on == datetime.date(2026, 11, 10)
    assert AuditEntry.objects.filter(verb="schools.join_request.accepted", target_id=str(join_request.pk)).exists()
    outsider = sign_in(world.user("outsider"))
    assert outsider.get(reverse("schools:school_detail", args=[world.school.pk])).status_code == 200
    assert outsider.get(reverse("schools:person_detail", args=[person.pk])).status_code == 200
    # The first partnership's own people and its other school stay out of reach.
    assert outsider.get(reverse("schools:person_detail", args=[officer.pk])).status_code == 404
    assert outsider.get(reverse("schools:school_detail", args=[world.other_school.pk])).status_code == 404
    assert outsider.get(reverse("schools:person_list", args=["winsford"])).status_code == 404
    # A member now, but the school's contact addresses are still not the outsider's to change.
    taken = outsider.post(
        reverse("schools:person_edit", args=[person.pk]),
        {"first_name": "Priya", "last_name": "Nair", "kind": "staff", "email": "attacker@evil.example"},
    )
    rerouted = outsider.post(
        reverse("schools:governing_body_edit", args=[body.pk]),
        {"name": "Darnhall governors", "schools": [world.school.pk], "clerk_email": "attacker@evil.example"},
    )
    assert taken.status_code == 403 and "Only the person" in taken.content.decode()
    assert rerouted.status_code == 403 and "Only the head" in rerouted.content.decode()
    person.refresh_from_db()
    body.refresh_from_db()
    assert person.email == "priya@darnhall.example.org" and body.clerk_email == "clerk@darnhall.example.org"


def test_a_shared_school_cannot_be_moved_under_another_partnerships_governing_body(world, sign_in, darnhall):
    _person, body = darnhall
    MembershipFactory(partnership=world.other_partnership, school=world.school)  # accepted earlier
    theirs = GoverningBody.objects.create(name="Faraway governors", clerk_email="attacker@evil.example")
    School.objects.filter(pk=world.foreign_school.pk).update(governing_body=theirs)

    response = sign_in(world.user("outsider")).post(
        reverse("schools:governing_body_edit", args=[theirs.pk]),
        {"name": "Faraway governors", "schools": [world.foreign_school.pk, world.school.pk]},
    )

    world.school.refresh_from_db()
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert world.school.governing_body == body


def test_the_head_declines_with_a_reason_the_proposers_see(world, sign_in, frozen):
    propose(sign_in(world.user("outsider")), world, world.school)
    join_request = JoinRequest.objects.get(school=world.school)

    decide(sign_in(world.user("head")), join_request, "decline", "We are committed to Winsford this year.")

    join_request.refresh_from_db()
    assert join_request.status == "declined" and join_request.decided_at == NOW
    assert not PartnershipMembership.objects.filter(partnership=world.other_partnership, school=world.school).exists()
    entry = AuditEntry.objects.get(verb="schools.join_request.declined")
    assert entry.data["reason"] == "We are committed to Winsford this year."
    page = sign_in(world.user("outsider")).get(join_request.get_absolute_url()).content.decode()
    assert "Declined" in page and "We are committed to Winsford this year." in page
    assert (
        sign_in(world.user("outsider")).get(reverse("schools:school_detail", args=[world.school.pk])).status_code == 404
    )


def test_the_proposing_coordinator_withdraws_and_the_head_can_no_longer_accept(world, sign_in):
    outsider = sign_in(world.user("outsider"))
    propose(outsider, world, world.school)
    join_request = JoinRequest.objects.get(school=world.school)

    outsider.post(reverse("schools:join_request_withdraw", args=[join_request.pk]))
    head = sign_in(world.user("head"))
    late = head.post(
        reverse("schools:join_request_decide", args=[join_request.pk]), {"decision": "accept"}, follow=True
    )

    join_request.refresh_from_db()
    assert join_request.status == "withdrawn" and join_request.decided_by == world.user("outsider")
    assert AuditEntry.objects.filter(verb="schools.join_request.withdrawn").exists()
    assert "no longer open: it was withdrawn" in late.content.decode()
    assert not PartnershipMembership.objects.filter(partnership=world.other_partnership, school=world.school).exists()


def test_a_decided_request_cannot_be_decided_again(world, sign_in):
    propose(sign_in(world.user("outsider")), world, world.school)
    join_request = JoinRequest.objects.get(school=world.school)
    head = sign_in(world.user("head"))
    decide(head, join_request, "decline")

    again = head.post(
        reverse("schools:join_request_decide", args=[join_request.pk]), {"decision": "accept"}, follow=True
    )

    assert again.status_code == 200 and "no longer open: it was declined" in again.content.decode()
    assert not PartnershipMembership.objects.filter(partnership=world.other_partnership, school=world.school).exists()


def test_a_second_proposal_while_one_waits_and_a_proposal_for_a_member_are_refused(world, sign_in):
    outsider = sign_in(world.user("outsider"))
    propose(outsider, world, world.school)

    twice = propose(outsider, world, world.school)
    member = sign_in(world.user("coordinator")).post(
        reverse("schools:school_add", args=["winsford"]), {"urn": world.school.urn}
    )
    unknown = propose(sign_in(world.user("outsider")), world, SchoolFactory.build(urn=999999))

    assert "already proposed" in twice.content.decode() and "not decided yet" in twice.content.decode()
    assert "Darnhall Primary School is already a member" in member.content.decode()
    assert "No school with URN 999999" in unknown.content.decode()
    assert JoinRequest.objects.count() == 1


@pytest.mark.parametrize("role", ["head", "staff", "clerk", "coordinator", "la_officer"])
def test_only_the_head_of_the_school_decides_for_it(world, sign_in, role):
    propose(sign_in(world.user("outsider")), world, world.school)
    join_request = JoinRequest.objects.get(school=world.school)

    response = decide(sign_in(world.user(role)), join_request, "accept")

    join_request.refresh_from_db()
    assert (join_request.status == "accepted") == (role == "head")
    assert response.status_code == (302 if role == "head" else 404)


def _headless_school(world):
    """A school of the same local authority with no head account, proposed by Winsford."""
    school = SchoolFactory(name="Over Hall Community Primary School", la_code="896")
    return school, JoinRequest.objects.create(partnership=world.partnership, school=school)


def test_a_school_without_a_head_is_decided_by_an_la_wide_officer_of_its_authority(world, sign_in, frozen):
    school, join_request = _headless_school(world)
    officer = UserFactory(email="la-wide@cheshirewestandchester.gov.uk")
    LocalAuthorityGrant.objects.create(user=officer, local_authority=world.partnership.local_authority)
    give_totp(officer)  # an LA officer sees the portal only with two-factor set up
    other_la = UserFactory(email="la-wide@elsewhere.gov.uk")
    from partnership.tests.factories import LocalAuthorityFactory

    LocalAuthorityGrant.objects.create(user=other_la, local_authority=LocalAuthorityFactory(code="895"))
    give_totp(other_la)  # LA-wide officers need two-factor, with or without a partnership

    refused = decide(sign_in(other_la), join_request, "accept")
    listed = sign_in(officer).get(reverse("schools:join_request_list")).content.decode()
    accepted = decide(sign_in(officer), join_request, "accept")

    join_request.refresh_from_db()
    assert refused.status_code == 404 and "Over Hall" in listed and accepted.status_code == 302
    assert join_request.status == "accepted" and join_request.decided_by == officer
    assert School.objects.in_partnership(world.partnership).filter(pk=school.pk).exists()


def test_a_school_without_a_head_is_decided_by_a_deployment_administrator(world, sign_in):
    school, join_request = _headless_school(world)
    admin = UserFactory(email="admin@portal.example.org", is_superuser=True, is_staff=True)
    give_totp(admin)

    decide(sign_in(admin), join_request, "decline", "Not a school of this area.")

    join_request.refresh_from_db()
    assert join_request.status == "declined" and join_request.decided_by == admin


def test_once_the_school_has_a_head_the_la_and_the_administrator_no_longer_decide(world, sign_in):
    _school, join_request = _headless_school(world)
    propose(sign_in(world.user("outsider")), world, world.school)
    darnhall_request = JoinRequest.objects.get(school=world.school)
    admin = UserFactory(email="admin@portal.example.org", is_superuser=True, is_staff=True)
    give_totp(admin)

    client = sign_in(admin)
    listed = [r.pk for r in client.get(reverse("schools:join_request_list")).context["to_decide"]]
    response = decide(client, darnhall_request, "accept")

    darnhall_request.refresh_from_db()
    assert listed == [join_request.pk]  # Over Hall (no head) only, not Darnhall (it has a head)
    assert response.status_code == 404 and darnhall_request.status == "pending"


def test_the_heads_dashboard_counts_the_requests_waiting_for_them(world, sign_in):
    propose(sign_in(world.user("outsider")), world, world.school)

    head_page = sign_in(world.user("head")).get(reverse("partnership_dashboard", args=["winsford"])).content.decode()
    staff_page = sign_in(world.user("staff")).get(reverse("partnership_dashboard", args=["winsford"])).content.decode()
    outsider_page = (
        sign_in(world.user("outsider")).get(reverse("partnership_dashboard", args=["elsewhere"])).content.decode()
    )

    assert "1</strong> request waiting for your decision" in head_page
    assert reverse("schools:join_request_list") in head_page
    assert "Requests to join" not in staff_page
    assert "1 school proposed by this partnership" in outsider_page
