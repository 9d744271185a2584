"""Report sections for tests only: production sections come from the apps' own report.py.

`fake_schools_section` reads the partnership's schools through the core's `registry.schools_in`
in a fixed number of queries, like a real section must; `empty_section` has nothing to say."""

import subprocess
from contextlib import contextmanager
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Sum

from partnership.pdf import private_storage
from partnership.registry import ReportSection, registry


def schools_data(partnership, term) -> dict:
    schools = registry.schools_in(partnership, day=term.end).order_by("name")
    rows = list(schools.values("name", "phase", "number_of_pupils"))
    totals = schools.aggregate(schools=Count("pk"), pupils=Sum("number_of_pupils"))
    return {
        "rows": rows,
        "schools": totals["schools"],
        "pupils": totals["pupils"] or 0,
        "contributions": [Decimal("1500.00") + Decimal(row["number_of_pupils"] or 0) * 12 for row in rows],
        "charts": [
            {
                "title": "Pupils per school",
                "unit": "count",
                "labels": [row["name"] for row in rows],
                "series": [{"name": "Pupils", "values": [row["number_of_pupils"] or 0 for row in rows]}],
            },
            {
                "title": "Contributions due and paid per school",
                "unit": "money",
                "labels": [row["name"] for row in rows],
                "series": [
                    {
                        "name": "Due",
                        "values": [Decimal("1500.00") + (row["number_of_pupils"] or 0) * 12 for row in rows],
                    },
                    {
                        "name": "Paid",
                        "values": [Decimal("1500.00") + (row["number_of_pupils"] or 0) * 9 for row in rows],
                    },
                ],
            },
        ]
        if rows
        else [],
    }


def schools_csv(data) -> dict:
    return {
        "schools.csv": [["School", "Phase", "Pupils"]]
        + [[r["name"], r["phase"], r["number_of_pupils"]] for r in data["rows"]]
    }


FAKE_SCHOOLS = ReportSection(
    key="test-schools",
    title="Member schools (test section)",
    template="partnership/tests/report_section_schools.html",
    data=schools_data,
    order=10,
    csv_tables=schools_csv,
)
EMPTY = ReportSection(
    key="test-empty",
    title="Peer review (test section)",
    template="partnership/tests/report_section_empty.html",
    data=lambda partnership, term: {},
    order=60,
)


@contextmanager
def sections(*wanted: ReportSection, only: bool = True):
    """Register `wanted` for the duration (replacing the registered ones when `only`)."""
    saved = list(registry.report_sections)
    try:
        registry.report_sections[:] = [] if only else [s for s in saved if s.key not in {w.key for w in wanted}]
        registry.report_sections.extend(wanted)
        registry.report_sections.sort(key=lambda s: s.order)
        yield
    finally:
        registry.report_sections[:] = saved


def stored_files() -> list[str]:
    root = settings.PRIVATE_MEDIA_ROOT
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []


def pdf_text(report) -> str:
    path = private_storage().path(report.pdf_file)
    return subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout
