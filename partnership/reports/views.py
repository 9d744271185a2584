from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..current import get_partnership, use_partnership
from ..inputs import is_plain_number
from ..models import Partnership, Term
from ..pdf import private_storage
from ..permissions import (
    REPORT_READER_ROLES,
    can_generate_reports,
    can_read_reports,
    grants,
    require,
    visible_partnership_ids,
)
from .models import TermlyReport
from .services import record_download, request_report

Status = TermlyReport.Status


def _report_of(request, pk) -> TermlyReport:
    """A report of a partnership the user belongs to (404 otherwise) that they may read (403)."""
    report = get_object_or_404(
        TermlyReport.objects.select_related("partnership__local_authority", "term").defer("html"),
        pk=pk,
        partnership_id__in=visible_partnership_ids(request.user),
    )
    require(can_read_reports(request.user, report.partnership))
    use_partnership(request, report.partnership)
    return report


@login_required
def report_list(request, partnership_slug):
    partnership = get_partnership(request, partnership_slug)
    require(can_read_reports(request.user, partnership))
    terms = list(Term.objects.for_partnership(partnership).filter(start__lte=timezone.localdate()).order_by("-start"))
    latest = {}
    for report in (
        TermlyReport.objects.filter(partnership=partnership, term__in=terms).defer("html").order_by("term", "-version")
    ):
        latest.setdefault(report.term_id, report)
    rows = [{"term": term, "report": latest.get(term.pk)} for term in terms]
    return render(
        request,
        "partnership/report/list.html",
        {
            "partnership": partnership,
            "rows": rows,
            "can_generate": can_generate_reports(request.user, partnership),
        },
    )


@login_required
def report_term(request, partnership_slug, term_id):
    partnership = get_partnership(request, partnership_slug)
    require(can_read_reports(request.user, partnership))
    term = get_object_or_404(Term.objects.for_partnership(partnership), pk=term_id)
    versions = list(
        TermlyReport.objects.filter(partnership=partnership, term=term)
        .select_related("requested_by")
        .defer("html")
        .order_by("-version")
    )
    shown = next((report for report in versions if report.status == Status.READY), None)
    body = TermlyReport.objects.values_list("html", flat=True).get(pk=shown.pk) if shown else ""
    return render(
        request,
        "partnership/report/term.html",
        {
            "partnership": partnership,
            "term": term,
            "versions": versions,
            "report": versions[0] if versions else None,
            "shown": shown,
            "body": body,
            "can_generate": can_generate_reports(request.user, partnership),
        },
    )


@login_required
@require_POST
def generate(request, partnership_slug, term_id):
    partnership = get_partnership(request, partnership_slug)
    require(can_generate_reports(request.user, partnership))
    term = get_object_or_404(Term.objects.for_partnership(partnership), pk=term_id)
    report, created = request_report(partnership=partnership, term=term, requested_by=request.user)
    if created and report.dispatch.refused:
        messages.warning(
            request,
            f"Version {report.version} of the {term} report is saved, but the job service is unavailable just now: "
            "it will start by itself when the service is back. You do not need to press Generate now again.",
        )
    elif created:
        messages.success(request, f"Version {report.version} of the {term} report is queued.")
    else:
        messages.info(request, f"Version {report.version} of the {term} report is already being built.")
    return redirect("reports:report_term", partnership.slug, term.pk)


@login_required
def report_status(request, pk):
    report = _report_of(request, pk)
    if not request.htmx:  # opened directly (a bookmark, a copied address): the whole page
        return redirect(report)
    if request.GET.get("seen") == report.status_signature:
        return HttpResponse(status=204)  # nothing new: htmx leaves the page as it is
    return render(request, "partnership/report/_status.html", {"report": report, "standalone": True})


def _download(request, pk, kind: str):
    report = _report_of(request, pk)
    name = report.pdf_file if kind == "pdf" else report.csv_file
    if report.status != Status.READY or not name:
        raise Http404("This report has no file to download yet.")
    try:
        handle = private_storage().open(name, "rb")
    except FileNotFoundError as error:
        raise Http404("The report's file is missing.") from error
    record_download(report=report, user=request.user, kind=kind)
    extension = "pdf" if kind == "pdf" else "zip"
    return FileResponse(
        handle,
        as_attachment=True,
        filename=report.download_name(extension),
        content_type="application/pdf" if kind == "pdf" else "application/zip",
    )


@login_required
def download_pdf(request, pk):
    return _download(request, pk, "pdf")


@login_required
def download_csv(request, pk):
    return _download(request, pk, "csv")


@login_required
def overview(request):
    """Every report of the partnerships the person reads reports for, filterable by term."""
    ids = {grant.partnership_id for grant in grants(request.user) if grant.role in REPORT_READER_ROLES}
    require(bool(ids))
    reports = TermlyReport.objects.for_user(request.user).select_related("partnership", "term").defer("html")
    term_choices = [
        (f"{year}-{season}", f"{Term.Season(season).label} term {year}/{(year + 1) % 100:02d}")
        for year, season in sorted(
            set(reports.values_list("term__academic_year", "term__season")),
            key=lambda pair: (-pair[0], -Term.SEASON_ORDER[pair[1]]),
        )
    ]
    partnerships = Partnership.objects.filter(pk__in=ids).order_by("name")
    chosen_term = request.GET.get("term", "")
    chosen_partnership = request.GET.get("partnership", "")
    if chosen_term:
        year, _, season = chosen_term.partition("-")
        if is_plain_number(year) and season in Term.Season.values:
            reports = reports.filter(term__academic_year=int(year), term__season=season)
        else:
            messages.error(request, "That term is not one of the choices; showing every term.")
            chosen_term = ""
    if chosen_partnership:
        if chosen_partnership in {p.slug for p in partnerships}:
            reports = reports.filter(partnership__slug=chosen_partnership)
        else:
            messages.error(request, "That partnership is not one of yours; showing them all.")
            chosen_partnership = ""
    page = Paginator(reports.order_by("-term__start", "partnership__name", "-version"), 50).get_page(
        request.GET.get("page")
    )
    query = "&".join(
        f"{key}={value}" for key, value in (("term", chosen_term), ("partnership", chosen_partnership)) if value
    )
    return render(
        request,
        "partnership/report/overview.html",
        {
            "page_obj": page,
            "term_choices": term_choices,
            "partnerships": partnerships,
            "chosen_term": chosen_term,
            "chosen_partnership": chosen_partnership,
            "query": query,
        },
    )
