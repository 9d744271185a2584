import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partnership.scale import SIZES, seed_scale


class Command(BaseCommand):
    help = (
        "Seed synthetic data at any size for benchmarks: local authorities, partnerships, terms, "
        "schools with pupil-count history, governing bodies, people, memberships, a user for "
        "every role, then every area's registered scale seeder. Sizes: "
        + ", ".join(f"{name} {s:,} schools in {p:,} partnership{'s' * (p > 1)}" for name, (s, p) in SIZES.items())
        + ". Reuses the data when the same sizes are already seeded."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), help="A named size (sets --schools and --partnerships).")
        parser.add_argument("--schools", type=int)
        parser.add_argument("--partnerships", type=int)
        parser.add_argument("--years", type=int, default=3, help="Academic years of history (default 3).")
        parser.add_argument("--reset", action="store_true", help="Empty the database first (manage.py flush).")
        parser.add_argument(
            "--if-needed",
            action="store_true",
            help="Reuse the data if the same sizes are seeded; otherwise empty the database and seed.",
        )

    def handle(self, *args, size=None, schools=None, partnerships=None, years=3, reset=False, if_needed=False, **o):
        if settings.PRODUCTION:
            raise CommandError("seed_scale makes accounts with a known password: not in production.")
        if size:
            schools, partnerships = schools or SIZES[size][0], partnerships or SIZES[size][1]
        if not schools or not partnerships:
            raise CommandError("Give --size, or --schools and --partnerships.")
        if schools < 1 or partnerships < 1 or years < 1 or partnerships > schools:
            raise CommandError("Sizes must be positive, with no more partnerships than schools.")
        from partnership.scale import marker_for, seeded_marker

        if if_needed and seeded_marker() != marker_for(schools, partnerships, years):
            reset = True
        started = time.monotonic()
        try:
            seed_scale(schools=schools, partnerships=partnerships, years=years, reset=reset, log=self.stdout.write)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f} s."))
