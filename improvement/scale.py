"""School improvement at scale (`seed_scale`): per partnership four categories and every
member school's categorisation for the year, an approved development plan with priorities
and termly RAG updates, support agreed for the schools that need it (with visits and a
review), a peer review round in groups of three, a closed survey of the heads with their
responses, and news in proportion to the schools."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from partnership.scale import ScaleContext

from .models import (
    Categorisation,
    Category,
    FollowUpAction,
    NewsItem,
    PeerReview,
    PeerReviewGroup,
    PeerReviewRound,
    Plan,
    Priority,
    PriorityUpdate,
    Question,
    SupportAgreement,
    SupportRequest,
    SupportReview,
    SupportVisit,
    Survey,
    SurveyRecipient,
)

CATEGORIES = [
    ("Sustaining", False, 30),
    ("Developing", False, 50),
    ("Needs support", True, 15),
    ("Intensive support", True, 5),
]
PRIORITIES = [
    "Early reading: every child a fluent reader by Year 2",
    "Attendance: persistent absence below the national rate",
    "SEND: consistent ordinarily available provision",
    "Leadership: a shared programme for middle leaders",
]
QUESTIONS = [
    ("How useful was the partnership's work this year?", Question.Kind.RATING, ""),
    ("Which area helped your school most?", Question.Kind.CHOICE, "CPD\nPeer review\nSupport\nNetworks"),
    ("What should the partnership do next year?", Question.Kind.TEXT, ""),
]
GROUP_SIZE = 3
MOST_NEWS = 20


class _Ids:
    """Reserved ids per model, handed out in order."""

    def __init__(self, context, sizes: dict):
        self._ids = {model: iter(context.reserve_ids(model, size)) for model, size in sizes.items()}

    def __call__(self, model) -> int:
        return next(self._ids[model])


def seed(context: ScaleContext) -> None:
    rng = context.rng
    today = context.today
    year = context.current_year
    partnerships = [p for p in context.partnership_ids if context.schools_of.get(p)]
    n, schools = len(partnerships), 2 * len(context.school_ids)
    ids = _Ids(
        context,
        {
            Category: 4 * n,
            Categorisation: schools,
            Plan: n,
            Priority: 4 * n,
            PriorityUpdate: 12 * n,
            SupportRequest: schools,
            SupportAgreement: schools,
            SupportVisit: 2 * schools,
            SupportReview: schools,
            PeerReviewRound: n,
            PeerReviewGroup: schools,
            PeerReview: schools,
            FollowUpAction: schools,
            Survey: n,
            Question: 3 * n,
            SurveyRecipient: schools,
            NewsItem: MOST_NEWS * n,
            PeerReviewGroup.schools.through: schools,
            PeerReview.reviewers.through: 2 * schools,
        },
    )
    rows: dict = {}

    def add(model, **row):
        pk = row.pop("id", None) or ids(model)
        rows.setdefault(model, []).append({"id": pk, **row})
        return pk

    year_start, year_end = date(year, 9, 1), date(year + 1, 8, 31)
    for partnership in partnerships:
        mine = context.schools_of[partnership]
        users = context.users_of[partnership]
        coordinator = users["coordinator"]
        heads = {s: context.people_of_school[s][0] for s in mine if context.people_of_school.get(s)}

        categories = [
            (add(Category, partnership_id=partnership, name=name, rank=rank, needs_support=support), weight)
            for rank, (name, support, weight) in enumerate(CATEGORIES, start=1)
        ]
        needing = []
        for school in mine:
            category, _ = rng.choices(categories, [w for _, w in categories])[0]
            add(
                Categorisation,
                partnership_id=partnership,
                school_id=school,
                academic_year=year,
                category_id=category,
                evidence="Agreed at the autumn categorisation meeting from the school's own evaluation and data.",
                agreed_on=date(year, 10, 15),
                recorded_by_id=coordinator,
            )
            if category in (categories[2][0], categories[3][0]):
                needing.append(school)

        plan = add(
            Plan,
            partnership_id=partnership,
            title=f"Partnership development plan {year}/{str(year + 1)[2:]}",
            kind=Plan.Kind.DEVELOPMENT,
            starts_on=year_start,
            ends_on=year_end,
            summary="Four priorities agreed by the strategic board.",
            approved_on=year_start + timedelta(days=20),
            approved_by_id=coordinator,
            approval_minute_ref="SB/1",
        )
        reviews_on = [d for d in (date(year, 10, 20), date(year + 1, 2, 9), date(year + 1, 5, 25)) if d <= today]
        for position, title in enumerate(PRIORITIES):
            priority = add(
                Priority,
                plan_id=plan,
                title=title,
                lead_id=rng.choice(list(heads.values())) if heads else None,
                baseline="Where the schools' latest published data put us.",
                target="Above the national figure by the end of the plan.",
                position=position,
            )
            for day in reviews_on:
                add(
                    PriorityUpdate,
                    priority_id=priority,
                    reviewed_on=day,
                    rag=rng.choices(["green", "amber", "red"], [60, 30, 10])[0],
                    commentary="Progress reviewed against the milestones.",
                    recorded_by_id=coordinator,
                )

        for school in needing:
            providers = [s for s in mine if s != school and s not in needing]
            if not providers:
                continue
            provider = rng.choice(providers)
            raised = timezone.make_aware(datetime.combine(date(year, 10, 20), time(9)))
            request = add(
                SupportRequest,
                partnership_id=partnership,
                school_id=school,
                need="Support to improve early reading after a dip in the phonics check.",
                status=SupportRequest.Status.AGREED,
                raised_by_id=coordinator,
                raised_at=raised,
                provider_school_id=provider,
                provider_person_id=heads.get(provider),
                matched_at=raised + timedelta(days=5),
            )
            starts = date(year, 11, 3)
            agreement = add(
                SupportAgreement,
                request_id=request,
                partnership_id=partnership,
                receiving_school_id=school,
                supporting_school_id=provider,
                paid_to_id=provider,
                supporting_leader_id=heads.get(provider),
                objectives="Coach the reading lead; model phonics teaching; review progress each half-term.",
                baseline="62% met the phonics check standard.",
                target="80% meet the standard next summer.",
                days=Decimal("6.0"),
                cost_per_day=Decimal("350.00"),
                starts_on=starts,
                ends_on=date(year + 1, 7, 17),
                agreed_by_id=coordinator,
                agreed_at=raised + timedelta(days=10),
            )
            for visit in (starts + timedelta(days=7), starts + timedelta(days=35)):
                if visit <= today:
                    add(
                        SupportVisit,
                        agreement_id=agreement,
                        visited_on=visit,
                        notes="Observed phonics lessons and planned next steps.",
                        logged_by_id=coordinator,
                    )
            if starts + timedelta(days=42) <= today:
                add(
                    SupportReview,
                    agreement_id=agreement,
                    reviewed_on=starts + timedelta(days=42),
                    rag="green",
                    impact="Teaching is more consistent; early assessments are up.",
                    recorded_by_id=coordinator,
                )

        peer_round = add(
            PeerReviewRound,
            partnership_id=partnership,
            name=f"Peer review {year}/{str(year + 1)[2:]}",
            starts_on=date(year, 9, 15),
            ends_on=date(year + 1, 3, 31),
            focus="Reading across the curriculum",
        )
        shuffled = list(mine)
        rng.shuffle(shuffled)
        for g in range(0, len(shuffled) - GROUP_SIZE + 1, GROUP_SIZE):
            members = shuffled[g : g + GROUP_SIZE]
            group = add(PeerReviewGroup, round_id=peer_round, name=f"Group {g // GROUP_SIZE + 1}")
            for school in members:
                add(PeerReviewGroup.schools.through, peerreviewgroup_id=group, school_id=school)
            for i, school in enumerate(members):
                visit = date(year, 10, 1) + timedelta(weeks=3 * i)
                reported = visit + timedelta(days=14) if visit + timedelta(days=14) <= today else None
                review = add(
                    PeerReview,
                    group_id=group,
                    school_id=school,
                    reviewer_names="Two headteachers from the group",
                    focus="Reading across the curriculum",
                    starts_on=visit,
                    ends_on=visit,
                    strengths="A shared love of reading is visible in every class." if reported else "",
                    areas_for_development="Vocabulary teaching in the foundation subjects." if reported else "",
                    reported_on=reported,
                    is_shared=bool(reported),
                )
                for other in members:
                    if other != school:
                        add(PeerReview.reviewers.through, peerreview_id=review, school_id=other)
                if reported:
                    add(
                        FollowUpAction,
                        review_id=review,
                        description="Plan vocabulary teaching in history and geography.",
                        owner="Curriculum lead",
                        due_on=reported + timedelta(weeks=8),
                    )

        sent = timezone.make_aware(datetime.combine(date(year, 9, 10), time(9)))
        closes = date(year, 10, 10)
        survey = add(
            Survey,
            partnership_id=partnership,
            title="Headteachers' survey",
            introduction="Five minutes on the partnership's work.",
            audiences=[Survey.Audience.HEADS],
            status=Survey.Status.CLOSED if closes < today else Survey.Status.OPEN,
            closes_on=closes,
            created_by_id=coordinator,
            created_at=sent - timedelta(days=2),
            sent_at=sent,
        )
        questions = [
            add(Question, survey_id=survey, text=text, kind=kind, choices=choices, position=position)
            for position, (text, kind, choices) in enumerate(QUESTIONS)
        ]
        for school, person in heads.items():
            responded = rng.random() < 0.7
            recipient = ids(SurveyRecipient)
            add(
                SurveyRecipient,
                id=recipient,
                survey_id=survey,
                school_id=school,
                person_id=person,
                name=f"Headteacher of school {school}",
                email=f"head.{school}.{person}@schools.test",
                audience=Survey.Audience.HEADS,
                token=f"scale{recipient:012d}{rng.getrandbits(96):024x}",
                sent_at=sent,
                responded_at=sent + timedelta(days=rng.randint(1, 20)) if responded else None,
                answers={
                    str(questions[0]): rng.choices([5, 4, 3, 2, 1], [35, 40, 15, 7, 3])[0],
                    str(questions[1]): rng.choice(QUESTIONS[1][2].splitlines()),
                    str(questions[2]): "More joint work on writing.",
                }
                if responded
                else {},
            )

        for i in range(min(MOST_NEWS, 1 + len(mine) // 5)):
            published = timezone.make_aware(datetime.combine(today - timedelta(days=7 * i + 1), time(8)))
            add(
                NewsItem,
                partnership_id=partnership,
                kind=NewsItem.Kind.ANNOUNCEMENT if i % 4 == 0 else NewsItem.Kind.NEWS,
                title=f"Partnership news, week of {published:%-d %B %Y}",
                body="Dates for the next network meetings, and thanks to the schools hosting them.",
                published_at=published,
                author_id=coordinator,
            )
    for model, its_rows in rows.items():
        context.bulk_insert(model, its_rows)


def latest_plan(target) -> list:
    """Bench page arguments: the partnership's latest plan."""
    return [
        Plan.objects.filter(partnership=target.partnership)
        .order_by("-starts_on", "-pk")
        .values_list("pk", flat=True)
        .first()
    ]


def latest_survey(target) -> list:
    """Bench page arguments: the partnership's latest survey (one recipient per head)."""
    return [Survey.objects.filter(partnership=target.partnership).order_by("-pk").values_list("pk", flat=True).first()]
