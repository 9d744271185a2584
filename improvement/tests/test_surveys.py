"""A survey sent to the 15 Winsford schools: personal links, live response rates, CSV."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from improvement import services
from improvement.models import Survey, SurveyRecipient
from improvement.tasks import send_survey_reminders
from schools import demo as schools_demo


@pytest.fixture
def winsford(world):
    """The fifteen demo schools, each with a chair of governors who has an e-mail address."""
    schools_demo.seed(world.partnership, {})
    return world


def _send_impact_survey(world, django_capture_on_commit_callbacks):
    coordinator = world.user("coordinator")
    survey = services.create_survey(partnership=world.partnership, template="impact", actor=coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        count = services.send_survey(survey=survey, audiences=["governors"], closes_on=None, actor=coordinator)
    return survey, count


def test_a_survey_sent_to_the_15_schools_collects_answers_through_personal_links_and_exports_csv(
    client, winsford, django_capture_on_commit_callbacks
):
    world = winsford
    survey, count = _send_impact_survey(world, django_capture_on_commit_callbacks)
    assert count == 15 and len(mail.outbox) == 15
    assert len({m.to[0] for m in mail.outbox}) == 15
    links = [re.search(r"http\S+/survey/\S+/", m.body).group(0) for m in mail.outbox]
    questions = list(survey.questions.all())

    client.logout()  # the links work without signing in
    for n, link in enumerate(links[:10]):
        assert link.startswith(settings.SITE_URL)
        path = link.removeprefix(settings.SITE_URL)
        page = client.get(path)
        assert page.status_code == 200 and "Partnership impact survey" in page.content.decode()
        answers = {
            f"q{questions[0].pk}": str(1 + n % 5),
            f"q{questions[1].pk}": questions[1].choice_list[n % 2],
            f"q{questions[2].pk}": questions[2].choice_list[0],
            f"q{questions[3].pk}": '=HYPERLINK("http://x")' if n == 0 else f"About £{n}00 saved on CPD",
        }
        assert client.post(path, answers).status_code == 302
        assert "your answers were received" in client.get(path).content.decode()

    client.force_login(world.user("coordinator"))
    page = client.get(reverse("improvement:survey_detail", args=[survey.pk])).content.decode()
    assert "10 of 15" in page and "(67%)" in page
    rates = client.get(reverse("improvement:survey_rates", args=[survey.pk]), headers={"HX-Request": "true"}).context[
        "rates"
    ]
    assert len(rates["schools"]) == 15 and sum(r["responded"] for r in rates["schools"]) == 10

    response = client.get(reverse("improvement:survey_csv", args=[survey.pk]))
    body = response.content.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv") and body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == ["Responded at", "School", "Group"] + [q.text for q in questions]
    assert len(rows) == 11 and all(len(row) == 3 + len(questions) for row in rows)
    assert {row[2] for row in rows[1:]} == {"Governors"}
    assert "'=HYPERLINK" in body  # a formula is kept as text, never run by the spreadsheet
    assert "About £900 saved on CPD" in body


def test_an_answer_is_required_and_a_second_submission_changes_nothing(
    client, winsford, django_capture_on_commit_callbacks
):
    survey, _ = _send_impact_survey(winsford, django_capture_on_commit_callbacks)
    recipient = survey.recipients.first()
    url = reverse("improvement:survey_respond", args=[recipient.token])
    response = client.post(url, {})
    assert "Answer this question." in response.content.decode()
    recipient.refresh_from_db()
    assert recipient.responded_at is None
    q = list(survey.questions.all())
    good = {f"q{q[0].pk}": "4", f"q{q[1].pk}": q[1].choice_list[0], f"q{q[2].pk}": q[2].choice_list[1]}
    client.post(url, good)
    client.post(url, {**good, f"q{q[0].pk}": "1"})
    recipient.refresh_from_db()
    assert recipient.answers[str(q[0].pk)] == 4


def test_an_unknown_link_is_404(client, db):
    assert client.get(reverse("improvement:survey_respond", args=["not-a-token"])).status_code == 404


def test_reminders_go_once_every_few_days_to_people_who_have_not_answered(winsford, django_capture_on_commit_callbacks):
    survey, _ = _send_impact_survey(winsford, django_capture_on_commit_callbacks)
    answered = survey.recipients.first()
    SurveyRecipient.objects.filter(pk=answered.pk).update(responded_at=timezone.now())
    mail.outbox.clear()
    assert send_survey_reminders() == 0  # too soon
    SurveyRecipient.objects.update(sent_at=timezone.now() - timedelta(days=4))
    assert send_survey_reminders() == 14
    assert all(m.subject.startswith("Reminder: ") for m in mail.outbox)
    assert answered.email not in {m.to[0] for m in mail.outbox}
    assert send_survey_reminders() == 0  # not again the same day


def test_a_survey_past_its_closing_date_closes_and_refuses_answers(
    client, winsford, django_capture_on_commit_callbacks
):
    survey, _ = _send_impact_survey(winsford, django_capture_on_commit_callbacks)
    Survey.objects.filter(pk=survey.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    send_survey_reminders()
    recipient = survey.recipients.first()
    page = client.get(reverse("improvement:survey_respond", args=[recipient.token])).content.decode()
    assert "This survey is closed." in page


def test_a_survey_cannot_be_sent_twice_or_without_questions(world):
    empty = services.create_survey(partnership=world.partnership, title="Empty", actor=None)
    with pytest.raises(Exception, match="at least one question"):
        services.send_survey(survey=empty, audiences=["heads"], closes_on=None, actor=None)
