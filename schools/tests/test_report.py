from datetime import date

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from partnership.registry import registry
from partnership.tests.factories import TermFactory
from schools.models import PartnershipMembership, PupilCount
from schools.report import schools_csv, schools_section

from .factories import MembershipFactory, PupilCountFactory, SchoolFactory


def autumn(world):
    return TermFactory(partnership=world.partnership, start=date(2026, 9, 2), end=date(2026, 12, 18))


def render(world, term, data):
    section = next(s for s in registry.report_sections if s.key == "schools")
    return render_to_string(
        section.template, {"section": section, "data": data, "partnership": world.partnership, "term": term}
    )


def test_the_schools_section_counts_members_pupils_joiners_and_leavers_in_the_term(world):
    term = autumn(world)
    PupilCountFactory(school=world.school, counted_on=date(2026, 1, 15), pupils=412)
    PupilCountFactory(school=world.school, counted_on=date(2027, 1, 14), pupils=999)  # after the term: not used
    PupilCountFactory(school=world.other_school, counted_on=date(2026, 1, 15), pupils=318)
    newcomer = SchoolFactory(name="Over Hall Community Primary School", phase="Primary")
    MembershipFactory(partnership=world.partnership, school=newcomer, joined_on=date(2026, 10, 1))
    PupilCountFactory(school=newcomer, counted_on=date(2026, 1, 15), pupils=224)
    PartnershipMembership.objects.filter(school=world.other_school).update(
        notice_given_on=date(2026, 7, 1), left_on=date(2026, 11, 30)
    )

    data = schools_section(world.partnership, term)

    assert data["school_count"] == 2 and data["total_pupils"] == 412 + 224
    assert [j["name"] for j in data["joiners"]] == ["Over Hall Community Primary School"]
    assert [(leaver["name"], leaver["on"]) for leaver in data["leavers"]] == [
        ("Grange Primary School", date(2026, 11, 30))
    ]
    assert data["charts"][0]["series"][0]["values"] == [636]
    html = render(world, term, data)
    assert "636" in html and "Over Hall Community Primary School" in html and "30 November 2026" in html
    tables = schools_csv(data)
    assert tables["schools.csv"][0][0] == "URN" and len(tables["schools.csv"]) == 3
    assert tables["membership_changes.csv"][-1][2:] == ["left", "2026-11-30"]


def test_a_term_with_no_changes_says_so_in_a_plain_sentence(world):
    term = autumn(world)
    PartnershipMembership.objects.filter(partnership=world.partnership).update(left_on=date(2025, 8, 31))

    data = schools_section(world.partnership, term)

    assert data["school_count"] == 0 and data["charts"] == []
    html = render(world, term, data)
    assert "no member schools at the end of term" in html and "No schools joined or left" in html


def test_the_schools_section_uses_the_same_number_of_queries_whatever_the_number_of_schools(world):
    term = autumn(world)
    with CaptureQueriesContext(connection) as few:
        schools_section(world.partnership, term)
    for school in SchoolFactory.create_batch(30):
        MembershipFactory(partnership=world.partnership, school=school, joined_on=date(2026, 10, 1))
        PupilCount.objects.create(school=school, counted_on=date(2026, 1, 15), pupils=100)
    with CaptureQueriesContext(connection) as many:
        data = schools_section(world.partnership, term)
    assert len(many) == len(few) <= 3 and data["school_count"] == 32
