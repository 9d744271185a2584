"""Schools join a partnership only with their consent: a coordinator proposes, the school decides."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from partnership.current import get_partnership
from partnership.permissions import require, visible_partnership_ids

from ..forms import JoinDecisionForm, ProposeSchoolForm
from ..models import JoinRequest
from ..permissions import can_decide_join_request, can_manage_schools, can_withdraw_join_request
from ..services import accept_join_request, decline_join_request, propose_school, withdraw_join_request


def join_request_for(request: HttpRequest, pk: int) -> JoinRequest:
    """The request if the user is in the proposing partnership or decides for the school; else 404."""
    return get_object_or_404(
        JoinRequest.objects.visible_to(request.user).select_related(
            "school", "partnership__local_authority", "proposed_by", "decided_by"
        ),
        pk=pk,
    )


@login_required
def school_add(request: HttpRequest, partnership_slug: str) -> HttpResponse:
    """Propose a school by URN. It joins when the school accepts."""
    partnership = get_partnership(request, partnership_slug)
    require(can_manage_schools(request.user, partnership))
    form = ProposeSchoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            join_request = propose_school(partnership=partnership, school=form.school, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{form.school.name} is asked to join. It joins when the school accepts.")
            return redirect(join_request)
    proposals = JoinRequest.objects.filter(partnership=partnership).select_related("school")[:20]
    return render(
        request, "schools/school_add.html", {"partnership": partnership, "form": form, "proposals": proposals}
    )


@login_required
def join_request_list(request: HttpRequest) -> HttpResponse:
    """Requests waiting for the user's decision, and the proposals of the partnerships they are in."""
    to_decide = JoinRequest.objects.for_decider(request.user).pending().select_related("school", "partnership")
    proposed = (
        JoinRequest.objects.filter(partnership_id__in=visible_partnership_ids(request.user))
        .select_related("school", "partnership")
        .order_by("-proposed_at", "-pk")[:100]
    )
    return render(request, "schools/join_request_list.html", {"to_decide": to_decide, "proposed": proposed})


@login_required
def join_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    join_request = join_request_for(request, pk)
    can_decide = join_request.is_pending and can_decide_join_request(request.user, join_request)
    return render(
        request,
        "schools/join_request_detail.html",
        {
            "join_request": join_request,
            "school": join_request.school,
            "can_decide": can_decide,
            "can_withdraw": join_request.is_pending and can_withdraw_join_request(request.user, join_request),
            "form": JoinDecisionForm() if can_decide else None,
        },
    )


@login_required
@require_POST
def join_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    join_request = join_request_for(request, pk)
    require(can_decide_join_request(request.user, join_request))
    decision = request.POST.get("decision")
    if decision not in {"accept", "decline"}:
        messages.error(request, "Choose to accept or to decline.")
        return redirect(join_request)
    form = JoinDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The reason is too long: keep it under 500 characters.")
        return redirect(join_request)
    decide = accept_join_request if decision == "accept" else decline_join_request
    try:
        decide(join_request_id=join_request.pk, actor=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        school, partnership = join_request.school.name, join_request.partnership.name
        if decision == "accept":
            messages.success(request, f"{school} joined {partnership}.")
        else:
            messages.success(request, f"{school} declined to join {partnership}.")
    return redirect(join_request)


@login_required
@require_POST
def join_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    join_request = join_request_for(request, pk)
    require(can_withdraw_join_request(request.user, join_request))
    try:
        withdraw_join_request(join_request_id=join_request.pk, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The proposal for {join_request.school.name} was withdrawn.")
    return redirect(join_request)
