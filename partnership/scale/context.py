"""What scale seeders share: the ids made so far and a fast bulk insert."""

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.utils import timezone

BATCH = 5000


def reserve_ids(model, count: int) -> range:
    """Ids for `count` new rows of `model`: rows are inserted with their ids, so seeders can
    link rows without reading them back."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        start = cursor.fetchone()[0] + 1
    return range(start, start + count)


def _default(field, now):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    return field.get_default()  # "" for text fields without a default, else None


def bulk_insert(model, rows: Iterable[dict]) -> int:
    """Insert `rows` (dicts by field attname, `id` included) into `model`'s table.

    Missing fields take their model default (auto_now fields: now). PostgreSQL uses COPY;
    other databases a batched executemany. No signals, no save(): this is for seeding only.
    """
    fields = [f for f in model._meta.concrete_fields]
    columns = [f.column for f in fields]
    now = timezone.now()
    defaults = {f.attname: _default(f, now) for f in fields if f.attname != "id"}

    def values(row):
        out = []
        for f in fields:
            value = row[f.attname] if f.attname in row else defaults.get(f.attname)
            out.append(f.get_db_prep_save(value, connection))
        return out

    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))
                    count += 1
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        else:
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"
            batch = []
            for row in rows:
                batch.append(values(row))
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


@dataclass
class ScaleContext:
    """Everything `seed_scale` made, for the seeders of the other areas.

    - `years`: the academic years with activity, oldest first (2026 means 2026/27);
      `current_year` is the last of them.
    - `partnership_ids`, `school_ids`, `local_authority_ids`: in creation order.
    - `schools_of[partnership_id]`: its current member school ids.
    - `users_of[partnership_id]`: {"coordinator", "clerk", "la_officer", "head", "staff"} -> user id
      (head and staff belong to `schools_of[p][0]`).
    - `terms_of_la[la_id]`: [(term_id, season, academic_year, start, end)] oldest first;
      `la_of[partnership_id]`: its local authority id.
    - `people_of_school[school_id]`: person ids (head first, then staff, then governors);
      `governing_body_of[school_id]`.
    - `rng`: a `random.Random` seeded with `seed`, so the same sizes give the same data.
    - `tag`: appended to partnership slugs and seeded e-mail addresses, so a seed can be added
      to a database that already holds one (`seed_partnership`).
    """

    schools: int
    partnerships: int
    years: list[int]
    seed: int = 2026
    tag: str = ""
    rng: random.Random = field(init=False)
    today: date = field(default_factory=timezone.localdate)
    local_authority_ids: list[int] = field(default_factory=list)
    partnership_ids: list[int] = field(default_factory=list)
    school_ids: list[int] = field(default_factory=list)
    schools_of: dict[int, list[int]] = field(default_factory=dict)
    la_of: dict[int, int] = field(default_factory=dict)
    users_of: dict[int, dict[str, int]] = field(default_factory=dict)
    terms_of_la: dict[int, list[tuple]] = field(default_factory=dict)
    people_of_school: dict[int, list[int]] = field(default_factory=dict)
    governing_body_of: dict[int, int] = field(default_factory=dict)

    def __post_init__(self):
        self.rng = random.Random(self.seed)

    @property
    def current_year(self) -> int:
        return self.years[-1]

    def terms_of(self, partnership_id: int) -> list[tuple]:
        return self.terms_of_la[self.la_of[partnership_id]]

    bulk_insert = staticmethod(bulk_insert)
    reserve_ids = staticmethod(reserve_ids)
