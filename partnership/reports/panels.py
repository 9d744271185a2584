"""The core's own plug-ins for termly reports: a dashboard panel and the demo report."""

from django.utils import timezone

from ..models import Term
from ..permissions import can_generate_reports, can_read_reports
from .models import TermlyReport


def reports_panel(request, partnership) -> dict | None:
    """The latest version of the last few terms' reports, for the people who read them."""
    if not can_read_reports(request.user, partnership):
        return None
    reports = list(
        TermlyReport.objects.filter(partnership=partnership)
        .select_related("term")
        .defer("html")
        .order_by("-term__start", "-version")[:12]
    )
    latest = {}
    for report in reports:
        latest.setdefault(report.term_id, report)
    return {
        "partnership": partnership,
        "reports": list(latest.values())[:3],
        "can_generate": can_generate_reports(request.user, partnership),
    }


def seed_demo_report(partnership, accounts) -> None:
    """Build the report for the last term that has ended, as the schedule would have."""
    from .services import request_report

    term = Term.objects.for_partnership(partnership).filter(end__lt=timezone.localdate()).order_by("-end").first()
    if term is not None and not TermlyReport.objects.filter(partnership=partnership, term=term).exists():
        request_report(partnership=partnership, term=term, requested_by=None)
