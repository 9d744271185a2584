import time

from django.core.management.base import BaseCommand, CommandError

from partnership.models import Partnership, Term
from partnership.reports.services import request_report
from partnership.reports.tasks import produce_report


class Command(BaseCommand):
    help = (
        "Queue a partnership's termly report; with --wait, build it here and print the PDF's name in private storage."
    )

    def add_arguments(self, parser):
        parser.add_argument("partnership_slug")
        parser.add_argument("term_id", type=int)
        parser.add_argument("--wait", action="store_true", help="Build the report in this process and wait for it.")
        parser.add_argument("--timeout", type=int, default=900, help="With --wait: seconds to wait for a worker.")

    def handle(self, *args, partnership_slug, term_id, wait=False, timeout=900, **options):
        partnership = Partnership.objects.filter(slug=partnership_slug).first()
        if partnership is None:
            raise CommandError(f"No partnership with the slug {partnership_slug!r}.")
        term = Term.objects.for_partnership(partnership).filter(pk=term_id).first()
        if term is None:
            choices = ", ".join(f"{t.pk} ({t})" for t in Term.objects.for_partnership(partnership).order_by("start"))
            raise CommandError(f"Term {term_id} does not apply to {partnership}. Its terms: {choices or 'none'}.")
        report, created = request_report(partnership=partnership, term=term, requested_by=None)
        verb = "Queued" if created else "Already queued:"
        self.stdout.write(
            f"{verb} version {report.version} of the {term} report for {partnership} (report {report.pk})."
        )
        if not wait:
            return
        # Build it here; if a worker (or the eager queue) claimed it first, wait for that one.
        produce_report(report.pk)
        deadline = time.monotonic() + timeout
        report.refresh_from_db()
        while not report.is_finished:
            if time.monotonic() > deadline:
                raise CommandError(f"Report {report.pk} is still {report.status} after {timeout} seconds.")
            time.sleep(1)
            report.refresh_from_db()
        if report.status == report.Status.FAILED:
            raise CommandError(f"Report {report.pk} failed: {report.error}")
        # A name in private storage, not a path: on S3 there is no local file to point at.
        self.stdout.write(f"{report.pdf_file} (private storage, SHA-256 {report.pdf_sha256})")
