"""Realistic GIAS-shaped extracts for tests and the benchmark: the real column names in
the real order (with columns we ignore), Windows-1252 by default, names with apostrophes
and accents."""

import csv
import io
import random
import tempfile
import time
from datetime import date
from pathlib import Path

from django.db import transaction

HEADER = [
    "URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName",
    "TypeOfEstablishment (code)", "TypeOfEstablishment (name)", "EstablishmentTypeGroup (code)",
    "EstablishmentTypeGroup (name)", "EstablishmentStatus (code)", "EstablishmentStatus (name)",
    "OpenDate", "PhaseOfEducation (code)", "PhaseOfEducation (name)", "StatutoryLowAge",
    "StatutoryHighAge", "Boarders (name)", "Gender (name)", "ReligiousCharacter (code)",
    "ReligiousCharacter (name)", "Diocese (name)", "SchoolCapacity", "CensusDate", "NumberOfPupils",
    "NumberOfBoys", "NumberOfGirls", "PercentageFSM", "Trusts (code)", "Trusts (name)",
    "Federations (code)", "Federations (name)", "UKPRN", "Street", "Locality", "Address3", "Town",
    "County (name)", "Postcode", "SchoolWebsite", "TelephoneNum", "HeadTitle (name)",
    "HeadFirstName", "HeadLastName", "HeadPreferredJobTitle", "Easting", "Northing",
]  # fmt: skip

SAINTS = ["St Mary's", "St John's", "St Chad's", "St Joseph's", "Holy Trinity", "St Anne's", "Christ Church"]
PLACES = ["Winsford", "Over", "Wharton", "Darnhall", "Élan Valley", "Llanfaír", "Bryn Coch", "Whitegate", "Moulton"]
WELSH = ["Ysgol Gynradd", "Ysgol Gymraeg", "Ysgol Bro"]
FIRST = ["Helen", "David", "Siân", "Zoë", "Rhodri", "Chloé", "Amélie", "Seán", "Karen", "Paul"]
LAST = ["Ashworth", "Pryce", "O'Neill", "Doyle", "Müller", "Brontë", "Evans", "Jennings"]
KINDS = [
    ("Community school", "Primary", 4, 11, "Does not apply", "Local authority maintained schools"),
    ("Voluntary aided school", "Primary", 4, 11, "Church of England", "Local authority maintained schools"),
    ("Voluntary controlled school", "Primary", 4, 11, "Church of England", "Local authority maintained schools"),
    ("Academy converter", "Secondary", 11, 18, "Does not apply", "Academies"),
    ("Academy sponsor led", "Primary", 3, 11, "Roman Catholic", "Academies"),
    ("Community special school", "Not applicable", 2, 19, "Does not apply", "Special schools"),
    ("Foundation school", "Secondary", 11, 16, "Does not apply", "Local authority maintained schools"),
]
LAS = [("896", "Cheshire West and Chester"), ("895", "Cheshire East"), ("352", "Manchester"), ("925", "Lincolnshire")]


def school_name(rng: random.Random) -> tuple[str, str]:
    place = rng.choice(PLACES)
    style = rng.random()
    if style < 0.3:
        return f"{rng.choice(SAINTS)} CofE Primary School", place
    if style < 0.4:
        return f"{rng.choice(WELSH)} {place}", place
    if style < 0.8:
        return f"{place} Community Primary School", place
    return f"{place} High School", place


def gias_rows(rows: int, *, start_urn: int = 100000, census: date = date(2026, 1, 15), seed: int = 0, la=None):
    """Yields lists of cells, the header first."""
    rng = random.Random(seed)
    yield HEADER
    for index in range(rows):
        name, town = school_name(rng)
        kind, phase, low, high, religion, group = rng.choice(KINDS)
        la_code, la_name = la or rng.choice(LAS)
        pupils = rng.randint(40, 1800 if phase == "Secondary" else 600)
        trust = f"The {town} Learning Trust" if group == "Academies" else ""
        yield [
            str(start_urn + index), la_code, la_name, str(2000 + index % 8000), name,
            "1", kind, "4", group, "1", "Open", "01-09-1974", "2", phase, str(low), str(high),
            "No boarders", "Mixed", "0", religion, "Diocese of Chester" if "CofE" in name else "Not applicable",
            str(pupils + 20), census.strftime("%d-%m-%Y"), str(pupils), str(pupils // 2),
            str(pupils - pupils // 2), "18.4", "", trust, "", "", "10012345", f"{index % 90 + 1} School Lane",
            "", "", town, "Cheshire", f"CW7 {index % 9 + 1}QT", f"www.school{index}.example.org",
            f"01606 {550000 + index % 449999}", rng.choice(["Mrs", "Mr", "Ms", "Dr"]), rng.choice(FIRST),
            rng.choice(LAST), "Headteacher", "365000", "366000",
        ]  # fmt: skip


def write_gias_csv(target, rows: int, *, encoding: str = "cp1252", **options) -> None:
    """Writes an extract to `target` (a path or a binary file). GIAS quotes every cell."""
    if isinstance(target, str | Path):
        with open(target, "wb") as binary:
            write_gias_csv(binary, rows, encoding=encoding, **options)
        return
    text = io.TextIOWrapper(target, encoding=encoding, newline="", write_through=True)
    writer = csv.writer(text, quoting=csv.QUOTE_ALL)
    for cells in gias_rows(rows, **options):
        writer.writerow(cells)
    text.flush()
    text.detach()


def gias_bytes(rows: list[list[str]] | None = None, *, encoding: str = "cp1252", header=None) -> bytes:
    """A small extract in memory, from explicit rows (for tests)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(header or HEADER)
    for row in rows or []:
        writer.writerow(row)
    return out.getvalue().encode(encoding)


def benchmark_import(rows: int = 50_000, *, keep: bool = False) -> dict:
    """Times importing `rows` new schools from a cp1252 extract, then re-importing the next
    year's extract over them (updates plus a new pupil count each). Rolls everything back
    unless `keep`, so it can run against a real database."""
    from .loader import import_gias

    with tempfile.TemporaryDirectory() as folder:
        first, second = Path(folder) / "first.csv", Path(folder) / "second.csv"
        write_gias_csv(first, rows, start_urn=800000)
        write_gias_csv(second, rows, start_urn=800000, census=date(2027, 1, 21), seed=1)
        size = first.stat().st_size

        class Discard(Exception):
            pass

        timings = {}
        try:
            with transaction.atomic():
                for label, path in (("insert", first), ("update", second)):
                    started = time.perf_counter()
                    with open(path, "rb") as binary:
                        result = import_gias(binary, source=f"benchmark {label}")
                    timings[label] = (time.perf_counter() - started, result)
                if not keep:
                    raise Discard
        except Discard:
            pass
    seconds, result = timings["insert"]
    update_seconds, update_result = timings["update"]
    return {
        "rows": rows,
        "megabytes": round(size / 1_000_000, 1),
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "created": result.created,
        "update_seconds": round(update_seconds, 2),
        "update_rows_per_s": round(rows / update_seconds),
        "updated": update_result.updated,
    }
