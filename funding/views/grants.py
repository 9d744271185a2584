"""Grants and other income, with what is held back and why."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from partnership.current import get_partnership, use_partnership
from partnership.once import once
from partnership.permissions import require, visible_partnership_ids

from .. import services
from ..forms import ConditionMetForm, GrantForm, ReleaseForm, add_service_error
from ..models import Grant
from ..rules import can_manage_funding, can_read_all_funding
from .years import member_schools


def _grant_context(request, partnership, **forms) -> dict:
    grants = Grant.objects.filter(partnership=partnership).select_related("funding_year", "school", "released_by")
    return {
        "partnership": partnership,
        "held": [g for g in grants if g.is_held],
        "released": [g for g in grants if not g.is_held],
        "can_manage": can_manage_funding(request.user, partnership),
        "form": forms.get("form") or GrantForm(partnership=partnership, schools=member_schools(partnership)),
        "condition_form": forms.get("condition_form") or ConditionMetForm(),
        "release_form": ReleaseForm(),
    }


@login_required
@once
def grant_list(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    require(can_read_all_funding(request.user, partnership))
    if request.method == "POST":
        require(can_manage_funding(request.user, partnership))
        form = GrantForm(request.POST, partnership=partnership, schools=member_schools(partnership))
        if form.is_valid():
            try:
                grant = services.add_grant(partnership=partnership, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                if grant.is_held:
                    messages.success(request, f"{grant} recorded and held back: {grant.held_because}")
                else:
                    messages.success(request, f"{grant} recorded as received.")
                return redirect("funding:grant_list", partnership.slug)
        return render(request, "funding/grant_list.html", _grant_context(request, partnership, form=form))
    return render(request, "funding/grant_list.html", _grant_context(request, partnership))


@login_required
@require_POST
@once
def grant_release(request, pk):
    grant = get_object_or_404(
        Grant.objects.filter(partnership_id__in=visible_partnership_ids(request.user)).select_related("partnership"),
        pk=pk,
    )
    use_partnership(request, grant.partnership)
    require(can_manage_funding(request.user, grant.partnership))
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the date the condition was met and say how it was met.")
    else:
        try:
            services.release_grant(
                grant=grant,
                actor=request.user,
                on_date=form.cleaned_data["released_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{grant} released.")
    return redirect("funding:grant_list", grant.partnership.slug)


@login_required
@require_POST
@once
def condition_met(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    require(can_manage_funding(request.user, partnership))
    form = ConditionMetForm(request.POST)
    if form.is_valid():
        try:
            released = services.release_grants_for_condition(
                partnership=partnership,
                condition=form.cleaned_data["condition"],
                actor=request.user,
                on_date=form.cleaned_data["met_on"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if released:
                messages.success(request, f"Released {len(released)} grant{'s' if len(released) != 1 else ''}.")
            else:
                messages.info(request, "Recorded. No grant was waiting for that condition.")
            return redirect("funding:grant_list", partnership.slug)
    return render(request, "funding/grant_list.html", _grant_context(request, partnership, condition_form=form))
