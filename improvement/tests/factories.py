"""Improvement objects for tests, made through the services so they are what a user makes."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from funding.models import FundingYear
from improvement import services
from improvement.models import Plan, Question
from improvement.services.categories import ensure_default_rubric
from improvement.views._common import academic_year_of
from schools.models import Expertise, Person, Specialism


def funding_year_covering_today(partnership) -> FundingYear:
    today = timezone.localdate()
    start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    year, _ = FundingYear.objects.get_or_create(
        partnership=partnership,
        start=start,
        defaults={"label": f"{start.year}/{(start.year + 1) % 100:02d}", "end": date(start.year + 1, 3, 31)},
    )
    return year


@dataclass
class Improvement:
    plan: object
    priority: object
    categories: dict
    raised: object  # a request from world.school, not yet matched
    matched: object  # a request from world.school, matched with world.other_school
    agreement: object  # other_school supporting world.school
    expertise: object  # other_school's head offers LLE
    round: object  # a round with a group of the two schools
    empty_round: object  # a round with no groups yet
    review: object  # of world.school
    other_review: object  # of world.other_school
    action: object
    draft_survey: object
    open_survey: object
    recipient: object
    news: object


def build_improvement(world) -> Improvement:
    p, coordinator = world.partnership, world.user("coordinator")
    today = timezone.localdate()
    funding_year_covering_today(p)
    plan = services.create_plan(
        partnership=p,
        title="Winsford business plan",
        kind=Plan.Kind.BUSINESS,
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=300),
        actor=coordinator,
    )
    priority = services.add_priority(plan=plan, title="Early reading", baseline="72%", target="82%", actor=coordinator)
    categories = {c.rank: c for c in ensure_default_rubric(partnership=p, actor=coordinator)}
    year = academic_year_of(today)
    services.categorise_school(
        partnership=p,
        school=world.school,
        academic_year=year,
        category=categories[4],
        evidence="Phonics 58%",
        agreed_on=today,
        actor=coordinator,
    )
    services.categorise_school(
        partnership=p,
        school=world.other_school,
        academic_year=year,
        category=categories[1],
        evidence="Strong outcomes",
        agreed_on=today,
        actor=coordinator,
    )
    lle = Specialism.objects.get_or_create(
        name="Local leader of education", defaults={"kind": "designation", "abbreviation": "LLE"}
    )[0]
    leader = Person.objects.create(
        first_name="David", last_name="Pryce", school=world.other_school, email="dp@example.org"
    )
    expertise = Expertise.objects.create(specialism=lle, person=leader)
    raised = services.raise_request(
        partnership=p, school=world.school, need="Leadership coaching", specialism=lle, actor=coordinator
    )
    matched = services.raise_request(
        partnership=p, school=world.school, need="Phonics", specialism=lle, actor=coordinator
    )
    services.match_request(
        support_request=matched, provider_school=world.other_school, provider_person=leader, actor=coordinator
    )
    agreed = services.raise_request(partnership=p, school=world.school, need="Maths", actor=coordinator)
    services.match_request(support_request=agreed, provider_school=world.other_school, actor=coordinator)
    agreement = services.agree_support(
        support_request=agreed,
        objectives="Mastery in Year 4",
        baseline="19/25",
        target="22/25",
        days=Decimal("4"),
        cost_per_day=Decimal("325.50"),
        starts_on=today - timedelta(days=20),
        ends_on=today + timedelta(days=40),
        actor=coordinator,
    )
    review_round = services.create_round(
        partnership=p, name="Round one", starts_on=today - timedelta(days=10), ends_on=today, actor=coordinator
    )
    services.form_groups(review_round=review_round, groups=[[world.school, world.other_school]], actor=coordinator)
    review = review_round.groups.get().reviews.get(school=world.school)
    other_review = review_round.groups.get().reviews.get(school=world.other_school)
    action = services.add_follow_up(
        review=review, description="Catch-up sessions", owner="English lead", due_on=today, actor=coordinator
    )
    empty_round = services.create_round(
        partnership=p,
        name="Round two",
        starts_on=today + timedelta(days=10),
        ends_on=today + timedelta(days=40),
        actor=coordinator,
    )
    draft = services.create_survey(partnership=p, title="Draft survey", actor=coordinator)
    services.add_question(survey=draft, kind=Question.Kind.RATING, text="How useful?", actor=coordinator)
    open_survey = services.create_survey(partnership=p, template="impact", actor=coordinator)
    services.send_survey(survey=open_survey, audiences=["heads"], closes_on=None, actor=coordinator)
    open_survey.refresh_from_db()
    recipient = open_survey.recipients.order_by("pk").first()
    news = services.post_news(partnership=p, title="Conference", body="Spring conference", actor=coordinator)
    return Improvement(
        plan=plan,
        priority=priority,
        categories=categories,
        raised=raised,
        matched=matched,
        agreement=agreement,
        expertise=expertise,
        round=review_round,
        empty_round=empty_round,
        review=review,
        other_review=other_review,
        action=action,
        draft_survey=draft,
        open_survey=open_survey,
        recipient=recipient,
        news=news,
    )
