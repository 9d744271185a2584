"""A school's national record (GIAS: head's name, address, telephone, e-mail, website) is
shared by every partnership the school belongs to: its head, an LA-wide officer of its local
authority or a deployment administrator change it; coordinators read it, and keep their own
records (expertise) about it."""

from django.urls import reverse

from partnership.models import AuditEntry
from schools.models import Expertise, JoinRequest, School, Specialism

from .test_consent import decide, propose

CONTACTS = {"head_name": "Mr Taken Over", "telephone": "0000 000000", "email": "office@evil.example", "town": "X"}


def _unchanged(world):
    school = School.objects.get(pk=world.school.pk)
    return school.head_name == world.school.head_name and school.email == world.school.email


def test_a_coordinator_reads_the_national_record_but_may_not_change_it(world, sign_in):
    client = sign_in(world.user("coordinator"))
    url = reverse("schools:school_edit", args=[world.school.pk])

    page = client.get(url).content.decode()
    response = client.post(url, CONTACTS)

    assert (
        "only the school&#x27;s head, an LA-wide officer of its local authority or a deployment administrator" in page
    )
    assert "disabled" in page and 'type="submit"' not in page.split("<main", 1)[-1].split("</main>")[0]
    assert response.status_code == 403 and _unchanged(world)
    assert not AuditEntry.objects.filter(verb="schools.school.contacts_changed").exists()
    detail = client.get(reverse("schools:school_detail", args=[world.school.pk])).content.decode()
    assert "Edit contact details" not in detail and "deployment administrator may change it" in detail


def test_the_outsider_whose_partnership_the_school_accepted_cannot_rewrite_its_record(world, sign_in):
    propose(sign_in(world.user("outsider")), world, world.school)
    decide(sign_in(world.user("head")), JoinRequest.objects.get(school=world.school), "accept")
    client = sign_in(world.user("outsider"))

    response = client.post(reverse("schools:school_edit", args=[world.school.pk]), CONTACTS)

    assert response.status_code == 403 and _unchanged(world)


def test_a_coordinator_still_keeps_the_schools_expertise(world, sign_in):
    specialism = Specialism.objects.get(abbreviation="SEN")
    client = sign_in(world.user("coordinator"))

    response = client.post(
        reverse("schools:school_expertise_add", args=[world.school.pk]),
        {"specialism": specialism.pk, "details": "Outreach"},
    )

    assert response.status_code == 302
    assert Expertise.objects.filter(school=world.school, specialism=specialism, details="Outreach").exists()


def test_an_la_wide_officer_of_the_schools_authority_changes_the_record(world, sign_in, la_wide_officer):
    School.objects.filter(pk=world.school.pk).update(la_code="896")
    client = sign_in(la_wide_officer)

    response = client.post(reverse("schools:school_edit", args=[world.school.pk]), {**CONTACTS, "head_name": "Ms New"})

    school = School.objects.get(pk=world.school.pk)
    assert response.status_code == 302 and school.head_name == "Ms New"
    assert AuditEntry.objects.filter(verb="schools.school.contacts_changed", actor=la_wide_officer).exists()


def test_a_deployment_administrator_without_a_partnership_role_changes_the_record(world, sign_in, deployment_admin):
    client = sign_in(deployment_admin)
    url = reverse("schools:school_edit", args=[world.school.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {**CONTACTS, "telephone": "01606 551234"})

    assert response.status_code == 302 and School.objects.get(pk=world.school.pk).telephone == "01606 551234"


def test_an_la_wide_officer_of_another_authority_does_not_find_the_school(world, sign_in, la_wide_officer):
    School.objects.filter(pk=world.school.pk).update(la_code="875")
    client = sign_in(la_wide_officer)

    response = client.post(reverse("schools:school_edit", args=[world.school.pk]), CONTACTS)

    assert response.status_code in {403, 404} and _unchanged(world)
