import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnership.models import AuditEntry
from schools.models import Expertise, GoverningBody, PartnershipMembership, Person, PupilCount, School, Specialism

from .factories import MembershipFactory, PersonFactory, PupilCountFactory, SchoolFactory


def queries_for(client, url) -> int:
    client.get(url)  # the first visit stores the current partnership in the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_members(world, count, **fields):
    for school in SchoolFactory.create_batch(count, **fields):
        MembershipFactory(partnership=world.partnership, school=school)


def test_the_school_list_shows_member_schools_only_with_their_figures(world, sign_in):
    response = sign_in(world.user("la_officer")).get(reverse("schools:school_list", args=["winsford"]))

    content = response.content.decode()
    assert "Darnhall Primary School" in content and "Grange Primary School" in content
    assert "Faraway Primary School" not in content
    assert "412" in content and "2 schools" in content
    assert reverse("schools:school_detail", args=[world.school.pk]) in content


def test_the_school_list_filters_by_name_urn_phase_size_and_religious_character(world, sign_in):
    add_members(
        world, 1, name="St Chad's CofE Primary School", religious_character="Church of England", number_of_pupils=90
    )
    add_members(world, 1, name="Winsford High School", phase="Secondary", number_of_pupils=1482)
    client = sign_in(world.user("staff"))
    url = reverse("schools:school_list", args=["winsford"])

    def names(**params):
        response = client.get(url, params)
        return [school["name"] for school in response.context["page_obj"]]

    assert names(q="chad") == ["St Chad's CofE Primary School"]
    assert names(q=str(world.other_school.urn)) == ["Grange Primary School"]
    assert names(phase="Secondary") == ["Winsford High School"]
    assert names(size="small") == ["St Chad's CofE Primary School"]
    assert names(size="very-large") == ["Winsford High School"]
    assert names(religion="Church of England") == ["St Chad's CofE Primary School"]
    assert names(sort="-pupils")[:2] == ["Winsford High School", "Darnhall Primary School"]
    assert names(phase="Nonsense") == []  # an unknown choice shows nothing, not an error


def test_the_school_list_pages_through_many_schools_without_repeating_any(world, sign_in):
    add_members(world, 120, name="Same Name School")
    client = sign_in(world.user("coordinator"))
    url = reverse("schools:school_list", args=["winsford"])
    seen = []
    for page in (1, 2, 3):
        seen += [school["pk"] for school in client.get(url, {"page": page}).context["page_obj"]]
    assert len(seen) == len(set(seen)) == 122
    assert client.get(url, {"page": "9999"}).status_code == 200
    assert client.get(url, {"page": "x"}).status_code == 200


def test_the_school_list_uses_the_same_number_of_queries_whatever_the_number_of_schools(world, sign_in):
    client = sign_in(world.user("coordinator"))
    url = reverse("schools:school_list", args=["winsford"]) + "?phase=Primary&sort=-pupils"
    few = queries_for(client, url)
    add_members(world, 60)
    # session, user, two-factor check, grants, partnership, filter options, count, page, nav
    assert queries_for(client, url) == few <= 9


def test_the_school_page_uses_the_same_number_of_queries_whatever_it_holds(world, sign_in):
    body = GoverningBody.objects.create(name="Federated governing body")
    School.objects.filter(pk__in=[world.school.pk, world.other_school.pk]).update(governing_body=body)
    client = sign_in(world.user("head"))
    url = reverse("schools:school_detail", args=[world.school.pk])
    few = queries_for(client, url)
    for year in range(2018, 2026):
        PupilCountFactory(school=world.school, counted_on=date(year, 1, 16), pupils=300 + year % 100)
    PersonFactory.create_batch(6, school=world.school)
    PersonFactory.create_batch(5, school=world.school, governing_body=body, kind=Person.Kind.GOVERNOR)
    for specialism in Specialism.objects.all()[:6]:
        Expertise.objects.create(specialism=specialism, school=world.school)
    MembershipFactory(partnership=world.other_partnership, school=world.school)
    assert queries_for(client, url) == few <= 12


def test_the_school_page_shows_pupil_history_leaders_governing_body_and_expertise(world, sign_in):
    chair = PersonFactory(first_name="Margaret", last_name="Holt", school=world.school, kind=Person.Kind.GOVERNOR)
    body = GoverningBody.objects.create(name="Governing body of Darnhall", chair=chair)
    world.school.governing_body = body
    world.school.save()
    PupilCountFactory(school=world.school, counted_on=date(2025, 1, 16), pupils=398)
    PersonFactory(school=world.school, first_name="Helen", last_name="Ashworth", job_role="Headteacher")
    Expertise.objects.create(
        specialism=Specialism.objects.get(name="Nurture group"), school=world.school, details="Six places"
    )

    content = (
        sign_in(world.user("la_officer")).get(reverse("schools:school_detail", args=[world.school.pk])).content.decode()
    )

    assert "16 January 2025" in content and "398" in content
    assert "Helen Ashworth" in content and "Headteacher" in content
    assert "Governing body of Darnhall" in content and "Margaret Holt" in content
    assert "Nurture group" in content and "Six places" in content
    assert "Edit contact details" not in content  # LA officers read


def test_the_csv_export_has_the_filtered_schools_with_accents_intact(world, sign_in):
    add_members(world, 1, name="Ysgol Gynradd Élan", phase="Primary")
    add_members(world, 1, name="Winsford High School", phase="Secondary")

    response = sign_in(world.user("staff")).get(
        reverse("schools:school_export", args=["winsford"]), {"phase": "Primary"}
    )

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0][:4] == ["URN", "LA (code)", "EstablishmentNumber", "EstablishmentName"]
    assert sorted(r[3] for r in rows[1:]) == ["Darnhall Primary School", "Grange Primary School", "Ysgol Gynradd Élan"]


def test_a_head_edits_their_own_schools_contacts_and_the_change_is_audited(world, sign_in):
    client = sign_in(world.user("head"))
    url = reverse("schools:school_edit", args=[world.school.pk])

    response = client.post(
        url, {"telephone": "01606 551234", "email": "office@darnhall.example.org", "town": "Winsford"}
    )

    world.school.refresh_from_db()
    assert response.status_code == 302 and world.school.telephone == "01606 551234"
    assert AuditEntry.objects.filter(verb="schools.school.contacts_changed", target_id=str(world.school.pk)).exists()
    bad = client.post(url, {"email": "not an address"})
    assert bad.status_code == 200 and "Enter a valid email address" in bad.content.decode()


def test_a_coordinator_proposes_a_school_by_urn_and_it_is_not_a_member_until_the_school_accepts(world, sign_in):
    newcomer = SchoolFactory(name="Over Hall Community Primary School")
    client = sign_in(world.user("coordinator"))
    url = reverse("schools:school_add", args=["winsford"])

    assert client.post(url, {"urn": newcomer.urn}).status_code == 302
    assert not School.objects.in_partnership(world.partnership).filter(pk=newcomer.pk).exists()
    assert "Over Hall Community Primary School" in client.get(url).content.decode()  # listed under proposals
    unknown = client.post(url, {"urn": 999999})
    assert "No school with URN 999999" in unknown.content.decode()
    assert PartnershipMembership.objects.filter(school=newcomer).count() == 0


def test_a_school_leaving_keeps_its_membership_history_with_dates_and_notice(world, sign_in):
    membership = PartnershipMembership.objects.get(partnership=world.partnership, school=world.other_school)
    client = sign_in(world.user("coordinator"))
    url = reverse("schools:membership_leave", args=[membership.pk])

    too_early = client.post(url, {"left_on": "2019-01-01"})
    assert "before the school joined" in too_early.content.decode()
    response = client.post(url, {"notice_given_on": "2026-04-20", "left_on": "2026-08-31"})

    membership.refresh_from_db()
    assert response.status_code == 302
    assert (membership.notice_given_on, membership.left_on) == (date(2026, 4, 20), date(2026, 8, 31))
    assert (
        not School.objects.in_partnership(world.partnership, date(2026, 9, 1)).filter(pk=world.other_school.pk).exists()
    )
    assert School.objects.in_partnership(world.partnership, date(2026, 8, 30)).filter(pk=world.other_school.pk).exists()
    page = client.get(reverse("schools:school_detail", args=[world.other_school.pk])).content.decode()
    assert "31 August 2026" in page and "20 April 2026" in page


def test_the_expertise_directory_finds_who_can_help(world, sign_in):
    sen = Specialism.objects.get(abbreviation="SEN")
    Expertise.objects.create(specialism=sen, school=world.other_school, details="Outreach for autism")
    nle = Specialism.objects.get(abbreviation="NLE")
    head = PersonFactory(school=world.school, first_name="Helen", last_name="Ashworth", job_role="Headteacher")
    Expertise.objects.create(specialism=nle, person=head)
    Expertise.objects.create(specialism=sen, school=world.foreign_school)  # another partnership
    client = sign_in(world.user("head"))
    url = reverse("schools:expertise_search", args=["winsford"])

    def found(**params):
        return [str(offer.provider) for offer in client.get(url, params).context["page_obj"]]

    assert found(q="autism") == ["Grange Primary School"]
    assert found(specialism=sen.pk) == ["Grange Primary School"]
    assert found(q="NLE") == ["Helen Ashworth"]
    assert found(kind="designation") == ["Helen Ashworth"]
    assert found(specialism="nonsense") == []
    assert list(Expertise.objects.providers_of(world.partnership, sen).values_list("school__name", flat=True)) == [
        "Grange Primary School"
    ]


def test_a_head_adds_and_removes_their_schools_expertise(world, sign_in):
    client = sign_in(world.user("head"))
    early_reading = Specialism.objects.get(name="Early reading and phonics")

    client.post(
        reverse("schools:school_expertise_add", args=[world.school.pk]),
        {"specialism": early_reading.pk, "details": "Open mornings"},
    )
    offer = Expertise.objects.get(school=world.school)
    assert offer.details == "Open mornings"
    client.post(reverse("schools:expertise_remove", args=[offer.pk]))
    assert not Expertise.objects.filter(school=world.school).exists()
    assert AuditEntry.objects.filter(verb="schools.expertise.removed").exists()


def test_the_people_directory_searches_by_name_role_and_kind(world, sign_in):
    PersonFactory(school=world.school, first_name="Nadia", last_name="Shah", job_role="SENCO")
    PersonFactory(school=world.foreign_school, first_name="Nadia", last_name="Elsewhere")
    Person.objects.create(
        partnership=world.partnership,
        first_name="Joanne",
        last_name="Whitley",
        kind=Person.Kind.LA_OFFICER,
        organisation="Cheshire West and Chester",
    )
    client = sign_in(world.user("staff"))
    url = reverse("schools:person_list", args=["winsford"])

    def found(**params):
        return [p.full_name for p in client.get(url, params).context["page_obj"]]

    assert found(q="nadia") == ["Nadia Shah"]
    assert found(q="senco") == ["Nadia Shah"]
    assert found(kind="la_officer") == ["Joanne Whitley"]


def test_a_governor_known_by_their_federation_alone_is_listed_shown_and_editable_in_its_partnerships(world, sign_in):
    body = GoverningBody.objects.create(name="Darnhall and Grange Federation")
    School.objects.filter(pk=world.school.pk).update(governing_body=body)
    governor = PersonFactory(school=None, governing_body=body, first_name="Ruth", last_name="Okafor", kind="governor")
    page = reverse("schools:person_detail", args=[governor.pk])

    coordinator = sign_in(world.user("coordinator"))
    listed = [
        p.full_name for p in coordinator.get(reverse("schools:person_list", args=["winsford"])).context["page_obj"]
    ]
    shown = coordinator.get(page)
    assert "Ruth Okafor" in listed and shown.status_code == 200 and shown.context["can_edit"]
    assert "Darnhall and Grange Federation" in shown.content.decode()
    edit = reverse("schools:person_edit", args=[governor.pk])
    assert coordinator.get(edit).status_code == 200
    saved = coordinator.post(edit, {"first_name": "Ruth", "last_name": "Okafor-Lee", "kind": "governor"})
    governor.refresh_from_db()
    assert saved.status_code == 302 and governor.last_name == "Okafor-Lee" and governor.governing_body == body
    assert sign_in(world.user("outsider")).get(page).status_code == 404


def test_the_governing_bodies_page_lists_a_federation_with_its_schools_and_chair(world, sign_in):
    chair = PersonFactory(school=world.school, first_name="Brian", last_name="Lowe", kind=Person.Kind.GOVERNOR)
    body = GoverningBody.objects.create(name="Darnhall and Grange Federation", chair=chair)
    School.objects.filter(pk__in=[world.school.pk, world.other_school.pk]).update(governing_body=body)
    PersonFactory.create_batch(3, school=world.school, governing_body=body, kind=Person.Kind.GOVERNOR)

    content = (
        sign_in(world.user("clerk")).get(reverse("schools:governing_body_list", args=["winsford"])).content.decode()
    )

    assert "Darnhall and Grange Federation" in content and "Brian Lowe" in content
    assert "Darnhall Primary School; Grange Primary School" in content
    detail = sign_in(world.user("clerk")).get(reverse("schools:governing_body_detail", args=[body.pk])).content.decode()
    assert "Federated schools" in detail


def test_a_federation_across_partnerships_names_the_other_partnerships_school_without_a_link(world, sign_in):
    body = GoverningBody.objects.create(name="Darnhall and Faraway Federation")
    School.objects.filter(pk__in=[world.school.pk, world.foreign_school.pk]).update(governing_body=body)
    client = sign_in(world.user("coordinator"))

    school_page = client.get(reverse("schools:school_detail", args=[world.school.pk])).content.decode()
    body_page = client.get(reverse("schools:governing_body_detail", args=[body.pk])).content.decode()

    foreign_url = reverse("schools:school_detail", args=[world.foreign_school.pk])
    own_url = reverse("schools:school_detail", args=[world.school.pk])
    assert "Also governs: Faraway Primary School" in school_page and foreign_url not in school_page
    assert "Faraway Primary School" in body_page and foreign_url not in body_page and own_url in body_page


def test_the_dashboard_panel_links_to_school_pages(world, sign_in):
    content = sign_in(world.user("head")).get(reverse("partnership_dashboard", args=["winsford"])).content.decode()

    assert reverse("schools:school_detail", args=[world.school.pk]) in content


def test_pupil_counts_at_a_date_come_from_the_latest_census_before_it(world):
    PupilCount.objects.create(school=world.school, counted_on=date(2025, 1, 16), pupils=400)
    PupilCount.objects.create(school=world.school, counted_on=date(2026, 1, 15), pupils=412)

    on = {s.pk: s.pupils_on_day for s in School.objects.with_pupils_on(date(2025, 9, 1))}

    assert on[world.school.pk] == 400 and on[world.other_school.pk] is None


@pytest.mark.parametrize("role", ["la_officer", "staff"])
def test_readers_see_no_edit_links(world, sign_in, role):
    content = sign_in(world.user(role)).get(reverse("schools:school_list", args=["winsford"])).content.decode()

    assert "Propose a school" not in content and "Import from GIAS" not in content


def test_a_broad_filter_over_many_schools_is_counted_only_so_far(world, sign_in, monkeypatch):
    from schools import listing

    monkeypatch.setattr(listing, "COUNT_LIMIT", 5)
    add_members(world, 8, name="Broad Oak School")
    client = sign_in(world.user("staff"))
    url = reverse("schools:school_list", args=["winsford"])

    narrowed = client.get(url, {"q": "broad"})
    everything = client.get(url)

    assert "More than 5 schools match" in narrowed.content.decode(), narrowed.content.decode().split("aria-live")[1][
        :200
    ]
    assert len(narrowed.context["page_obj"]) == 5
    assert "10 schools" in everything.content.decode()  # the unfiltered total is always exact


def test_the_filter_menus_follow_membership_changes_made_through_the_services(
    world, sign_in, django_capture_on_commit_callbacks
):
    from schools.services import add_school_to_partnership

    client = sign_in(world.user("coordinator"))
    url = reverse("schools:school_list", args=["winsford"])
    assert "Nursery" not in client.get(url).content.decode()
    nursery = SchoolFactory(name="Little Acorns", phase="Nursery")

    with django_capture_on_commit_callbacks(execute=True):
        add_school_to_partnership(partnership=world.partnership, school=nursery, joined_on=date(2020, 1, 1), actor=None)

    assert '<option value="Nursery"' in client.get(url).content.decode()


def test_a_coordinator_federates_two_schools_under_one_governing_body_with_a_chair(world, sign_in):
    body = GoverningBody.objects.create(name="Darnhall governing body")
    world.school.governing_body = body
    world.school.save()
    chair = PersonFactory(
        school=world.school, governing_body=body, first_name="Brian", last_name="Lowe", kind=Person.Kind.GOVERNOR
    )
    outsider_school = world.foreign_school
    client = sign_in(world.user("coordinator"))

    response = client.post(
        reverse("schools:governing_body_edit", args=[body.pk]),
        {
            "name": "Darnhall and Grange Federation",
            "chair": chair.pk,
            "schools": [world.school.pk, world.other_school.pk],
        },
    )

    body.refresh_from_db()
    assert response.status_code == 302 and body.name == "Darnhall and Grange Federation" and body.chair == chair
    assert set(body.schools.values_list("pk", flat=True)) == {world.school.pk, world.other_school.pk}
    bad = client.post(
        reverse("schools:governing_body_edit", args=[body.pk]),
        {"name": "X", "schools": [outsider_school.pk]},
    )
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()
    client.post(
        reverse("schools:governing_body_edit", args=[body.pk]),
        {"name": "Darnhall governors", "schools": [world.school.pk]},
    )
    world.other_school.refresh_from_db()
    assert world.other_school.governing_body is None
    assert AuditEntry.objects.filter(verb="schools.governing_body.saved").count() == 2


def test_the_csv_export_defuses_formulas_in_names_and_keeps_the_zeros_of_codes(world, sign_in):
    add_members(world, 1, name='=HYPERLINK("http://evil.example","Click")', telephone="01606552000")

    response = sign_in(world.user("staff")).get(reverse("schools:school_export", args=["winsford"]))

    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    attack = next(r for r in rows if "HYPERLINK" in r[3])
    assert attack[3] == '\'=HYPERLINK("http://evil.example","Click")'
    assert attack[rows[0].index("Telephone")] == "'01606552000"
