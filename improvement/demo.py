"""Winsford demo data for school improvement: a plan with reviewed priorities, the
categorisation of the fifteen schools, school-to-school support, a peer review round in
triads, the impact survey with some answers, and news."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from schools.models import Expertise, Person, School

from . import services
from .models import Plan, Survey, SurveyRecipient
from .services.categories import ensure_default_rubric
from .services.surveys import people_for
from .views._common import academic_year_of

# Category rank (1 = can lead support) per school, by name; the rest are "self-improving".
CATEGORIES = {
    "Hebden Green Community School": 1,
    "Grange Primary School": 1,
    "Wharton CofE Junior School": 1,
    "Willow Wood Community Primary School": 1,
    "Over Hall Community Primary School": 4,
    "Darnhall Primary School": 3,
    "Oaklands School": 3,
}
EVIDENCE = {
    1: "Outcomes above national at KS2 for three years; leaders already support other schools.",
    2: "Secure outcomes; the school's self-evaluation is accurate and its plan on track.",
    3: "Reading at KS1 below the partnership average; new middle leaders need coaching.",
    4: "New headteacher; phonics screening 58% against 79% nationally; governors asked for help.",
}


def seed(partnership, accounts):
    if Plan.objects.filter(partnership=partnership).exists():
        return
    coordinator = accounts["coordinator"]
    today = timezone.localdate()
    year = academic_year_of(today)
    schools = {s.name: s for s in School.objects.in_partnership(partnership)}
    if not schools:
        return
    people = {p.full_name: p for p in Person.objects.in_partnership(partnership)}

    # The plan, approved last summer, with reviewed priorities.
    plan = services.create_plan(
        partnership=partnership,
        title=f"Winsford development plan {year}–{year + 2}",
        kind=Plan.Kind.DEVELOPMENT,
        starts_on=today.replace(year=year, month=9, day=1),
        ends_on=today.replace(year=year + 2, month=8, day=31),
        summary="Three priorities agreed by the fifteen heads at the summer strategy day.",
        actor=coordinator,
    )
    priorities = [
        (
            "Early reading across the town",
            "David Pryce",
            "Phonics screening 72% (town average)",
            "82% by summer 2028",
            "Phonics screening check; KS1 reading",
            "Autumn: audit phonics schemes\nSpring: joint training\nSummer: moderation",
        ),
        (
            "Inclusion: a shared directory and SENCO network",
            "Nadia Shah",
            "No shared SEN offer",
            "Directory used by all 15 schools",
            "Referrals made through the directory",
            "Autumn: publish directory\nSummer: review with SENCOs",
        ),
        (
            "Transition from primary to high school",
            "Gareth Evans",
            "Year 7 attendance 92.1%",
            "Year 7 attendance 94.5%",
            "Attendance in the first half term of Year 7",
            "Spring: shared transition passport\nSummer: taster days",
        ),
    ]
    for title, lead, baseline, target, measures, milestones in priorities:
        priority = services.add_priority(
            plan=plan,
            title=title,
            lead=people.get(lead),
            baseline=baseline,
            target=target,
            measures=measures,
            milestones=milestones,
            actor=coordinator,
        )
        services.record_priority_update(
            priority=priority,
            reviewed_on=today - timedelta(days=60),
            rag="amber",
            commentary="Started; leads named and first meetings held.",
            actor=coordinator,
        )
        services.record_priority_update(
            priority=priority,
            reviewed_on=today - timedelta(days=10),
            rag="green" if "reading" in title or "Inclusion" in title else "red",
            commentary="On track against the autumn milestone."
            if "Transition" not in title
            else "The high school's new timetable delayed the transition work.",
            actor=coordinator,
        )
    services.approve_plan(
        plan=plan,
        approved_on=today - timedelta(days=70),
        minute_ref="STR/24/07",
        meeting="Strategic committee, summer meeting",
        actor=coordinator,
    )
    business = services.create_plan(
        partnership=partnership,
        title="Business plan for the whole-town trust",
        kind=Plan.Kind.BUSINESS,
        starts_on=today.replace(year=year + 1, month=4, day=1),
        ends_on=today.replace(year=year + 2, month=3, day=31),
        summary="Costs of setting up the trust; approval releases the start-up funding.",
        actor=coordinator,
    )
    services.add_priority(
        plan=business,
        title="Shared business management",
        lead=None,
        baseline="15 separate contracts",
        target="One shared service for all schools",
        actor=coordinator,
    )

    # Categorisation for this year.
    categories = {c.rank: c for c in ensure_default_rubric(partnership=partnership, actor=coordinator)}
    for name, school in schools.items():
        rank = CATEGORIES.get(name, 2)
        services.categorise_school(
            partnership=partnership,
            school=school,
            academic_year=year,
            category=categories[rank],
            evidence=EVIDENCE[rank],
            agreed_on=today.replace(year=year, month=9, day=20),
            actor=coordinator,
        )

    # School-to-school support: one active, one closed (its cost is in funding), one raised.
    over_hall, grange = schools.get("Over Hall Community Primary School"), schools.get("Grange Primary School")
    lle = Expertise.objects.filter(person__school=grange).select_related("person").first() if grange else None
    if over_hall and grange:
        request = services.raise_request(
            partnership=partnership,
            school=over_hall,
            need="Leadership coaching for a new head and a phonics action plan.",
            specialism=lle.specialism if lle else None,
            actor=coordinator,
        )
        services.match_request(
            support_request=request,
            provider_school=grange,
            provider_person=lle.person if lle else None,
            actor=coordinator,
        )
        agreement = services.agree_support(
            support_request=request,
            objectives="Coach the head; write and lead a phonics action plan.",
            baseline="Phonics screening 58%",
            target="Phonics screening 75% by July",
            days=Decimal("10"),
            cost_per_day=Decimal("350.00"),
            starts_on=today - timedelta(days=45),
            ends_on=today + timedelta(days=200),
            actor=coordinator,
        )
        for days_ago, notes in (
            (40, "Learning walk with the head; agreed the phonics audit."),
            (20, "Phonics audit fed back to staff; action plan drafted."),
        ):
            services.log_visit(
                agreement=agreement,
                visited_on=today - timedelta(days=days_ago),
                days_used=Decimal("1"),
                notes=notes,
                actor=coordinator,
            )
        services.record_review(
            agreement=agreement,
            reviewed_on=today - timedelta(days=15),
            rag="amber",
            impact="Autumn phonics check 63%, up from 58%; target 75%.",
            actor=coordinator,
        )
    wharton, darnhall = schools.get("Wharton CofE Junior School"), schools.get("Darnhall Primary School")
    if wharton and darnhall:
        request = services.raise_request(
            partnership=partnership, school=darnhall, need="Maths mastery in Years 3 and 4.", actor=coordinator
        )
        services.match_request(support_request=request, provider_school=wharton, actor=coordinator)
        agreement = services.agree_support(
            support_request=request,
            objectives="Mastery teaching in Years 3 and 4.",
            baseline="Year 4 multiplication check 19/25",
            target="Year 4 multiplication check 22/25",
            days=Decimal("4"),
            # Wharton gave its time in exchange for Darnhall's nurture-group training (a
            # barter between schools), so closing it files no cost; Over Hall's support is paid.
            cost_per_day=Decimal("0.00"),
            starts_on=today - timedelta(days=80),
            ends_on=today - timedelta(days=12),
            actor=coordinator,
        )
        services.record_review(
            agreement=agreement,
            reviewed_on=today - timedelta(days=30),
            rag="green",
            impact="Mock check average 21/25.",
            actor=coordinator,
        )
        services.close_agreement(
            agreement=agreement,
            closed_on=today - timedelta(days=10),
            target_met="met",
            evaluation="Teachers now plan small steps together; the mock check average rose to 22.4/25.",
            actor=accounts.get("head") or coordinator,
        )
    oaklands = schools.get("Oaklands School")
    if oaklands:
        services.raise_request(
            partnership=partnership,
            school=oaklands,
            need="Attendance strategy for persistent absence.",
            actor=coordinator,
        )

    # Peer review: last year's round and this year's round of triads.
    member_list = sorted(schools.values(), key=lambda s: s.name)
    previous = services.create_round(
        partnership=partnership,
        name=f"Peer review {year - 1}/{year % 100:02d}",
        starts_on=today.replace(year=year, month=2, day=1),
        ends_on=today.replace(year=year, month=3, day=15),
        focus="General review",
        actor=coordinator,
    )
    services.form_groups(
        review_round=previous, groups=[member_list[i : i + 3] for i in range(0, 15, 3)], actor=coordinator
    )
    current = services.create_round(
        partnership=partnership,
        name=f"Peer review {year}/{(year + 1) % 100:02d}",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=30),
        focus="Reading in Key Stage 1",
        actor=coordinator,
    )
    from .services.peer import last_round_pairs

    suggested = services.suggest_groups(school_ids=[s.pk for s in member_list], avoid=last_round_pairs(current))
    by_id = {s.pk: s for s in member_list}
    groups = services.form_groups(
        review_round=current, groups=[[by_id[i] for i in group] for group in suggested], actor=coordinator
    )
    for review in groups[0].reviews.all()[:2]:
        services.record_review_report(
            review=review,
            focus="Reading in Key Stage 1",
            reviewer_names="Two visiting headteachers",
            starts_on=today - timedelta(days=20),
            ends_on=today - timedelta(days=19),
            strengths="Consistent phonics teaching; pupils read books matched to their phonics.",
            areas_for_development="Catch-up for the lowest 20% of readers; reading for pleasure in Year 2.",
            actor=coordinator,
        )
        services.add_follow_up(
            review=review,
            description="Plan daily catch-up sessions for the lowest 20%",
            owner="English lead",
            due_on=today + timedelta(days=40),
            actor=coordinator,
        )

    # The impact survey, sent to heads and governors, with some answers.
    for person in Person.objects.filter(school__in=member_list, job_role="Headteacher", email=""):
        Person.objects.filter(pk=person.pk).update(
            email=f"head.{person.last_name.lower().replace(' ', '')}{person.school_id}@winsford.example.org"
        )
    survey = services.create_survey(partnership=partnership, template="impact", actor=coordinator)
    now = timezone.now()
    SurveyRecipient.objects.bulk_create(
        SurveyRecipient(
            survey=survey, school=school, person=person, name=name, email=email, audience=audience, sent_at=now
        )
        for school, person, name, email, audience in people_for(partnership, ["heads", "governors"])
    )
    Survey.objects.filter(pk=survey.pk).update(
        status=Survey.Status.OPEN, audiences=["heads", "governors"], sent_at=now, closes_on=today + timedelta(days=14)
    )
    survey.refresh_from_db()
    questions = list(survey.questions.all())
    choices = [q.choice_list for q in questions]
    for index, recipient in enumerate(survey.recipients.filter(audience="heads").order_by("pk")[:9]):
        answers = {
            str(questions[0].pk): 3 + index % 3,
            str(questions[1].pk): choices[1][index % 3],
            str(questions[2].pk): choices[2][0 if index % 4 else 3],
            str(questions[3].pk): f"About £{1200 + index * 150:,} on CPD we would otherwise have bought alone.",
        }
        services.submit_response(recipient=recipient, answers=answers)

    # News.
    for kind, title, body in (
        (
            "announcement",
            "Spring conference: booking open",
            "The termly conference is on the first Friday after half term at "
            "the Winsford Lifestyle Centre. Heads and one middle leader from each school.",
        ),
        (
            "news",
            "Inclusion directory published",
            "The first edition of the shared inclusion directory is now in the "
            "portal under Expertise: resource bases, nurture groups and outreach from all fifteen schools.",
        ),
        (
            "news",
            "Autumn newsletter",
            "Peer review triads for this year are formed; thank you to the heads who reviewed "
            "last year. The impact survey is open until the end of the month.",
        ),
    ):
        services.post_news(partnership=partnership, kind=kind, title=title, body=body, actor=coordinator)
