import hashlib
import io
import subprocess
import zipfile
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from partnership.models import AuditEntry, Term, TermlyReport
from partnership.pdf import private_storage
from partnership.registry import registry
from partnership.reports import tasks
from partnership.reports.assembly import build_sections, render_body
from partnership.reports.bench import report_benchmark, section_query_counts, seed_county
from partnership.reports.services import request_report
from partnership.tests.factories import TermFactory, TermlyReportFactory, ready_report
from partnership.tests.report_sections import EMPTY, FAKE_SCHOOLS, pdf_text, sections, stored_files

Status = TermlyReport.Status


def test_the_body_has_every_section_in_order_with_its_charts(world, term):
    with sections(EMPTY, FAKE_SCHOOLS):
        results = build_sections(world.partnership, term)
        body = render_body(partnership=world.partnership, term=term, sections=results)

    assert [r.section.key for r in results] == ["test-schools", "test-empty"]
    assert body.index("Member schools (test section)") < body.index("Peer review (test section)")
    assert "2 schools with 730 pupils" in body
    assert "No peer reviews took place this term." in body
    assert body.count('role="img"') == 2  # the fake section's two charts, drawn by the core
    assert "£6,444.00" in body  # Darnhall's contribution, in UK money


def test_a_report_with_no_registered_sections_says_so_plainly(world, term):
    with sections():
        body = render_body(partnership=world.partnership, term=term, sections=build_sections(world.partnership, term))

    assert "No area of the portal contributes a section to the termly report yet" in body


def test_generate_now_builds_a_tagged_pdf_with_every_section_and_a_csv_pack(
    world, term, fake_sections, signed_in, django_capture_on_commit_callbacks
):
    client = signed_in(world.user("coordinator"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:generate", args=[world.partnership.slug, term.pk]))

    assert response.status_code == 302
    report = TermlyReport.objects.get()
    assert (report.status, report.version, report.requested_by) == (Status.READY, 1, world.user("coordinator"))
    assert (report.progress_done, report.progress_total) == (
        len(registry.report_sections),
        len(registry.report_sections),
    )
    pdf = private_storage().open(report.pdf_file).read()
    assert pdf.startswith(b"%PDF-1.7")
    assert (report.pdf_sha256, report.pdf_size) == (hashlib.sha256(pdf).hexdigest(), len(pdf))
    info = subprocess.run(["pdfinfo", private_storage().path(report.pdf_file)], capture_output=True, text=True).stdout
    assert "Tagged:          yes" in info  # PDF/UA-1
    text = pdf_text(report)
    for section in registry.report_sections:
        assert section.title in text, f"the PDF lacks the {section.title!r} section"
    assert "Contents" in text and "Page 2 of" in text
    assert term.start.strftime("%-d %B %Y") in text  # UK dates on the cover
    with zipfile.ZipFile(io.BytesIO(private_storage().open(report.csv_file).read())) as pack:
        rows = pack.read("test-schools/schools.csv").decode("utf-8-sig").splitlines()
    assert rows[0] == "School,Phase,Pupils" and "Darnhall Primary School,Primary,412" in rows
    assert [e.verb for e in AuditEntry.objects.filter(target_id=str(report.pk)).order_by("at")] == [
        "partnership.report.requested",
        "partnership.report.ready",
    ]
    # The LA officer hears about it; nobody else does.
    assert [m.to for m in mail.outbox] == [["la_officer@example.org"]]
    assert "/p/winsford/reports/term/" in mail.outbox[0].body


def test_regenerating_keeps_earlier_versions_and_a_queued_version_is_not_queued_twice(
    world, term, django_capture_on_commit_callbacks
):
    with sections(EMPTY):
        with django_capture_on_commit_callbacks(execute=True):
            first, created = request_report(partnership=world.partnership, term=term)
        with django_capture_on_commit_callbacks(execute=False) as queued:
            second, created_second = request_report(partnership=world.partnership, term=term)
            again, created_again = request_report(partnership=world.partnership, term=term)

    assert created and created_second and not created_again
    assert again == second and len(queued) == 1
    first.refresh_from_db()
    assert (first.status, first.version, second.version) == (Status.READY, 1, 2)
    assert private_storage().exists(first.pdf_file)


def test_a_worker_failing_mid_job_is_retried_and_leaves_exactly_one_finished_report(world, term, monkeypatch):
    real_render = tasks.render_pdf
    calls = []

    def flaky_render(html):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_render(html)

    monkeypatch.setattr(tasks, "render_pdf", flaky_render)
    queued = TermlyReportFactory(partnership=world.partnership, term=term)
    # As a worker runs it: the Retry from the first attempt sends the task again.
    with sections(FAKE_SCHOOLS):
        result = tasks.render_termly_report.apply(args=[queued.pk], throw=False)

    assert result.get() == "ready"
    report = TermlyReport.objects.get()
    assert len(calls) == 2
    assert (report.status, report.attempts, report.error) == (Status.READY, 2, "")
    assert stored_files() == sorted([report.pdf_file, report.csv_file])


def test_a_report_left_running_by_a_killed_worker_is_queued_again_and_finishes_once(
    world, term, django_capture_on_commit_callbacks
):
    # What a worker killed mid-job leaves behind: a RUNNING row and no recorded file.
    report = TermlyReportFactory(
        partnership=world.partnership,
        term=term,
        version=1,
        status=Status.RUNNING,
        attempts=1,
        started_at=timezone.now() - tasks.STALE_AFTER - timedelta(minutes=1),
    )
    fresh = TermlyReportFactory(partnership=world.other_partnership, term=term, status=Status.RUNNING, attempts=1)
    fresh.started_at = timezone.now()
    fresh.save()

    with sections(FAKE_SCHOOLS), django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stale_reports() == 1

    report.refresh_from_db()
    fresh.refresh_from_db()
    assert (report.status, report.attempts) == (Status.READY, 2)
    assert fresh.status == Status.RUNNING  # a live worker's job is left alone
    assert TermlyReport.objects.filter(status=Status.READY).count() == 1
    assert stored_files() == sorted([report.pdf_file, report.csv_file])


def test_a_report_whose_worker_keeps_dying_is_failed_with_a_reason(world, term):
    report = TermlyReportFactory(
        partnership=world.partnership,
        term=term,
        status=Status.RUNNING,
        attempts=tasks.MAX_ATTEMPTS,
        started_at=timezone.now() - tasks.STALE_AFTER - timedelta(minutes=1),
    )

    tasks.requeue_stale_reports()

    report.refresh_from_db()
    assert report.status == Status.FAILED
    assert "stopped 3 times" in report.error


def test_a_late_worker_whose_claim_was_taken_records_nothing_and_removes_its_files(world, term, monkeypatch):
    report = TermlyReportFactory(partnership=world.partnership, term=term, status=Status.QUEUED)
    real_render = tasks.render_pdf

    def render_then_lose_the_claim(html):
        # Meanwhile the sweep thought this worker dead and another worker claimed the job.
        TermlyReport.objects.filter(pk=report.pk).update(attempts=5)
        return real_render(html)

    monkeypatch.setattr(tasks, "render_pdf", render_then_lose_the_claim)
    with sections(EMPTY):
        assert tasks.produce_report(report.pk) is None

    report.refresh_from_db()
    assert (report.status, report.pdf_file) == (Status.RUNNING, "")
    assert stored_files() == []


def test_a_failing_section_fails_the_report_with_a_readable_reason_and_no_files(world, term):
    def broken(partnership, term):
        raise ValueError("the committee list is malformed")

    from partnership.registry import ReportSection

    bad = ReportSection(
        key="broken", title="Governance", template="partnership/tests/report_section_empty.html", data=broken
    )
    report = TermlyReportFactory(partnership=world.partnership, term=term)
    with sections(FAKE_SCHOOLS, bad):
        tasks.render_termly_report.delay(report.pk)

    report.refresh_from_db()
    assert report.status == Status.FAILED
    assert report.error == "The “Governance” section could not be produced: ValueError: the committee list is malformed"
    assert report.finished_at is not None
    assert stored_files() == []
    assert AuditEntry.objects.filter(verb="partnership.report.failed", target_id=str(report.pk)).exists()


def test_a_second_delivery_of_the_same_job_does_nothing(world, term):
    report = ready_report(partnership=world.partnership, term=term)

    assert tasks.render_termly_report.delay(report.pk).get() == "skipped"
    report.refresh_from_db()
    assert report.status == Status.READY


def test_the_daily_job_queues_reports_for_terms_that_ended_yesterday_once(world, django_capture_on_commit_callbacks):
    Term.objects.all().delete()  # the world's own term dates may have ended this week too
    ended = TermFactory(
        partnership=None,
        local_authority=world.partnership.local_authority,
        season=Term.Season.SUMMER,
        academic_year=2025,
        start=timezone.localdate() - timedelta(days=90),
        end=timezone.localdate() - timedelta(days=1),
    )
    # Elsewhere sets its own dates, which win over the LA's.
    own = TermFactory(
        partnership=world.other_partnership,
        season=Term.Season.SUMMER,
        academic_year=2025,
        start=ended.start,
        end=timezone.localdate() - timedelta(days=1),
    )

    with sections(EMPTY), django_capture_on_commit_callbacks(execute=True):
        assert tasks.queue_reports_for_ended_terms() == 2
        assert tasks.queue_reports_for_ended_terms() == 0

    assert set(TermlyReport.objects.values_list("partnership__slug", "term_id", "status")) == {
        ("winsford", ended.pk, Status.READY),
        ("elsewhere", own.pk, Status.READY),
    }
    beat = settings.CELERY_BEAT_SCHEDULE
    assert beat["termly-reports-for-ended-terms"]["task"] == "partnership.reports.tasks.queue_reports_for_ended_terms"
    assert beat["termly-reports-requeue-stale"]["task"] == "partnership.reports.tasks.requeue_stale_reports"


def test_section_queries_do_not_grow_with_the_number_of_schools(db, fake_sections):
    small, small_terms = seed_county(schools=3)
    large, large_terms = seed_county(schools=40)

    few = section_query_counts(small, small_terms[0])
    many = section_query_counts(large, large_terms[0])

    assert few == many, f"queries per section grew with schools: {few} -> {many}"
    assert few["test-schools"] == 2


def test_the_benchmark_reports_its_timings(db):
    with sections(FAKE_SCHOOLS):
        result = report_benchmark(schools=12, repeats=1)

    assert result["schools"] == 12 and result["sections"] == ["test-schools"]
    assert result["total_s"] > 0 and result["weasyprint_only_s"] > 0
    assert result["ratio"] == pytest.approx(result["total_s"] / result["weasyprint_only_s"], rel=0.05)
    assert result["queries_per_section"] == {"test-schools": 2}


def test_the_command_builds_a_report_and_prints_the_pdf_name_in_private_storage(world, term, capsys):
    with sections(EMPTY):
        call_command("termly_report", "winsford", str(term.pk), "--wait")

    report = TermlyReport.objects.get()
    out = capsys.readouterr().out.strip().splitlines()
    assert report.status == Status.READY
    assert out[-1] == f"{report.pdf_file} (private storage, SHA-256 {report.pdf_sha256})"
    assert private_storage().exists(report.pdf_file)


def test_the_command_queues_without_waiting_and_explains_bad_arguments(world, term, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        call_command("termly_report", "winsford", str(term.pk))
    assert TermlyReport.objects.get().status == Status.QUEUED and len(queued) == 1

    with pytest.raises(CommandError, match="No partnership with the slug 'nowhere'"):
        call_command("termly_report", "nowhere", str(term.pk))
    with pytest.raises(CommandError, match="does not apply to Winsford"):
        call_command("termly_report", "winsford", "999999")


@pytest.mark.services
def test_a_real_worker_builds_the_report_end_to_end(celery_worker_real):
    from conftest import build_world

    world = build_world()
    term = Term.current_for(world.partnership)
    with sections(FAKE_SCHOOLS, EMPTY):
        report, _ = request_report(partnership=world.partnership, term=term)  # autocommit: sent at once
        deadline = timezone.now() + timedelta(seconds=60)
        while timezone.now() < deadline:
            report.refresh_from_db()
            if report.is_finished:
                break
            import time

            time.sleep(0.3)

    assert report.status == Status.READY, report.error
    assert "Member schools (test section)" in pdf_text(report)


def test_the_csv_pack_keeps_numbers_and_dates_plain_and_defuses_formulas(world, term):
    from datetime import date
    from decimal import Decimal

    from partnership.registry import ReportSection
    from partnership.reports.assembly import csv_pack

    def tables(data):
        return {
            "money.csv": [
                ["Name", "Amount", "Change", "Due"],
                ['=HYPERLINK("x")', Decimal("12.50"), -3, date(2026, 12, 18)],
            ]
        }

    section = ReportSection(
        key="money",
        title="Money",
        template="partnership/tests/report_section_empty.html",
        data=lambda p, t: {},
        csv_tables=tables,
    )
    with sections(section):
        pack = zipfile.ZipFile(io.BytesIO(csv_pack(build_sections(world.partnership, term))))

    rows = pack.read("money/money.csv").decode("utf-8-sig").splitlines()
    assert rows[1] == '"\'=HYPERLINK(""x"")",12.50,-3,2026-12-18'
    assert pack.read("README.csv").decode("utf-8-sig").splitlines()[1] == "money,money.csv,1"


def test_the_demo_partnerships_report_for_the_current_term_has_every_section(
    db, capsys, django_capture_on_commit_callbacks
):
    from partnership.demo import seed_demo

    with django_capture_on_commit_callbacks(execute=True):
        partnership = seed_demo()
    term = Term.current_for(partnership)
    call_command("termly_report", partnership.slug, str(term.pk), "--wait")

    report = TermlyReport.objects.filter(term=term).latest("version")
    text = pdf_text(report)
    assert report.status == Status.READY and partnership.name in text
    for section in registry.report_sections:
        assert section.title in text, f"the demo report lacks the {section.title!r} section"
    # The demo also built the report of the last term that has ended, as the schedule would have
    # (in a school holiday, that is the term just shown).
    ended = Term.objects.for_partnership(partnership).filter(end__lt=timezone.localdate()).order_by("-end").first()
    assert TermlyReport.objects.filter(partnership=partnership, term=ended, status=Status.READY).exists()
