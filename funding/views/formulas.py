"""Formulas: the common, proportional way the schools share the cost."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from partnership.current import get_partnership, use_partnership
from partnership.permissions import require, visible_partnership_ids

from .. import services
from ..forms import FormulaForm, PreviewForm, WeightingForm, add_service_error
from ..models import Formula, FormulaWeighting
from ..rules import can_manage_funding, can_read_all_funding


def formula_for(request, pk) -> Formula:
    formula = get_object_or_404(
        Formula.objects.filter(partnership_id__in=visible_partnership_ids(request.user)).select_related("partnership"),
        pk=pk,
    )
    use_partnership(request, formula.partnership)
    return formula


@login_required
def formula_list(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    require(can_read_all_funding(request.user, partnership))
    can_manage = can_manage_funding(request.user, partnership)
    form = FormulaForm()
    if request.method == "POST":
        require(can_manage)
        form = FormulaForm(request.POST)
        if form.is_valid():
            try:
                formula = services.create_formula(partnership=partnership, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"Formula “{formula}” saved. Add any weightings, then preview it.")
                return redirect(formula)
    formulas = Formula.objects.filter(partnership=partnership).prefetch_related("weightings")
    return render(
        request,
        "funding/formula_list.html",
        {"partnership": partnership, "formulas": formulas, "form": form, "can_manage": can_manage},
    )


def _formula_context(request, formula, **extra) -> dict:
    context = {
        "partnership": formula.partnership,
        "formula": formula,
        "weightings": formula.weightings.all(),
        "can_manage": can_manage_funding(request.user, formula.partnership),
        "form": FormulaForm(instance=formula),
        "weighting_form": WeightingForm(),
    }
    today = timezone.localdate()
    preview_form = PreviewForm(request.GET or None, initial={"census_date": today, "members_on": today})
    if "census_date" in request.GET and preview_form.is_valid():
        try:
            rows, result = services.preview_round(
                partnership=formula.partnership, formula=formula, **preview_form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(preview_form, error)
        else:
            context["preview"] = {"result": result, "sources": {school.pk: info for school, _, info in rows}}
    context["preview_form"] = preview_form
    context.update(extra)
    return context


@login_required
def formula_detail(request, pk):
    formula = formula_for(request, pk)
    require(can_read_all_funding(request.user, formula.partnership))
    if request.method == "POST":
        require(can_manage_funding(request.user, formula.partnership))
        form = FormulaForm(request.POST, instance=Formula.objects.get(pk=formula.pk))
        if form.is_valid():
            try:
                services.update_formula(formula=formula, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Formula saved. Rounds already made keep the figures they were made with.")
                return redirect(formula)
        return render(request, "funding/formula_detail.html", _formula_context(request, formula, form=form))
    return render(request, "funding/formula_detail.html", _formula_context(request, formula))


@login_required
@require_POST
def weighting_add(request, pk):
    formula = formula_for(request, pk)
    require(can_manage_funding(request.user, formula.partnership))
    form = WeightingForm(request.POST)
    if form.is_valid():
        try:
            services.add_weighting(formula=formula, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Weighting added.")
            return redirect(formula)
    return render(request, "funding/formula_detail.html", _formula_context(request, formula, weighting_form=form))


@login_required
@require_POST
def weighting_delete(request, pk):
    weighting = get_object_or_404(
        FormulaWeighting.objects.filter(
            formula__partnership_id__in=visible_partnership_ids(request.user)
        ).select_related("formula__partnership"),
        pk=pk,
    )
    formula = weighting.formula
    use_partnership(request, formula.partnership)
    require(can_manage_funding(request.user, formula.partnership))
    services.remove_weighting(weighting=weighting, actor=request.user)
    messages.success(request, "Weighting removed.")
    return redirect(formula)
