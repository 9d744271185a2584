from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from partnership.audit import record
from schools.models import School

from ..models import Categorisation, Category

# The rubric a new partnership starts from; each partnership edits its own copy.
DEFAULT_RUBRIC = [
    ("Can lead support", "Strong outcomes and leadership capacity to support other schools.", False),
    ("Self-improving", "Secure outcomes; improves without help from outside.", False),
    ("Needs light-touch support", "Some outcomes or aspects of leadership need targeted help.", True),
    ("Needs intensive support", "Outcomes or leadership give serious concern; needs a support agreement.", True),
]


@transaction.atomic
def add_category(*, partnership, name, description="", needs_support=False, actor) -> Category:
    if Category.objects.filter(partnership=partnership, name__iexact=name.strip()).exists():
        raise ValidationError(f"There is already a category called {name.strip()}.")
    last = Category.objects.select_for_update().filter(partnership=partnership).order_by("-rank").first()
    category = Category.objects.create(
        partnership=partnership,
        name=name.strip(),
        description=description.strip(),
        needs_support=needs_support,
        rank=(last.rank + 1) if last else 1,
    )
    record(actor=actor, verb="improvement.category.added", target=category, data={"rank": category.rank})
    return category


def ensure_default_rubric(*, partnership, actor) -> list[Category]:
    if not Category.objects.filter(partnership=partnership).exists():
        for name, description, needs_support in DEFAULT_RUBRIC:
            add_category(
                partnership=partnership, name=name, description=description, needs_support=needs_support, actor=actor
            )
    return list(Category.objects.filter(partnership=partnership))


@transaction.atomic
def categorise_school(
    *, partnership, school, academic_year: int, category, evidence: str, agreed_on: date, actor
) -> Categorisation:
    """Agrees (or changes) a school's category for the year; a change is in the audit trail."""
    if category.partnership_id != partnership.pk:
        raise ValidationError("Choose a category from this partnership's rubric.")
    if not School.objects.in_partnership(partnership, day=agreed_on).filter(pk=school.pk).exists():
        raise ValidationError(f"{school} is not a member of the partnership on {agreed_on:%-d %B %Y}.")
    if not evidence.strip():
        raise ValidationError("Record the evidence behind the category.")
    existing = (
        Categorisation.objects.select_for_update()
        .filter(partnership=partnership, school=school, academic_year=academic_year)
        .first()
    )
    before = existing.category.name if existing else None
    categorisation, _ = Categorisation.objects.update_or_create(
        partnership=partnership,
        school=school,
        academic_year=academic_year,
        defaults={"category": category, "evidence": evidence.strip(), "agreed_on": agreed_on, "recorded_by": actor},
    )
    record(
        actor=actor,
        verb="improvement.school.categorised",
        target=categorisation,
        partnership=partnership,
        data={"school": school.pk, "year": academic_year, "from": before, "to": category.name},
    )
    return categorisation
