from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from partnership.current import get_partnership, use_partnership
from partnership.exports import csv_response
from partnership.once import once
from partnership.permissions import require, visible_partnership_ids

from .. import rules, services
from ..forms import QuestionForm, SendForm, SurveyForm
from ..models import Survey, SurveyRecipient
from ..services.surveys import clean_answers
from ..summaries import response_rates, summarise
from ._common import attempt


@login_required
def survey_list(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    require(rules.reads_everything(request.user, partnership))
    can_edit = rules.is_coordinator(request.user, partnership)
    form = SurveyForm()
    if request.method == "POST":
        require(can_edit)
        form = SurveyForm(request.POST)
        if form.is_valid():
            survey = attempt(
                form, lambda: services.create_survey(partnership=partnership, actor=request.user, **form.cleaned_data)
            )
            if survey:
                messages.success(request, "Survey created.")
                return redirect(survey)
    surveys = list(Survey.objects.filter(partnership=partnership))
    rates = response_rates([s.pk for s in surveys])
    for survey in surveys:
        survey.rates = rates[survey.pk]
    return render(
        request,
        "improvement/survey_list.html",
        {"partnership": partnership, "surveys": surveys, "form": form, "can_edit": can_edit},
    )


def _survey_for(request, pk) -> Survey:
    survey = get_object_or_404(
        Survey.objects.filter(partnership_id__in=visible_partnership_ids(request.user)).select_related("partnership"),
        pk=pk,
    )
    require(rules.reads_everything(request.user, survey.partnership))
    use_partnership(request, survey.partnership)
    return survey


def _results(survey) -> dict:
    questions = list(survey.questions.all())
    answers = list(survey.recipients.filter(responded_at__isnull=False).values_list("answers", flat=True))
    return {
        "questions": questions,
        "summaries": summarise(questions, answers),
        "rates": response_rates([survey.pk])[survey.pk],
    }


def _render_survey(request, survey, **forms):
    return render(
        request,
        "improvement/survey_detail.html",
        {
            "partnership": survey.partnership,
            "survey": survey,
            "can_edit": rules.is_coordinator(request.user, survey.partnership),
            "question_form": forms.get("question_form") or QuestionForm(),
            "send_form": forms.get("send_form") or SendForm(initial={"audiences": ["heads"]}),
            **_results(survey),
        },
    )


@login_required
def survey_detail(request, pk):
    return _render_survey(request, _survey_for(request, pk))


@login_required
def survey_rates(request, pk):
    """The live response rates, polled by htmx while the survey is open."""
    survey = _survey_for(request, pk)
    if not request.htmx:  # opened directly (a bookmark, a copied address): the whole page
        return redirect(survey)
    return render(request, "improvement/partials/survey_rates.html", {"survey": survey, **_results(survey)})


@login_required
@require_POST
def survey_question_add(request, pk):
    survey = _survey_for(request, pk)
    require(rules.is_coordinator(request.user, survey.partnership))
    form = QuestionForm(request.POST)
    if form.is_valid() and attempt(
        form, lambda: services.add_question(survey=survey, actor=request.user, **form.cleaned_data)
    ):
        messages.success(request, "Question added.")
        return redirect(survey)
    return _render_survey(request, survey, question_form=form)


@login_required
@require_POST
@once
def survey_send(request, pk):
    survey = _survey_for(request, pk)
    require(rules.is_coordinator(request.user, survey.partnership))
    form = SendForm(request.POST)
    if form.is_valid():
        count = attempt(form, lambda: services.send_survey(survey=survey, actor=request.user, **form.cleaned_data))
        if count:
            messages.success(request, f"Survey sent to {count} people, each with a personal link.")
            return redirect(survey)
    return _render_survey(request, survey, send_form=form)


@login_required
@require_POST
def survey_close(request, pk):
    survey = _survey_for(request, pk)
    require(rules.is_coordinator(request.user, survey.partnership))
    form = SendForm()
    if attempt(form, lambda: services.close_survey(survey=survey, actor=request.user)):
        messages.success(request, "Survey closed.")
    else:
        messages.error(request, " ".join(form.non_field_errors()))
    return redirect(survey)


@login_required
def survey_csv(request, pk):
    """One row per response, a column per question."""
    survey = _survey_for(request, pk)
    questions = list(survey.questions.all())
    labels = dict(Survey.Audience.choices)
    responses = (
        SurveyRecipient.objects.filter(survey=survey, responded_at__isnull=False)
        .order_by("responded_at", "pk")
        .values_list("responded_at", "school__name", "audience", "answers")
    )
    header = ["Responded at", "School", "Group"] + [q.text for q in questions]
    rows = [
        [responded_at, school_name or "", labels.get(audience, audience)]
        + [answers.get(str(q.pk), "") for q in questions]
        for responded_at, school_name, audience, answers in responses
    ]
    return csv_response(f"survey-{survey.pk}-responses.csv", [header, *rows])


def survey_respond(request, token):
    """The personal link: works without signing in; the token is the secret."""
    recipient = SurveyRecipient.objects.select_related("survey__partnership", "school").filter(token=token).first()
    if recipient is None:
        raise Http404("This survey link is not valid.")
    survey = recipient.survey
    questions = list(survey.questions.all())
    errors, values = {}, {}
    if request.method == "POST" and recipient.responded_at is None and survey.status == Survey.Status.OPEN:
        answers, errors = clean_answers(questions, request.POST)
        values = {q.pk: request.POST.get(f"q{q.pk}", "") for q in questions}
        if not errors:
            services.submit_response(recipient=recipient, answers=answers)
            return redirect("improvement:survey_respond", token)
    for question in questions:
        question.error = errors.get(question.pk, "")
        question.value = values.get(question.pk, "")
    return render(
        request,
        "improvement/survey_respond.html",
        {
            "recipient": recipient,
            "survey": survey,
            "questions": questions,
            "has_errors": bool(errors),
            "is_open": survey.status == Survey.Status.OPEN,
        },
    )
