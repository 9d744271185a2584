from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from partnership.audit import record
from partnership.inputs import has_control_characters
from partnership.jobs import enqueue_on_commit
from partnership.models import Role, RoleGrant
from schools.models import Person, School

from ..models import Question, Survey, SurveyRecipient

# Lincolnshire asked every partnership whether collaboration improved outcomes, which
# activities helped most, and what it saved (seed 004).
IMPACT_SURVEY = {
    "title": "Partnership impact survey",
    "introduction": (
        "Tell us what difference working together has made to your school this year. It takes about "
        "five minutes; your answers are seen by the partnership coordinator and reported only in summary."
    ),
    "questions": [
        (
            Question.Kind.RATING,
            "How far has partnership working improved outcomes for pupils at your school? (1 = not at all, 5 = a great deal)",
            "",
        ),
        (
            Question.Kind.CHOICE,
            "Which partnership activity has helped your school most?",
            "Joint CPD and training\nPeer review\nSchool-to-school support\nShared staff (SENCO, business manager)\n"
            "Network and subject leader meetings\nWhole-town INSET day",
        ),
        (
            Question.Kind.CHOICE,
            "Has the partnership brought your school financial benefits?",
            "Yes, mainly through joint CPD\nYes, through shared staff or services\nYes, in other ways\nNo",
        ),
        (Question.Kind.TEXT, "Roughly what has the partnership saved your school this year, and how?", ""),
        (Question.Kind.TEXT, "What should the partnership do differently next year?", ""),
    ],
}


@transaction.atomic
def create_survey(*, partnership, title="", introduction="", template="", actor) -> Survey:
    if template == "impact":
        title = title.strip() or IMPACT_SURVEY["title"]
        introduction = introduction.strip() or IMPACT_SURVEY["introduction"]
    if not title.strip():
        raise ValidationError("Give the survey a title.")
    survey = Survey.objects.create(
        partnership=partnership, title=title.strip(), introduction=introduction.strip(), created_by=actor
    )
    if template == "impact":
        for position, (kind, text, choices) in enumerate(IMPACT_SURVEY["questions"], start=1):
            Question.objects.create(
                survey=survey, kind=kind, text=text, choices=choices, position=position, is_required=kind != "text"
            )
    record(actor=actor, verb="improvement.survey.created", target=survey, data={"template": template})
    return survey


@transaction.atomic
def add_question(*, survey, kind, text, choices="", is_required=True, actor) -> Question:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != Survey.Status.DRAFT:
        raise ValidationError("Questions cannot change once the survey has been sent.")
    if kind not in Question.Kind.values:
        raise ValidationError("Choose a kind of question.")
    if not text.strip():
        raise ValidationError("Write the question.")
    lines = [line.strip() for line in choices.splitlines() if line.strip()]
    if kind == Question.Kind.CHOICE and len(lines) < 2:
        raise ValidationError("A list question needs at least two choices, one per line.")
    question = Question.objects.create(
        survey=survey,
        kind=kind,
        text=text.strip(),
        choices="\n".join(lines) if kind == Question.Kind.CHOICE else "",
        is_required=is_required,
        position=survey.questions.count() + 1,
    )
    record(actor=actor, verb="improvement.survey.question_added", target=survey, data={"kind": kind})
    return question


def people_for(partnership, audiences) -> list[tuple]:
    """(school, person or None, name, email, audience) for every member school's people in
    the audiences. One row per e-mail address; people without one are left out."""
    schools = School.objects.in_partnership(partnership)
    school_ids = set(schools.values_list("pk", flat=True))
    rows, seen = [], set()

    def add(school, person, name, email, audience):
        key = (email or "").strip().lower()
        if key and key not in seen:
            seen.add(key)
            rows.append((school, person, name, key, audience))

    is_head = (
        Q(job_role__iexact="headteacher") | Q(job_role__iexact="head teacher") | Q(job_role__icontains="executive head")
    )
    if Survey.Audience.HEADS in audiences:
        for person in Person.objects.filter(is_head, school_id__in=school_ids).select_related("school"):
            add(person.school, person, person.full_name, person.email, Survey.Audience.HEADS)
        for grant in RoleGrant.objects.filter(
            partnership=partnership, role=Role.HEADTEACHER, school_id__in=school_ids
        ).select_related("user", "school"):
            add(
                grant.school,
                None,
                grant.user.get_full_name() or grant.user.email,
                grant.user.email,
                Survey.Audience.HEADS,
            )
    if Survey.Audience.STAFF in audiences:
        staff = Person.objects.filter(kind=Person.Kind.STAFF, school_id__in=school_ids).exclude(is_head)
        for person in staff.select_related("school"):
            add(person.school, person, person.full_name, person.email, Survey.Audience.STAFF)
    if Survey.Audience.GOVERNORS in audiences:
        governors = Person.objects.filter(kind=Person.Kind.GOVERNOR).filter(
            Q(school_id__in=school_ids) | Q(governing_body__schools__in=school_ids)
        )
        for person in governors.select_related("school").prefetch_related("governing_body__schools").distinct():
            school = person.school
            if school is None or school.pk not in school_ids:
                school = next((s for s in person.governing_body.schools.all() if s.pk in school_ids), None)
            add(school, person, person.full_name, person.email, Survey.Audience.GOVERNORS)
    return rows


@transaction.atomic
def send_survey(*, survey, audiences: list[str], closes_on: date | None, actor) -> int:
    """Opens the survey and invites everyone in the audiences; the e-mails go from a task
    once the invitations are committed. Returns how many were invited."""
    from ..tasks import send_survey_invitations

    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != Survey.Status.DRAFT:
        raise ValidationError("This survey has already been sent.")
    if not survey.questions.exists():
        raise ValidationError("Add at least one question before sending the survey.")
    audiences = [a for a in audiences if a in Survey.Audience.values]
    if not audiences:
        raise ValidationError("Choose who the survey is for.")
    if closes_on is not None and closes_on < timezone.localdate():
        raise ValidationError("The closing date cannot be in the past.")
    rows = people_for(survey.partnership, audiences)
    if not rows:
        raise ValidationError("Nobody in those groups has an e-mail address yet.")
    SurveyRecipient.objects.bulk_create(
        SurveyRecipient(survey=survey, school=school, person=person, name=name, email=email, audience=audience)
        for school, person, name, email, audience in rows
    )
    survey.status, survey.audiences, survey.closes_on, survey.sent_at = (
        Survey.Status.OPEN,
        audiences,
        closes_on,
        timezone.now(),
    )
    survey.save(update_fields=["status", "audiences", "closes_on", "sent_at"])
    record(
        actor=actor, verb="improvement.survey.sent", target=survey, data={"audiences": audiences, "invited": len(rows)}
    )
    enqueue_on_commit(send_survey_invitations, survey.pk)
    return len(rows)


@transaction.atomic
def close_survey(*, survey, actor) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != Survey.Status.OPEN:
        raise ValidationError("Only an open survey can be closed.")
    survey.status = Survey.Status.CLOSED
    survey.save(update_fields=["status"])
    record(actor=actor, verb="improvement.survey.closed", target=survey)
    return survey


def clean_answers(questions, data) -> tuple[dict, dict]:
    """Turns submitted form data into {question id: answer}; returns (answers, errors)."""
    answers, errors = {}, {}
    for question in questions:
        raw = (data.get(f"q{question.pk}") or "").strip()
        if not raw:
            if question.is_required:
                errors[question.pk] = "Answer this question."
            continue
        if question.kind == Question.Kind.RATING:
            if raw not in {"1", "2", "3", "4", "5"}:
                errors[question.pk] = "Choose a rating from 1 to 5."
                continue
            answers[str(question.pk)] = int(raw)
        elif question.kind == Question.Kind.CHOICE:
            if raw not in question.choice_list:
                errors[question.pk] = "Choose one of the options."
                continue
            answers[str(question.pk)] = raw
        elif has_control_characters(raw, multiline=True):
            errors[question.pk] = (
                "Remove the control characters (invisible characters, often pasted from another program)."
            )
        else:
            answers[str(question.pk)] = raw[:4000]
    return answers, errors


@transaction.atomic
def submit_response(*, recipient, answers: dict) -> bool:
    """Stores the answers once; a second submission (a double click, a second tab) changes nothing."""
    if not Survey.objects.filter(pk=recipient.survey_id, status=Survey.Status.OPEN).exists():
        raise ValidationError("This survey is closed.")
    stored = SurveyRecipient.objects.filter(pk=recipient.pk, responded_at__isnull=True).update(
        answers=answers, responded_at=timezone.now()
    )
    if stored:
        record(
            actor=None, verb="improvement.survey.responded", target=recipient.survey, data={"recipient": recipient.pk}
        )
    return bool(stored)
