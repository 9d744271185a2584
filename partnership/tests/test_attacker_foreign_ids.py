"""The attacker partnership puts winsford's record ids into the forms of its OWN pages.

test_attacker_partnership.py tries winsford's URLs; here the attacker stays on its own
pages (its own event, committee, funding year, plan, ...) and posts the id of a winsford
person, school, committee, funding year, formula, category or expertise into a choice field.
Each case is posted twice: with the attacker's own record (the control: the form works and
links it) and with winsford's (refused: a form error, a redirect with a message or 4xx, and
nothing of winsford's is linked).
"""

import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from cpd.models import Booking, Session
from cpd.tests.factories import EventFactory, ProgrammeFactory
from funding.models import ContributionRound, Grant, SpendingEntry
from funding.tests.factories import FormulaFactory, FundingYearFactory
from governance.models import Committee, CommitteeMembership, InterestEntry, Meeting
from governance.tests.factories import (
    AgendaItemFactory,
    CommitteeFactory,
    InterestFactory,
    MeetingFactory,
    MembershipFactory,
)
from improvement import services as improvement
from improvement.models import Categorisation, Plan, Priority, SupportAgreement, SupportRequest
from improvement.services.categories import ensure_default_rubric
from partnership.models import Invitation
from schools.models import AgreedPupilCount, Expertise, GoverningBody, Person, School, Specialism
from schools.tests.factories import MembershipFactory as SchoolMembershipFactory
from schools.tests.factories import PersonFactory, SchoolFactory

REFUSED = {200, 302, 400, 403, 404}


@dataclass
class Sides:
    """One record of each kind for each side: `own` (the attacker's) and `winsford`."""

    world: object
    partnership: object
    person: dict
    school: dict
    committee: dict
    year: dict
    formula: dict


@pytest.fixture
def sides(world):
    other = world.other_partnership
    people = {
        "own": PersonFactory(school=world.foreign_school, kind=Person.Kind.STAFF),
        "winsford": PersonFactory(school=world.school, kind=Person.Kind.STAFF),
    }
    return Sides(
        world=world,
        partnership=other,
        person=people,
        school={"own": world.foreign_school, "winsford": world.school},
        committee={
            "own": CommitteeFactory(partnership=other, name="Attacker board"),
            "winsford": CommitteeFactory(partnership=world.partnership, name="Winsford board"),
        },
        year={
            "own": FundingYearFactory(partnership=other),
            "winsford": FundingYearFactory(partnership=world.partnership),
        },
        formula={
            "own": FormulaFactory(partnership=other),
            "winsford": FormulaFactory(partnership=world.partnership),
        },
    )


def today(days=0):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


# Each case: (role, setup(sides) -> context, post(sides, context, side) -> (url, data),
# linked(sides, context, side) -> how many rows link the side's record).


def own_event(s):
    programme = ProgrammeFactory(partnership=s.partnership)
    return {"event": EventFactory(programme=programme, is_booking_open=True, capacity=20)}


def book(s, c, side):
    return reverse("cpd:book", args=[c["event"].pk]), {"person": s.person[side].pk}


def booked(s, c, side):
    return Booking.objects.filter(event=c["event"], person=s.person[side]).count()


def session_host(s, c, side):
    data = {"day": today(30), "start": "09:00", "end": "12:00", "host_school": s.school[side].pk, "venue": ""}
    return reverse("cpd:session_add", args=[c["event"].pk]), data


def hosted_session(s, c, side):
    return Session.objects.filter(event=c["event"], host_school=s.school[side]).count()


def nothing(s):
    return {}


COMMITTEE = {
    "kind": Committee.Kind.STRATEGIC,
    "established_on": today(-10),
    "quorum_numerator": 1,
    "quorum_denominator": 2,
    "quorum_min_headteachers": 0,
    "majority_rule": Committee.MajorityRule.SIMPLE,
}


def committee_schools(s, c, side):
    data = {**COMMITTEE, "name": f"Board with {side}", "schools": [s.school[side].pk]}
    return reverse("governance:committee_create", args=[s.partnership.slug]), data


def committee_with_school(s, c, side):
    return Committee.objects.filter(partnership=s.partnership, schools=s.school[side]).count()


def committee_parent(s, c, side):
    data = {**COMMITTEE, "name": f"Sub-board of {side}", "parent": s.committee[side].pk}
    return reverse("governance:committee_create", args=[s.partnership.slug]), data


def committee_under(s, c, side):
    return Committee.objects.filter(partnership=s.partnership, parent=s.committee[side]).count()


def own_committee_with_school(s):
    s.committee["own"].schools.add(s.school["own"])
    return {}


def member_person(s, c, side):
    data = {"person": s.person[side].pk, "role": CommitteeMembership.Role.MEMBER, "start_on": today()}
    return reverse("governance:committee_members", args=[s.committee["own"].pk]), data


def membership_of_person(s, c, side):
    return CommitteeMembership.objects.filter(committee=s.committee["own"], person=s.person[side]).count()


def member_school(s, c, side):
    data = {
        "person": s.person["own"].pk,
        "school": s.school[side].pk,
        "role": CommitteeMembership.Role.MEMBER,
        "start_on": today(),
    }
    return reverse("governance:committee_members", args=[s.committee["own"].pk]), data


def membership_for_school(s, c, side):
    return CommitteeMembership.objects.filter(committee=s.committee["own"], school=s.school[side]).count()


def own_member(s):
    own_committee_with_school(s)
    MembershipFactory(committee=s.committee["own"], person=s.person["own"])
    return {}


def interest(s, c, side):
    data = {"action": "interest", "person": s.person[side].pk, "description": "Trustee", "declared_on": today()}
    return reverse("governance:committee_members", args=[s.committee["own"].pk]), data


def interest_of(s, c, side):
    return InterestEntry.objects.filter(person=s.person[side]).count()


def meeting_host(s, c, side):
    data = {"date": today(20), "start_time": "16:00", "place": Meeting.Place.SCHOOL, "host_school": s.school[side].pk}
    return reverse("governance:meeting_create", args=[s.committee["own"].pk]), data


def meeting_at(s, c, side):
    return Meeting.objects.filter(committee=s.committee["own"], host_school=s.school[side]).count()


def contribution_round(s, c, side, field):
    data = {
        "name": f"Round {field} {side}",
        "funding_year": s.year["own"].pk,
        "formula": s.formula["own"].pk,
        "census_date": today(-30),
        "members_on": today(),
    }
    data[field] = getattr(s, field)[side].pk
    return reverse("funding:round_list", args=[s.partnership.slug]), data


def round_with(field):
    def linked(s, c, side):
        return ContributionRound.objects.filter(**{field: getattr(s, field)[side]}).count()

    return linked


def grant(s, c, side, field):
    data = {
        "name": f"Grant {field} {side}",
        "kind": Grant._meta.get_field("kind").choices[0][0],
        "funder": "DfE",
        "funding_year": s.year["own"].pk,
        "amount": "100.00",
        "school": s.school["own"].pk,
        "condition": Grant._meta.get_field("condition").default,
        "received_on": today(),
    }
    data[field] = {"school": s.school, "funding_year": s.year}[field][side].pk
    return reverse("funding:grant_list", args=[s.partnership.slug]), data


def grant_with(field):
    def linked(s, c, side):
        target = {"school": s.school, "funding_year": s.year}[field][side]
        return Grant.objects.filter(**{field: target}).count()

    return linked


def spending(s, c, side):
    data = {
        "category": SpendingEntry._meta.get_field("category").choices[0][0],
        "amount": "12.00",
        "spent_on": s.year["own"].start.isoformat(),
        "description": "Supply cover",
        "school": s.school[side].pk,
    }
    return reverse("funding:spending_list", args=[s.year["own"].pk]), data


def spent_for(s, c, side):
    return SpendingEntry.objects.filter(school=s.school[side]).count()


def agreed_pupils(s, c, side):
    data = {"school": s.school[side].pk, "pupils": 999, "applies_from": today()}
    return reverse("funding:pupil_numbers", args=[s.partnership.slug]), data


def agreed_for(s, c, side):
    return AgreedPupilCount.objects.filter(school=s.school[side]).count()


def person_add(s, c, side):
    data = {"first_name": "Eve", "last_name": f"Mallory {side}", "email": "", "kind": Person.Kind.STAFF}
    data["school"] = s.school[side].pk
    return reverse("schools:person_add", args=[s.partnership.slug]), data


def added_person(s, c, side):
    return Person.objects.filter(last_name=f"Mallory {side}", school=s.school[side]).count()


def invitation(s, c, side):
    data = {
        "email": f"new-{side}@example.org",
        "first_name": "Eve",
        "last_name": "Mallory",
        "role": "staff",
        "school": s.school[side].pk,
    }
    return reverse("invitation_list", args=[s.partnership.slug]), data


def invited_to(s, c, side):
    return Invitation.objects.filter(partnership=s.partnership, school=s.school[side]).count()


def person_edit(s, c, side):
    person = s.person["own"]
    data = {"first_name": person.first_name, "last_name": person.last_name, "email": person.email}
    data.update(kind=person.kind, job_role=person.job_role, organisation="", school=s.school[side].pk)
    return reverse("schools:person_edit", args=[person.pk]), data


def person_at(s, c, side):
    return Person.objects.filter(pk=s.person["own"].pk, school=s.school[side]).count()


def own_body(s):
    body = GoverningBody.objects.create(name="Faraway governors")
    s.school["own"].governing_body = body
    s.school["own"].save(update_fields=["governing_body"])
    second = SchoolFactory(name="Nearby Primary School")
    SchoolMembershipFactory(partnership=s.partnership, school=second)
    return {"body": body, "second": second}


def body_schools(s, c, side):
    picked = {"own": c["second"], "winsford": s.school["winsford"]}[side]
    data = {"name": "Faraway governors", "chair": "", "clerk_email": "", "schools": [s.school["own"].pk, picked.pk]}
    return reverse("schools:governing_body_edit", args=[c["body"].pk]), data


def body_governs(s, c, side):
    picked = {"own": c["second"], "winsford": s.school["winsford"]}[side]
    return School.objects.filter(pk=picked.pk, governing_body=c["body"]).count()


def body_chair(s, c, side):
    data = {"name": "Faraway governors", "chair": s.person[side].pk, "clerk_email": "", "schools": [s.school["own"].pk]}
    return reverse("schools:governing_body_edit", args=[c["body"].pk]), data


def chaired_by(s, c, side):
    return GoverningBody.objects.filter(pk=c["body"].pk, chair=s.person[side]).count()


def own_plan(s):
    start = timezone.localdate()
    plan = improvement.create_plan(
        partnership=s.partnership, title="Attacker plan", kind=Plan.Kind.BUSINESS, starts_on=start,
        ends_on=start + datetime.timedelta(days=300), actor=s.world.user("outsider"),
    )  # fmt: skip
    return {"plan": plan}


def priority_lead(s, c, side):
    data = {"title": f"Reading {side}", "lead": s.person[side].pk, "baseline": "70%", "target": "80%"}
    return reverse("improvement:plan_detail", args=[c["plan"].pk]), data


def led_by(s, c, side):
    return Priority.objects.filter(plan=c["plan"], lead=s.person[side]).count()


def support_school(s, c, side):
    data = {"school": s.school[side].pk, "need": f"Phonics for {side}", "specialism": ""}
    return reverse("improvement:support_list", args=[s.partnership.slug]), data


def support_for(s, c, side):
    return SupportRequest.objects.filter(school=s.school[side]).count()


def own_request(s):
    second = SchoolFactory(name="Helper Primary School")
    SchoolMembershipFactory(partnership=s.partnership, school=second)
    lle = Specialism.objects.get_or_create(
        name="Local leader of education", defaults={"kind": "designation", "abbreviation": "LLE"}
    )[0]
    request = improvement.raise_request(
        partnership=s.partnership, school=s.school["own"], need="Coaching", specialism=lle,
        actor=s.world.user("outsider"),
    )  # fmt: skip
    return {
        "request": request,
        "second": second,
        "expertise": {
            "own": Expertise.objects.create(specialism=lle, school=second),
            "winsford": Expertise.objects.create(specialism=lle, school=s.school["winsford"]),
        },
    }


def match(s, c, side):
    return reverse("improvement:request_match", args=[c["request"].pk]), {"expertise": c["expertise"][side].pk}


def matched_with(s, c, side):
    school = {"own": c["second"], "winsford": s.school["winsford"]}[side]
    return SupportRequest.objects.filter(pk=c["request"].pk, provider_school=school).count()


def agree(s, c, side):
    """A fresh matched request each time (the control's agreement closes the first)."""
    coordinator = s.world.user("outsider")
    request = improvement.raise_request(
        partnership=s.partnership, school=s.school["own"], need=f"Maths {side}", actor=coordinator
    )
    improvement.match_request(support_request=request, provider_school=c["second"], actor=coordinator)
    paid_to = {"own": c["second"], "winsford": s.school["winsford"]}[side]
    data = {
        "objectives": "Maths", "baseline": "19/25", "target": "22/25", "days": "4", "cost_per_day": "300.00",
        "starts_on": today(), "ends_on": today(60), "paid_to": paid_to.pk,
    }  # fmt: skip
    return reverse("improvement:request_agree", args=[request.pk]), data


def agreed_paying(s, c, side):
    paid_to = {"own": c["second"], "winsford": s.school["winsford"]}[side]
    return SupportAgreement.objects.filter(paid_to=paid_to).count()


def rubrics(s):
    return {
        "category": {
            "own": ensure_default_rubric(partnership=s.partnership, actor=s.world.user("outsider"))[0],
            "winsford": ensure_default_rubric(partnership=s.world.partnership, actor=s.world.user("coordinator"))[0],
        }
    }


def categorise(s, c, side):
    url = reverse("improvement:school_category", args=[s.partnership.slug, s.school["own"].pk])
    return url, {"category": c["category"][side].pk, "evidence": "Outcomes", "agreed_on": today()}


def categorised_as(s, c, side):
    return Categorisation.objects.filter(school=s.school["own"], category=c["category"][side]).count()


def own_meeting(s):
    own_member(s)
    winsford_member = MembershipFactory(committee=s.committee["winsford"], person=s.person["winsford"])
    meeting = MeetingFactory(committee=s.committee["own"])
    winsford_meeting = MeetingFactory(committee=s.committee["winsford"])
    return {
        "meeting": meeting,
        "item": {"own": AgendaItemFactory(meeting=meeting), "winsford": AgendaItemFactory(meeting=winsford_meeting)},
        "interest": {
            "own": InterestFactory(person=s.person["own"]),
            "winsford": InterestFactory(person=winsford_member.person),
        },
    }


def action(s, c, side, field):
    data = {"new-TOTAL_FORMS": 1, "new-INITIAL_FORMS": 0, "new-0-description": f"Follow up {field} {side}"}
    data.update({"new-0-owner": s.person["own"].pk, "new-0-due_on": today(14), "new-0-item": c["item"]["own"].pk})
    data["new-0-" + field] = {"owner": s.person, "item": c["item"]}[field][side].pk
    return reverse("governance:meeting_actions", args=[c["meeting"].pk]), data


def action_with(field):
    def linked(s, c, side):
        from governance.models import Action

        target = {"owner": s.person, "item": c["item"]}[field][side]
        return Action.objects.filter(**{field: target}).count()

    return linked


def declaration(s, c, side, field):
    data = {"item": c["item"]["own"].pk, "interest": c["interest"]["own"].pk}
    data[field] = c[field][side].pk
    return reverse("governance:meeting_interests", args=[c["meeting"].pk]), data


def declared_with(field):
    def linked(s, c, side):
        from governance.models import InterestDeclaration as Declaration

        target = c[field][side]
        return Declaration.objects.filter(**{field: target}).count()

    return linked


def decisions(s):
    from governance.models import Decision

    def carried(committee):
        committee.kind = Committee.Kind.STRATEGIC
        committee.save(update_fields=["kind"])
        item = AgendaItemFactory(meeting=MeetingFactory(committee=committee))
        return Decision.objects.create(item=item, motion="Approve the business plan", is_carried=True)

    plans = {side: own_plan(s)["plan"] for side in ("own", "winsford")}
    for plan in plans.values():
        improvement.add_priority(
            plan=plan, title="Reading", baseline="70%", target="80%", actor=s.world.user("outsider")
        )
    return {"plans": plans, "decision": {side: carried(s.committee[side]) for side in ("own", "winsford")}}


def approve(s, c, side):
    data = {"decision": c["decision"][side].pk, "approved_on": today(), "minute_ref": "", "meeting": ""}
    return reverse("improvement:plan_approve", args=[c["plans"][side].pk]), data


def approved_by(s, c, side):
    return Plan.objects.filter(approval_decision=c["decision"][side]).count()


def sessions_with_bookings(s):
    from cpd.tests.factories import BookingFactory, SessionFactory

    event = own_event(s)["event"]
    winsford_event = EventFactory(programme=ProgrammeFactory(partnership=s.world.partnership))
    return {
        "session": SessionFactory(event=event),
        "booking": {
            "own": BookingFactory(event=event, person=s.person["own"]),
            "winsford": BookingFactory(event=winsford_event, person=s.person["winsford"]),
        },
    }


def register(s, c, side):
    present = [c["booking"]["own"].pk, c["booking"][side].pk]
    return reverse("cpd:register", args=[c["session"].pk]), {"present": present}


def marked(s, c, side):
    from cpd.models import Attendance

    return Attendance.objects.filter(booking=c["booking"][side], present=True).count()


def second_school(s):
    second = SchoolFactory(name="Second Attacker Primary School")
    SchoolMembershipFactory(partnership=s.partnership, school=second)
    return {"second": second}


def peer_groups(s, c, side):
    start = timezone.localdate()
    review_round = improvement.create_round(
        partnership=s.partnership, name=f"Round {side}", starts_on=start, ends_on=start, actor=s.world.user("outsider")
    )
    data = {f"school-{s.school['own'].pk}": "1", f"school-{c['second'].pk}": "1", f"school-{s.school[side].pk}": "1"}
    return reverse("improvement:round_groups", args=[review_round.pk]), data


def grouped(s, c, side):
    from improvement.models import PeerReviewGroup

    school = {"own": c["second"], "winsford": s.school["winsford"]}[side]
    return PeerReviewGroup.objects.filter(schools=school).count()


def inset_days(s):
    from cpd.models import Event
    from cpd.tests.factories import WorkshopFactory

    s.person["own"].user = s.world.user("attacker_staff")
    s.person["own"].save(update_fields=["user"])

    def inset(partnership):
        programme = ProgrammeFactory(partnership=partnership)
        return EventFactory(programme=programme, kind=Event.Kind.WHOLE_TOWN_INSET, is_booking_open=True)

    event = inset(s.partnership)
    return {
        "event": event,
        "workshop": {
            "own": WorkshopFactory(event=event),
            "winsford": WorkshopFactory(event=inset(s.world.partnership)),
        },
    }


def choose(s, c, side):
    return reverse("cpd:choices", args=[c["event"].pk]), {"rank_1": c["workshop"][side].pk}


def chosen(s, c, side):
    from cpd.models import Choice

    return Choice.objects.filter(workshop=c["workshop"][side]).count()


CASES = {
    "cpd booking: person": ("outsider", own_event, book, booked),
    "cpd session: host school": ("outsider", own_event, session_host, hosted_session),
    "committee: schools": ("outsider", nothing, committee_schools, committee_with_school),
    "committee: parent": ("outsider", nothing, committee_parent, committee_under),
    "committee member: person": ("attacker_clerk", own_committee_with_school, member_person, membership_of_person),
    "committee member: school": ("attacker_clerk", own_committee_with_school, member_school, membership_for_school),
    "register of interests: person": ("attacker_clerk", own_member, interest, interest_of),
    "meeting: host school": ("attacker_clerk", own_committee_with_school, meeting_host, meeting_at),
    "contribution round: funding year": (
        "outsider",
        nothing,
        lambda s, c, side: contribution_round(s, c, side, "year"),
        lambda s, c, side: ContributionRound.objects.filter(funding_year=s.year[side]).count(),
    ),
    "contribution round: formula": (
        "outsider",
        nothing,
        lambda s, c, side: contribution_round(s, c, side, "formula"),
        round_with("formula"),
    ),
    "grant: school": ("outsider", nothing, lambda s, c, side: grant(s, c, side, "school"), grant_with("school")),
    "grant: funding year": (
        "outsider",
        nothing,
        lambda s, c, side: grant(s, c, side, "funding_year"),
        grant_with("funding_year"),
    ),
    "spending: school": ("outsider", nothing, spending, spent_for),
    "agreed pupil count: school": ("outsider", nothing, agreed_pupils, agreed_for),
    "person: school": ("outsider", nothing, person_add, added_person),
    "invitation: school": ("outsider", nothing, invitation, invited_to),
    "booking by the head: person": ("attacker_head", own_event, book, booked),
    "support request by the head: school": ("attacker_head", nothing, support_school, support_for),
    "plan approval: decision": ("outsider", decisions, approve, approved_by),
    "register: booking": ("outsider", sessions_with_bookings, register, marked),
    "peer review groups: school": ("outsider", second_school, peer_groups, grouped),
    "INSET workshop choice: workshop": ("attacker_staff", inset_days, choose, chosen),
    "person edit: school": ("outsider", nothing, person_edit, person_at),
    "governing body: schools": ("outsider", own_body, body_schools, body_governs),
    "governing body: chair": ("outsider", own_body, body_chair, chaired_by),
    "priority: lead": ("outsider", own_plan, priority_lead, led_by),
    "support request: school": ("outsider", nothing, support_school, support_for),
    "support match: expertise": ("outsider", own_request, match, matched_with),
    "support agreement: paid to": ("outsider", own_request, agree, agreed_paying),
    "categorisation: category": ("outsider", rubrics, categorise, categorised_as),
    "action: owner": (
        "attacker_clerk",
        own_meeting,
        lambda s, c, side: action(s, c, side, "owner"),
        action_with("owner"),
    ),
    "action: agenda item": (
        "attacker_clerk",
        own_meeting,
        lambda s, c, side: action(s, c, side, "item"),
        action_with("item"),
    ),
    "declaration: agenda item": (
        "attacker_clerk",
        own_meeting,
        lambda s, c, side: declaration(s, c, side, "item"),
        declared_with("item"),
    ),
    "declaration: interest": (
        "attacker_clerk",
        own_meeting,
        lambda s, c, side: declaration(s, c, side, "interest"),
        declared_with("interest"),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_own_form_refuses_a_winsford_id(case, sides, signed_in):
    role, setup, post, linked = CASES[case]
    context = setup(sides)
    client = signed_in(sides.world.user(role))

    url, data = post(sides, context, "own")
    response = client.post(url, data)
    assert linked(sides, context, "own") == 1, (
        f"control: the form did not take the attacker's own record ({response.status_code})"
    )

    url, data = post(sides, context, "winsford")
    response = client.post(url, data)
    assert response.status_code in REFUSED
    if response.status_code == 200:
        forms = ("form", "formset", "agreement_form", "match_form", "member_form", "interest_form", "approval_form")
        errors = [f.errors for name in forms if (f := response.context.get(name)) and any(f.errors)]
        assert errors, "refused without a form to say why"
        assert "Select a valid choice" in response.content.decode()
    assert linked(sides, context, "winsford") == 0


def test_committee_services_refuse_a_winsford_parent(sides):
    """Behind the form: the services themselves refuse another partnership's committee as parent."""
    from django.core.exceptions import ValidationError

    from governance import services

    outsider = sides.world.user("outsider")
    with pytest.raises(ValidationError, match="parent committee"):
        services.create_committee(
            partnership=sides.partnership, created_by=outsider, name="Sub-board", kind=Committee.Kind.STRATEGIC,
            established_on=timezone.localdate(), quorum_numerator=1, quorum_denominator=2,
            parent=sides.committee["winsford"],
        )  # fmt: skip
    with pytest.raises(ValidationError, match="parent committee"):
        services.update_committee(
            committee=sides.committee["own"], updated_by=outsider, parent=sides.committee["winsford"]
        )
    assert not Committee.objects.filter(parent=sides.committee["winsford"]).exists()
