"""Run the whole scale seed: core, schools, then every registered scale seeder."""

import hashlib
import time
import uuid

from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from ..demo import academic_year_of
from ..models import LocalAuthority, Partnership
from ..registry import registry
from . import core
from . import schools as schools_data
from .context import ScaleContext

# The sizes the issue names: (schools, partnerships).
SIZES = {"town": (15, 1), "county": (310, 20), "region": (1100, 80), "national": (25000, 2000)}
# A local authority row with this code marks a finished seed and says what it holds.
MARKER_CODE = "~SC"
# Bump when the core or schools data changes, so `--if-needed` seeds again.
VERSION = 3


def marker_for(schools: int, partnerships: int, years: int) -> str:
    """What the marker row says: the sizes and which seeders ran (so data is seeded again
    when an app adds a seeder)."""
    names = ",".join(s.name for s in registry.scale_seeders)
    digest = hashlib.sha1(names.encode()).hexdigest()[:8]
    return f"seed_scale v{VERSION}: {schools} schools, {partnerships} partnerships, {years} years, seeders {digest}"


def seeded_marker() -> str | None:
    return LocalAuthority.objects.filter(code=MARKER_CODE).values_list("name", flat=True).first()


def seed_scale(*, schools: int, partnerships: int, years: int, reset: bool = False, log=print) -> ScaleContext | None:
    """Seed the data; returns None when the same sizes are already seeded."""
    wanted = marker_for(schools, partnerships, years)
    if not reset and seeded_marker() == wanted:
        log(f"Already seeded: {wanted}.")
        return None
    if reset:
        log("Emptying the database (flush).")
        call_command("flush", interactive=False, verbosity=0)
    elif Partnership.objects.exists():
        raise ValueError("The database already holds other data: use --reset to empty it first.")
    context = _context(schools=schools, partnerships=partnerships, years=years)
    with transaction.atomic():
        _run_steps(context, log)
        LocalAuthority.objects.create(code=MARKER_CODE, name=wanted)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    log(f"Seeded: {wanted}.")
    return context


def seed_partnership(*, schools: int, years: int = 1, log=None) -> ScaleContext:
    """One partnership of `schools` new schools in its own new local authority, with a user for
    every role and `years` academic years of every area's activity, added to the current
    database whatever it already holds (fresh LA code, URNs, slug and e-mail addresses).
    The partnership is `context.partnership_ids[0]`. For benchmarks of one partnership, such
    as the termly report's."""
    context = _context(schools=schools, partnerships=1, years=years, tag=f"-{uuid.uuid4().hex[:8]}")
    with transaction.atomic():
        _run_steps(context, log or (lambda message: None))
    return context


def _context(*, schools: int, partnerships: int, years: int, tag: str = "") -> ScaleContext:
    current = academic_year_of(timezone.localdate())
    return ScaleContext(
        schools=schools, partnerships=partnerships, years=list(range(current - years + 1, current + 1)), tag=tag
    )


def _run_steps(context: ScaleContext, log) -> None:
    """The core and schools steps, then every registered scale seeder, in order."""
    steps = [
        ("local authorities", core.seed_local_authorities),
        ("partnerships", core.seed_partnerships),
        ("terms", core.seed_terms),
        ("schools, pupil counts, governing bodies and people", schools_data.seed_schools),
        ("memberships", schools_data.seed_memberships),
        ("users, role grants and two-factor", core.seed_users),
    ] + [(f"{s.name} (registered seeder)", s.seed) for s in registry.scale_seeders]
    for label, step in steps:
        started = time.monotonic()
        step(context)
        log(f"  {label}: {time.monotonic() - started:.1f} s")
