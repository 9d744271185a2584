"""Pages and the report section keep a fixed number of queries however many schools there are."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from improvement import services
from improvement.models import SurveyRecipient
from improvement.report import improvement_section
from improvement.views._common import academic_year_of
from schools.tests.factories import MembershipFactory, SchoolFactory


def add_schools(world, improvement, count):
    """More member schools, each categorised, asking for and getting support, surveyed and reviewed."""
    coordinator, p, today = world.user("coordinator"), world.partnership, timezone.localdate()
    schools = []
    for _ in range(count):
        school = SchoolFactory()
        MembershipFactory(partnership=p, school=school)
        services.categorise_school(
            partnership=p,
            school=school,
            academic_year=academic_year_of(today),
            category=improvement.categories[4],
            evidence="e",
            agreed_on=today,
            actor=coordinator,
        )
        request = services.raise_request(partnership=p, school=school, need="n", actor=coordinator)
        services.match_request(support_request=request, provider_school=world.other_school, actor=coordinator)
        services.agree_support(
            support_request=request,
            objectives="o",
            baseline="b",
            target="t",
            days=Decimal("1"),
            cost_per_day=Decimal("100.00"),
            starts_on=today,
            ends_on=today + timedelta(days=3),
            actor=coordinator,
        )
        recipient = SurveyRecipient.objects.create(
            survey=improvement.open_survey, school=school, name="n", email=f"{school.urn}@example.org", audience="heads"
        )
        SurveyRecipient.objects.filter(pk=recipient.pk).update(
            responded_at=timezone.now(), answers={str(improvement.open_survey.questions.first().pk): 4}
        )
        services.add_priority(
            plan=improvement.plan, title=f"Priority {school.urn}", baseline="b", target="t", actor=None
        )
        schools.append(school)
    review_round = services.create_round(partnership=p, name="More", starts_on=today, ends_on=today, actor=None)
    services.form_groups(review_round=review_round, groups=[schools], actor=None)
    for review in review_round.groups.get().reviews.all():
        services.record_review_report(
            review=review,
            focus="f",
            reviewer_names="r",
            starts_on=today,
            ends_on=today,
            strengths="s",
            areas_for_development="a",
            actor=None,
        )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


PAGES = [
    ("improvement:categorisation_list", "slug"),
    ("improvement:support_list", "slug"),
    ("improvement:plan_list", "slug"),
    ("improvement:plan_detail", "plan"),
    ("improvement:round_list", "slug"),
    ("improvement:survey_list", "slug"),
    ("improvement:survey_detail", "open_survey"),
    ("improvement:survey_csv", "open_survey"),
    ("partnership_dashboard", "slug"),
]


@pytest.mark.parametrize("url_name, arg", PAGES)
def test_page_queries_do_not_grow_with_schools(client, world, improvement, url_name, arg):
    url = reverse(url_name, args=[world.partnership.slug if arg == "slug" else getattr(improvement, arg).pk])
    client.force_login(world.user("coordinator"))
    _queries(client, url)  # warm caches (sessions, content types)
    before = _queries(client, url)
    add_schools(world, improvement, 4)
    after = _queries(client, url)
    assert after == before, f"{url_name}: {before} queries with 2 schools, {after} with 6"


def test_the_round_page_with_suggested_triads_keeps_its_query_count(client, world, improvement):
    url = reverse("improvement:round_detail", args=[improvement.empty_round.pk])
    client.force_login(world.user("coordinator"))
    _queries(client, url)
    before = _queries(client, url)
    add_schools(world, improvement, 4)
    assert _queries(client, url) == before


def test_the_report_section_keeps_its_query_count(world, improvement):
    term = world.term_holding_today()
    with CaptureQueriesContext(connection) as context:
        improvement_section(world.partnership, term)
    before = len(context)
    add_schools(world, improvement, 4)
    with CaptureQueriesContext(connection) as context:
        data = improvement_section(world.partnership, term)
    # priorities, updates, agreements, reviews, actions, surveys, rates, questions, answers
    assert len(context) == before == 9
    assert data["support_counts"]["opened"] == 5
