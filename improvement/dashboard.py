from django.db.models import Exists, OuterRef

from schools.models import School

from . import rules
from .models import Categorisation, NewsItem, SupportAgreement
from .views._common import academic_year_of, year_label


def support_panel(request, partnership):
    """For coordinators and LA officers: the schools whose category this year needs support,
    and whether each has an active support agreement."""
    if not rules.reads_everything(request.user, partnership):
        return None
    year = academic_year_of()
    active = SupportAgreement.objects.filter(
        partnership=partnership, receiving_school=OuterRef("school"), status=SupportAgreement.Status.ACTIVE
    )
    rows = (
        Categorisation.objects.filter(
            partnership=partnership,
            academic_year=year,
            category__needs_support=True,
            school__in=School.objects.in_partnership(partnership),
        )
        .select_related("school", "category")
        .annotate(has_support=Exists(active))
        .order_by("-category__rank", "school__name")
    )
    return {"partnership": partnership, "rows": rows, "year_label": year_label(year)}


def news_panel(request, partnership):
    if not rules.is_member(request.user, partnership):
        return None
    return {"partnership": partnership, "items": NewsItem.objects.filter(partnership=partnership)[:3]}
