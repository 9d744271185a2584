from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from partnership.current import get_partnership
from partnership.permissions import require
from schools.models import School

from .. import rules, services
from ..forms import CategorisationForm, CategoryForm
from ..models import Categorisation, Category, SupportAgreement
from ._common import academic_year_of, attempt, year_label


@login_required
def category_list(request, partnership_slug):
    """The rubric: not confidential, every member may read it."""
    partnership = get_partnership(request, partnership_slug)
    can_edit = rules.is_coordinator(request.user, partnership)
    form = CategoryForm()
    if request.method == "POST":
        require(can_edit)
        form = CategoryForm(request.POST)
        if form.is_valid() and attempt(
            form, lambda: services.add_category(partnership=partnership, actor=request.user, **form.cleaned_data)
        ):
            messages.success(request, "Category added to the rubric.")
            return redirect("improvement:category_list", partnership.slug)
    return render(
        request,
        "improvement/category_list.html",
        {
            "partnership": partnership,
            "categories": Category.objects.filter(partnership=partnership),
            "form": form,
            "can_edit": can_edit,
        },
    )


def _year_from(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return academic_year_of()
    return year if 2000 <= year <= 2100 else academic_year_of()


@login_required
def categorisation_list(request, partnership_slug):
    """Every school's category for a year: coordinators and LA officers see all schools, a
    head only their own; nobody else has this page."""
    partnership = get_partnership(request, partnership_slug)
    user = request.user
    led = rules.school_ids_led(user, partnership)
    everything = rules.reads_everything(user, partnership)
    require(everything or bool(led))
    year = _year_from(request)
    schools = School.objects.in_partnership(partnership).order_by("name")
    if not everything:
        schools = schools.filter(pk__in=led)
    by_school = {
        c.school_id: c
        for c in Categorisation.objects.filter(
            partnership=partnership, academic_year=year, school__in=schools
        ).select_related("category")
    }
    supported = set(
        SupportAgreement.objects.filter(
            partnership=partnership, status=SupportAgreement.Status.ACTIVE, receiving_school__in=schools
        ).values_list("receiving_school_id", flat=True)
    )
    rows = [{"school": s, "categorisation": by_school.get(s.pk), "has_support": s.pk in supported} for s in schools]
    return render(
        request,
        "improvement/categorisation_list.html",
        {
            "partnership": partnership,
            "rows": rows,
            "year": year,
            "year_label": year_label(year),
            "previous_year": year - 1,
            "next_year": year + 1,
            "can_edit": rules.is_coordinator(user, partnership),
        },
    )


@login_required
def school_category(request, partnership_slug, school_pk):
    partnership = get_partnership(request, partnership_slug)
    school = get_object_or_404(School.objects.in_partnership(partnership), pk=school_pk)
    if not rules.can_see_category(request.user, partnership, school):
        raise Http404("No category found.")
    can_edit = rules.is_coordinator(request.user, partnership)
    year = _year_from(request)
    current = Categorisation.objects.filter(partnership=partnership, school=school, academic_year=year).first()
    form = CategorisationForm(
        partnership=partnership,
        initial={"category": current.category_id, "evidence": current.evidence} if current else None,
    )
    if request.method == "POST":
        require(can_edit)
        form = CategorisationForm(request.POST, partnership=partnership)
        if form.is_valid():
            done = attempt(
                form,
                lambda: services.categorise_school(
                    partnership=partnership, school=school, academic_year=year, actor=request.user, **form.cleaned_data
                ),
            )
            if done:
                messages.success(request, f"Category for {year_label(year)} recorded.")
                return redirect(f"{request.path}?year={year}")
    history = Categorisation.objects.filter(partnership=partnership, school=school).select_related(
        "category", "recorded_by"
    )
    return render(
        request,
        "improvement/school_category.html",
        {
            "partnership": partnership,
            "school": school,
            "history": history,
            "year": year,
            "year_label": year_label(year),
            "form": form,
            "can_edit": can_edit,
            "has_rubric": Category.objects.filter(partnership=partnership).exists(),
        },
    )
