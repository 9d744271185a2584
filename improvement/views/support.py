from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from partnership.current import get_partnership, use_partnership
from partnership.once import once
from partnership.permissions import require, visible_partnership_ids
from schools.models import Expertise, School

from .. import rules, services
from ..forms import AgreementForm, CloseForm, MatchForm, SupportRequestForm, SupportReviewForm, VisitForm
from ..models import SupportAgreement, SupportRequest
from ._common import attempt


def _request_schools(user, partnership):
    schools = School.objects.in_partnership(partnership).order_by("name")
    if rules.is_coordinator(user, partnership):
        return schools
    return schools.filter(pk__in=rules.school_ids_led(user, partnership))


@login_required
def support_list(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    user = request.user
    led = rules.school_ids_led(user, partnership)
    everything = rules.reads_everything(user, partnership)
    require(everything or bool(led))
    can_request = rules.is_coordinator(user, partnership) or bool(led)
    form = SupportRequestForm(schools=_request_schools(user, partnership))
    if request.method == "POST":
        require(can_request)
        form = SupportRequestForm(request.POST, schools=_request_schools(user, partnership))
        if form.is_valid():
            created = attempt(
                form, lambda: services.raise_request(partnership=partnership, actor=user, **form.cleaned_data)
            )
            if created:
                messages.success(request, "Support request raised.")
                return redirect(created)
    requests = SupportRequest.objects.filter(partnership=partnership).select_related(
        "school", "provider_school", "specialism", "agreement"
    )
    if not everything:
        requests = requests.filter(Q(school_id__in=led) | Q(provider_school_id__in=led))
    return render(
        request,
        "improvement/support_list.html",
        {"partnership": partnership, "requests": requests, "form": form, "can_request": can_request},
    )


def _request_for(request, pk) -> SupportRequest:
    support_request = get_object_or_404(
        SupportRequest.objects.filter(partnership_id__in=visible_partnership_ids(request.user)).select_related(
            "partnership", "school", "provider_school", "provider_person", "specialism", "raised_by"
        ),
        pk=pk,
    )
    if not rules.can_see_support_request(request.user, support_request):
        raise Http404("No support request found.")
    use_partnership(request, support_request.partnership)
    return support_request


def _providers(support_request):
    providers = Expertise.objects.in_partnership(support_request.partnership).exclude(
        Q(school=support_request.school) | Q(person__school=support_request.school)
    )
    if support_request.specialism_id:
        providers = providers.filter(specialism_id=support_request.specialism_id)
    else:
        providers = providers.filter(specialism__kind="designation")
    return providers.filter(Q(school__isnull=False) | Q(person__school__isnull=False)).select_related(
        "specialism", "school", "person__school"
    )


def _render_request(request, support_request, **forms):
    partnership = support_request.partnership
    is_coordinator = rules.is_coordinator(request.user, partnership)
    providers = _providers(support_request)
    context = {
        "partnership": partnership,
        "support_request": support_request,
        "providers": providers,
        "is_coordinator": is_coordinator,
        "can_withdraw": rules.can_withdraw_request(request.user, support_request)
        and support_request.status in (SupportRequest.Status.RAISED, SupportRequest.Status.MATCHED),
        "withdraw_error": forms.get("withdraw_error", ""),
        "match_form": forms.get("match_form") or MatchForm(providers=providers),
        "agreement_form": forms.get("agreement_form")
        or AgreementForm(
            schools=School.objects.in_partnership(partnership), initial={"paid_to": support_request.provider_school_id}
        ),
    }
    return render(request, "improvement/request_detail.html", context)


@login_required
def request_detail(request, pk):
    return _render_request(request, _request_for(request, pk))


@login_required
@require_POST
def request_match(request, pk):
    support_request = _request_for(request, pk)
    require(rules.is_coordinator(request.user, support_request.partnership))
    providers = _providers(support_request)
    form = MatchForm(request.POST, providers=providers)
    if form.is_valid():
        expertise = form.cleaned_data["expertise"]
        school = expertise.school or expertise.person.school
        done = attempt(
            form,
            lambda: services.match_request(
                support_request=support_request,
                provider_school=school,
                provider_person=expertise.person,
                actor=request.user,
            ),
        )
        if done:
            messages.success(request, f"Matched with {school}.")
            return redirect(support_request)
    return _render_request(request, support_request, match_form=form)


@login_required
@require_POST
@once
def request_agree(request, pk):
    support_request = _request_for(request, pk)
    require(rules.is_coordinator(request.user, support_request.partnership))
    form = AgreementForm(request.POST, schools=School.objects.in_partnership(support_request.partnership))
    if form.is_valid():
        agreement = attempt(
            form,
            lambda: services.agree_support(support_request=support_request, actor=request.user, **form.cleaned_data),
        )
        if agreement:
            messages.success(request, "Support agreed.")
            return redirect(agreement)
    return _render_request(request, support_request, agreement_form=form)


@login_required
@require_POST
def request_withdraw(request, pk):
    support_request = _request_for(request, pk)
    require(rules.can_withdraw_request(request.user, support_request))
    try:
        services.withdraw_request(
            support_request=support_request, reason=request.POST.get("reason", ""), actor=request.user
        )
    except ValidationError as error:
        return _render_request(request, support_request, withdraw_error=" ".join(error.messages))
    messages.success(request, "Request withdrawn.")
    return redirect(support_request)


def _agreement_for(request, pk) -> SupportAgreement:
    agreement = get_object_or_404(
        SupportAgreement.objects.filter(partnership_id__in=visible_partnership_ids(request.user)).select_related(
            "partnership",
            "receiving_school",
            "supporting_school",
            "supporting_leader",
            "paid_to",
            "request",
            "evaluated_by",
        ),
        pk=pk,
    )
    if not rules.can_see_agreement(request.user, agreement):
        raise Http404("No support agreement found.")
    use_partnership(request, agreement.partnership)
    return agreement


def _render_agreement(request, agreement, **forms):
    user = request.user
    visits = list(agreement.visits.select_related("logged_by"))
    return render(
        request,
        "improvement/agreement_detail.html",
        {
            "partnership": agreement.partnership,
            "agreement": agreement,
            "visits": visits,
            "days_used": sum((v.days_used for v in visits), start=0),
            "reviews": agreement.reviews.select_related("recorded_by"),
            "is_active": agreement.status == SupportAgreement.Status.ACTIVE,
            "can_log_visit": rules.can_log_visit(user, agreement),
            "can_review": rules.can_review_agreement(user, agreement),
            "can_close": rules.can_close_agreement(user, agreement),
            "visit_form": forms.get("visit_form") or VisitForm(),
            "review_form": forms.get("review_form") or SupportReviewForm(),
            "close_form": forms.get("close_form") or CloseForm(),
        },
    )


@login_required
def agreement_detail(request, pk):
    return _render_agreement(request, _agreement_for(request, pk))


@login_required
@require_POST
@once
def agreement_visit(request, pk):
    agreement = _agreement_for(request, pk)
    require(rules.can_log_visit(request.user, agreement))
    form = VisitForm(request.POST)
    if form.is_valid() and attempt(
        form, lambda: services.log_visit(agreement=agreement, actor=request.user, **form.cleaned_data)
    ):
        messages.success(request, "Visit logged.")
        return redirect(agreement)
    return _render_agreement(request, agreement, visit_form=form)


@login_required
@require_POST
def agreement_review(request, pk):
    agreement = _agreement_for(request, pk)
    require(rules.can_review_agreement(request.user, agreement))
    form = SupportReviewForm(request.POST)
    if form.is_valid() and attempt(
        form, lambda: services.record_review(agreement=agreement, actor=request.user, **form.cleaned_data)
    ):
        messages.success(request, "Review point recorded.")
        return redirect(agreement)
    return _render_agreement(request, agreement, review_form=form)


@login_required
@require_POST
def agreement_close(request, pk):
    agreement = _agreement_for(request, pk)
    require(rules.can_close_agreement(request.user, agreement))
    form = CloseForm(request.POST)
    if form.is_valid() and attempt(
        form, lambda: services.close_agreement(agreement=agreement, actor=request.user, **form.cleaned_data)
    ):
        messages.success(request, "Support closed; its cost is filed under school-to-school support spending.")
        return redirect(agreement)
    return _render_agreement(request, agreement, close_form=form)
