"""Putting a termly report together from the sections the apps register.

Each registered `ReportSection` gives its data for (partnership, term); the core renders the
section's template, draws the section's charts as SVG, and joins everything into one body of
HTML. That body is shown on the web page as it is, and wrapped with a cover and a contents
list for the PDF, so both show the same tables and the same charts.
"""

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from ..charts import Figure, chart_figures
from ..exports import csv_bytes
from ..registry import ReportSection, registry


class SectionFailed(Exception):
    """A section could not be produced; the message names the section for the report page."""

    def __init__(self, section: ReportSection, error: Exception):
        self.section = section
        self.error = error
        super().__init__(f"The “{section.title}” section could not be produced: {error.__class__.__name__}: {error}")


@dataclass
class SectionResult:
    section: ReportSection
    html: SafeString
    figures: list[Figure] = field(default_factory=list)
    csv_tables: dict[str, list[list]] = field(default_factory=dict)

    @property
    def anchor(self) -> str:
        return f"section-{self.section.key}"


def report_sections() -> list[ReportSection]:
    return list(registry.report_sections)


def build_section(section: ReportSection, partnership, term) -> SectionResult:
    try:
        data = section.data(partnership, term) or {}
        context = {"section": section, "data": data, "partnership": partnership, "term": term}
        html = render_to_string(section.template, context)
        figures = [figure for chart in data.get("charts") or [] for figure in chart_figures(chart)]
        tables = section.csv_tables(data) if section.csv_tables else {}
    except DatabaseError:
        raise  # the database, not the section: the task retries these
    except Exception as error:
        raise SectionFailed(section, error) from error
    return SectionResult(section=section, html=mark_safe(html), figures=figures, csv_tables=tables or {})  # noqa: S308


def build_sections(
    partnership, term, on_progress: Callable[[int, int, str], None] | None = None
) -> list[SectionResult]:
    """Every registered section, in order. `on_progress(done, total, title)` is called before
    each section and once at the end."""
    sections = report_sections()
    results = []
    with translation.override(settings.LANGUAGE_CODE):
        for done, section in enumerate(sections):
            if on_progress:
                on_progress(done, len(sections), section.title)
            results.append(build_section(section, partnership, term))
    if on_progress:
        on_progress(len(sections), len(sections), "Writing the PDF")
    return results


def render_body(*, partnership, term, sections: list[SectionResult]) -> str:
    """The report's body: one <section> per registered section, with its charts."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "partnership/report/body.html", {"partnership": partnership, "term": term, "sections": sections}
        )


def render_document(*, partnership, term, body: str, sections: list[SectionResult], report=None) -> str:
    """The whole HTML document WeasyPrint turns into the PDF: cover, contents, the body."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "partnership/report/document.html",
            {
                "partnership": partnership,
                "term": term,
                "body": mark_safe(body),  # noqa: S308 -- rendered by our own templates
                "sections": sections,
                "report": report,
                "produced_at": timezone.now(),
            },
        )


def csv_pack(sections: list[SectionResult]) -> bytes:
    """A zip with each section's CSV tables as `<section key>/<file name>`, written by the
    portal's one CSV writer (byte-order mark, numbers as numbers, formulas defused)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as pack:
        listing = [["section", "file", "rows"]]
        for result in sections:
            for filename, rows in result.csv_tables.items():
                pack.writestr(f"{result.section.key}/{filename}", csv_bytes(rows))
                listing.append([result.section.key, filename, max(len(rows) - 1, 0)])
        pack.writestr("README.csv", csv_bytes(listing))
    return buffer.getvalue()
