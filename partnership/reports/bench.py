"""How long a county-sized report takes, against WeasyPrint alone on the same HTML.

    from partnership.reports.bench import report_benchmark
    report_benchmark(schools=300)
    -> {"schools": 300, "total_s": ..., "weasyprint_only_s": ..., "ratio": ..., ...}

It adds a partnership to the current database (run it on a scratch database), lets every
registered scale seeder fill it (schools first, then a year of each app's activity), builds
the report through the task's own code path, then times WeasyPrint alone on the same
finished HTML. The target: total under 20 seconds and at most 1.2 times WeasyPrint alone.
"""

import time
import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ..demo import academic_year_of, term_dates
from ..models import LocalAuthority, Partnership, Term
from ..pdf import render_pdf
from ..registry import registry
from .assembly import SectionResult, build_section, render_document
from .models import TermlyReport
from .tasks import produce_report


def seed_county(*, schools: int = 300) -> tuple[Partnership, list[Term]]:
    """A new partnership with its own terms for the current academic year, filled by the
    registered scale seeders."""
    la, _ = LocalAuthority.objects.get_or_create(code="999", defaults={"name": "Benchmark County Council"})
    tag = uuid.uuid4().hex[:8]
    partnership = Partnership.objects.create(
        name=f"County partnership of {schools} schools ({tag})", slug=f"county-{tag}", local_authority=la
    )
    year = academic_year_of(timezone.localdate())
    terms = [
        Term.objects.create(partnership=partnership, season=season, academic_year=year, start=start, end=end)
        for season, start, end in term_dates(year)
    ]
    for seeder in registry.scale_seeders:
        seeder.seed(partnership, schools=schools, terms=terms)
    return partnership, terms


def section_query_counts(partnership, term) -> dict[str, int]:
    """Queries each registered section's data() runs (it must not grow with schools)."""
    counts = {}
    for section in registry.report_sections:
        with CaptureQueriesContext(connection) as queries:
            build_section(section, partnership, term)
        counts[section.key] = len(queries)
    return counts


def report_benchmark(schools: int = 300) -> dict:
    render_pdf('<html lang="en-GB"><p>warm up</p></html>')  # fonts load once per process; keep that out of both timings
    partnership, terms = seed_county(schools=schools)
    today = timezone.localdate()
    term = next((t for t in reversed(terms) if t.start <= today), terms[0])
    queries = section_query_counts(partnership, term)
    report = TermlyReport.objects.create(partnership=partnership, term=term, version=1)

    started = time.perf_counter()
    produce_report(report.pk)
    total = time.perf_counter() - started
    report.refresh_from_db()
    if report.status != TermlyReport.Status.READY:
        raise RuntimeError(f"The benchmark report did not finish: {report.error}")

    # The same finished document, handed to WeasyPrint alone.
    sections = [SectionResult(section=section, html="") for section in registry.report_sections]
    document = render_document(partnership=partnership, term=term, body=report.html, sections=sections, report=report)
    started = time.perf_counter()
    _, pages = render_pdf(document)
    weasyprint_only = time.perf_counter() - started
    return {
        "schools": schools,
        "total_s": round(total, 2),
        "weasyprint_only_s": round(weasyprint_only, 2),
        "ratio": round(total / weasyprint_only, 3),
        "pages": pages,
        "html_kb": round(len(document.encode()) / 1024),
        "sections": [section.key for section in registry.report_sections],
        "scale_seeders": [seeder.name for seeder in registry.scale_seeders],
        "queries_per_section": queries,
    }
