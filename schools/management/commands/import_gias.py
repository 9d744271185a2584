from django.core.management.base import BaseCommand, CommandError

from schools.gias import Filters, GiasFileError, benchmark_import, import_gias


class Command(BaseCommand):
    help = (
        "Imports a GIAS establishment extract (edubasealldata*.csv): upserts schools by URN and "
        "adds a pupil count per census date. Any bad row stops the whole import unless --skip-bad-rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="The CSV file (Windows-1252 or UTF-8).")
        parser.add_argument("--la", action="append", default=[], metavar="CODE", help="Only this LA code (repeatable).")
        parser.add_argument("--urn", action="append", default=[], type=int, help="Only this URN (repeatable).")
        parser.add_argument("--dry-run", action="store_true", help="Check and count, but write nothing.")
        parser.add_argument("--skip-bad-rows", action="store_true", help="Import the good rows, report the bad.")
        parser.add_argument("--benchmark", type=int, metavar="ROWS", help="Time a generated extract of ROWS rows.")

    def handle(self, *args, **options):
        if options["benchmark"]:
            figures = benchmark_import(options["benchmark"])
            self.stdout.write(
                f"{figures['rows']} rows ({figures['megabytes']} MB): insert {figures['seconds']} s "
                f"({figures['rows_per_s']} rows/s), re-import {figures['update_seconds']} s "
                f"({figures['update_rows_per_s']} rows/s)"
            )
            return
        if not options["file"]:
            raise CommandError("Give the CSV file to import.")
        filters = Filters(la_codes=set(options["la"]), urns=set(options["urn"]))
        try:
            with open(options["file"], "rb") as binary:
                result = import_gias(
                    binary,
                    filters=filters,
                    skip_bad_rows=options["skip_bad_rows"],
                    dry_run=options["dry_run"],
                    source=options["file"].rsplit("/", 1)[-1],
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}.") from None
        except GiasFileError as exc:
            raise CommandError(str(exc)) from None
        for error in result.errors:
            self.stderr.write(str(error))
        if result.error_count > len(result.errors):
            self.stderr.write(f"... and more: {result.error_count} bad rows in all.")
        if result.error_count and not options["skip_bad_rows"]:
            raise CommandError(f"Nothing was imported: {result.bad_rows_text}. {result.summary}")
        self.stdout.write(result.summary + ("" if result.written else " Nothing was written (dry run)."))
