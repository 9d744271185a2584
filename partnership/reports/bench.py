"""How long a county-sized report takes, against WeasyPrint alone on the same HTML.

    from partnership.reports.bench import report_benchmark
    report_benchmark(schools=300)
    -> {"schools": 300, "total_s": ..., "weasyprint_only_s": ..., "ratio": ..., ...}

It adds a partnership of new schools to the current database (whatever it holds: measure
runs it in a transaction it rolls back), fills it through the scale machinery (core and
schools steps, then a year of every registered scale seeder's activity), builds
the report through the task's own code path, then times WeasyPrint alone on the same
finished HTML. The target: total under 20 seconds and at most 1.2 times WeasyPrint alone.
"""

import gc
import time
from functools import partial

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ..models import Partnership, Term
from ..pdf import render_pdf
from ..registry import registry
from ..scale import seed_partnership
from .assembly import SectionResult, build_section, render_document
from .models import TermlyReport
from .tasks import produce_report


def seed_county(*, schools: int = 300) -> tuple[Partnership, list[Term]]:
    """A new partnership of `schools` new schools with a year of every area's activity, made
    by the scale machinery (`partnership.scale.seed_partnership`: core and schools steps, then
    every registered scale seeder); returns it with its terms of the current academic year."""
    context = seed_partnership(schools=schools, years=1)
    partnership = Partnership.objects.get(pk=context.partnership_ids[0])
    year = context.current_year
    terms = list(Term.objects.for_partnership(partnership).filter(academic_year=year).order_by("start"))
    return partnership, terms


def section_query_counts(partnership, term) -> dict[str, int]:
    """Queries each registered section's data() runs (it must not grow with schools)."""
    counts = {}
    for section in registry.report_sections:
        with CaptureQueriesContext(connection) as queries:
            build_section(section, partnership, term)
        counts[section.key] = len(queries)
    return counts


def _timed(work) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def report_benchmark(schools: int = 300, repeats: int = 2) -> dict:
    """Times are the best of `repeats` runs, in wall-clock seconds and in this process's CPU
    seconds (steadier on a shared machine; the database's own work is not in it)."""
    render_pdf('<html lang="en-GB"><p>warm up</p></html>')  # fonts load once per process
    partnership, terms = seed_county(schools=schools)
    today = timezone.localdate()
    term = next((t for t in reversed(terms) if t.start <= today), terms[0])
    queries = section_query_counts(partnership, term)

    # Alternate the two measurements so neither gains from running later (warm caches) or
    # loses to a heap grown by the other.
    sections = [SectionResult(section=section, html="") for section in registry.report_sections]
    task_runs, weasyprint_runs = [], []
    for version in range(1, repeats + 1):
        report = TermlyReport.objects.create(partnership=partnership, term=term, version=version)
        gc.collect()
        task_runs.append(_timed(partial(produce_report, report.pk))[:2])
        report.refresh_from_db()
        if report.status != TermlyReport.Status.READY:
            raise RuntimeError(f"The benchmark report did not finish: {report.error}")
        # The same finished document, handed to WeasyPrint alone.
        document = render_document(
            partnership=partnership, term=term, body=report.html, sections=sections, report=report
        )
        gc.collect()
        wall, cpu, (_, pages) = _timed(partial(render_pdf, document))
        weasyprint_runs.append((wall, cpu))
    total, total_cpu = min(run[0] for run in task_runs), min(run[1] for run in task_runs)
    alone, alone_cpu = min(run[0] for run in weasyprint_runs), min(run[1] for run in weasyprint_runs)
    return {
        "schools": schools,
        "total_s": round(total, 3),
        "weasyprint_only_s": round(alone, 3),
        "ratio": round(total / alone, 3),
        "total_cpu_s": round(total_cpu, 2),
        "weasyprint_only_cpu_s": round(alone_cpu, 2),
        "cpu_ratio": round(total_cpu / alone_cpu, 3),
        "pages": pages,
        "html_kb": round(len(document.encode()) / 1024),
        "sections": [section.key for section in registry.report_sections],
        "scale_seeders": [seeder.name for seeder in registry.scale_seeders],
        "queries_per_section": queries,
    }
