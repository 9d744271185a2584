from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from partnership.current import get_partnership, use_partnership
from partnership.inputs import is_plain_number
from partnership.permissions import require, visible_partnership_ids
from schools.models import School

from .. import rules, services
from ..forms import FollowUpForm, FollowUpStatusForm, ReviewReportForm, RoundForm
from ..models import FollowUpAction, PeerReview, PeerReviewRound
from ..services.peer import last_round_pairs
from ._common import attempt


@login_required
def round_list(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    can_edit = rules.is_coordinator(request.user, partnership)
    form = RoundForm()
    if request.method == "POST":
        require(can_edit)
        form = RoundForm(request.POST)
        if form.is_valid():
            created = attempt(
                form, lambda: services.create_round(partnership=partnership, actor=request.user, **form.cleaned_data)
            )
            if created:
                messages.success(request, "Round created. Form its groups next.")
                return redirect(created)
    rounds = PeerReviewRound.objects.filter(partnership=partnership).prefetch_related("groups__schools")
    return render(
        request,
        "improvement/round_list.html",
        {"partnership": partnership, "rounds": rounds, "form": form, "can_edit": can_edit},
    )


def _round_for(request, pk) -> PeerReviewRound:
    review_round = get_object_or_404(
        PeerReviewRound.objects.filter(partnership_id__in=visible_partnership_ids(request.user)).select_related(
            "partnership"
        ),
        pk=pk,
    )
    use_partnership(request, review_round.partnership)
    return review_round


def _render_round(request, review_round, error=None):
    partnership = review_round.partnership
    user = request.user
    groups = list(review_round.groups.prefetch_related("schools", "reviews__school", "reviews__reviewers"))
    for group in groups:
        for review in group.reviews.all():
            review.visible = rules.can_see_review(user, review, partnership)
    context = {"partnership": partnership, "round": review_round, "groups": groups, "error": error}
    locked = any(review.reported_on for group in groups for review in group.reviews.all())
    context["locked"] = locked
    if rules.is_coordinator(user, partnership) and not locked:
        schools = list(School.objects.in_partnership(partnership).order_by("name"))
        avoid = last_round_pairs(review_round)
        current = {s.pk: i for i, g in enumerate(groups, start=1) for s in g.schools.all()}
        suggested = services.suggest_groups(school_ids=[s.pk for s in schools], avoid=avoid)
        suggestion = {school_id: i for i, group in enumerate(suggested, start=1) for school_id in group}
        context.update(
            is_coordinator=True,
            assign=[{"school": s, "group": current.get(s.pk) or suggestion.get(s.pk)} for s in schools],
            group_numbers=range(1, len(suggested) + 2),
            avoided=len(avoid),
            from_suggestion=not current,
        )
    return render(request, "improvement/round_detail.html", context)


@login_required
def round_detail(request, pk):
    return _render_round(request, _round_for(request, pk))


@login_required
@require_POST
def round_groups(request, pk):
    review_round = _round_for(request, pk)
    require(rules.is_coordinator(request.user, review_round.partnership))
    schools = {s.pk: s for s in School.objects.in_partnership(review_round.partnership)}
    numbered: dict[int, list] = {}
    for school_id, school in schools.items():
        raw = request.POST.get(f"school-{school_id}", "").strip()
        if not raw:
            continue
        if not is_plain_number(raw):
            return _render_round(request, review_round, error=f"Choose a group number for {school}.")
        numbered.setdefault(int(raw), []).append(school)
    if not numbered:
        return _render_round(request, review_round, error="Put the schools into groups first.")
    try:
        services.form_groups(
            review_round=review_round, groups=[numbered[n] for n in sorted(numbered)], actor=request.user
        )
    except ValidationError as error:
        return _render_round(request, review_round, error=" ".join(error.messages))
    messages.success(request, "Groups saved: each school will be reviewed by the others in its group.")
    return redirect(review_round)


def _review_for(request, pk) -> PeerReview:
    review = get_object_or_404(
        PeerReview.objects.filter(
            group__round__partnership_id__in=visible_partnership_ids(request.user)
        ).select_related("group__round__partnership", "school", "shared_by"),
        pk=pk,
    )
    partnership = review.group.round.partnership
    if not rules.can_see_review(request.user, review, partnership):
        raise Http404("No peer review found.")
    use_partnership(request, partnership)
    return review


def _render_review(request, review, **forms):
    partnership = review.group.round.partnership
    user = request.user
    is_coordinator = rules.is_coordinator(user, partnership)
    report_form = forms.get("report_form") or ReviewReportForm(
        initial={
            "focus": review.focus,
            "reviewer_names": review.reviewer_names,
            "starts_on": review.starts_on,
            "ends_on": review.ends_on,
            "strengths": review.strengths,
            "areas_for_development": review.areas_for_development,
        }
    )
    return render(
        request,
        "improvement/review_detail.html",
        {
            "partnership": partnership,
            "review": review,
            "reviewers": review.reviewers.all(),
            "actions": review.actions.all(),
            "is_coordinator": is_coordinator,
            "can_share": rules.can_share_review(user, review),
            "can_track": is_coordinator or rules.can_share_review(user, review),
            "report_form": report_form,
            "action_form": forms.get("action_form") or FollowUpForm(),
            "statuses": FollowUpAction.Status.choices,
        },
    )


@login_required
def review_detail(request, pk):
    return _render_review(request, _review_for(request, pk))


@login_required
@require_POST
def review_report(request, pk):
    review = _review_for(request, pk)
    require(rules.is_coordinator(request.user, review.group.round.partnership))
    form = ReviewReportForm(request.POST)
    if form.is_valid() and attempt(
        form, lambda: services.record_review_report(review=review, actor=request.user, **form.cleaned_data)
    ):
        messages.success(request, "Report saved.")
        return redirect(review)
    return _render_review(request, review, report_form=form)


@login_required
@require_POST
def review_share(request, pk):
    review = _review_for(request, pk)
    require(rules.can_share_review(request.user, review))
    share = request.POST.get("share") == "yes"
    services.share_review(review=review, is_shared=share, actor=request.user)
    messages.success(request, "Report shared with the partnership." if share else "Report no longer shared.")
    return redirect(review)


@login_required
@require_POST
def review_action_add(request, pk):
    review = _review_for(request, pk)
    partnership = review.group.round.partnership
    require(rules.is_coordinator(request.user, partnership) or rules.can_share_review(request.user, review))
    form = FollowUpForm(request.POST)
    if form.is_valid() and attempt(
        form, lambda: services.add_follow_up(review=review, actor=request.user, **form.cleaned_data)
    ):
        messages.success(request, "Follow-up action added.")
        return redirect(review)
    return _render_review(request, review, action_form=form)


@login_required
@require_POST
def action_update(request, pk):
    action = get_object_or_404(
        FollowUpAction.objects.filter(
            review__group__round__partnership_id__in=visible_partnership_ids(request.user)
        ).select_related("review__group__round__partnership"),
        pk=pk,
    )
    review = action.review
    partnership = review.group.round.partnership
    if not rules.can_see_review(request.user, review, partnership):
        raise Http404("No action found.")
    require(rules.is_coordinator(request.user, partnership) or rules.can_share_review(request.user, review))
    form = FollowUpStatusForm(request.POST)
    if form.is_valid():
        services.update_follow_up(action=action, status=form.cleaned_data["status"], actor=request.user)
        messages.success(request, "Action updated.")
    else:
        messages.error(request, "Choose a status from the list.")
    return redirect(review)
