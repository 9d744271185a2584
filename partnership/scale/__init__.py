"""Large synthetic data for benchmarks: `python manage.py seed_scale`.

The core and schools data are made here (`core.py`, `schools.py`); each other area adds its
own rows through `partnership.registry.register_scale_seeder`, reading the ids it needs from
the `ScaleContext` and inserting with `context.bulk_insert`.
"""

from .context import ScaleContext, bulk_insert, reserve_ids
from .run import MARKER_CODE, SIZES, marker_for, seed_partnership, seed_scale, seeded_marker

__all__ = [
    "MARKER_CODE",
    "SIZES",
    "ScaleContext",
    "bulk_insert",
    "marker_for",
    "reserve_ids",
    "seed_partnership",
    "seed_scale",
    "seeded_marker",
]
