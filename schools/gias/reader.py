"""Reading a GIAS establishment extract: encodings, header names across vintages, and
row-by-row validation. Streams: one row in memory at a time.

GIAS ("Get Information About Schools", formerly EduBase) publishes `edubasealldata*.csv`
in Windows-1252; newer extracts and files re-saved by spreadsheets come as UTF-8, with or
without a byte order mark, and Excel's "Unicode text" as UTF-16 with tabs between the
cells (a spreadsheet set to a European locale saves with semicolons): the separator is the
one the first row uses most. Headers are matched loosely (case, spaces and brackets are
ignored), so "LA (code)", "LA(code)" and "la_code" all name the same column.
"""

import codecs
import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain

from partnership.inputs import is_plain_number

# Our field -> the header names it has had (already normalised by `normalise_header`).
COLUMNS: dict[str, tuple[str, ...]] = {
    "urn": ("urn",),
    "la_code": ("lacode", "la", "lanumber"),
    "la_name": ("laname",),
    "establishment_number": ("establishmentnumber", "estab", "establishmentno"),
    "name": ("establishmentname", "schoolname", "name"),
    "type_of_establishment": ("typeofestablishmentname", "typeofestablishment"),
    "status": ("establishmentstatusname", "establishmentstatus"),
    "phase": ("phaseofeducationname", "phaseofeducation"),
    "statutory_low_age": ("statutorylowage",),
    "statutory_high_age": ("statutoryhighage",),
    "religious_character": ("religiouscharactername", "religiouscharacter"),
    "number_of_pupils": ("numberofpupils",),
    "census_date": ("censusdate",),
    "street": ("street",),
    "locality": ("locality",),
    "town": ("town",),
    "postcode": ("postcode",),
    "telephone": ("telephonenum", "telephone", "telephonenumber"),
    "website": ("schoolwebsite", "website", "websiteaddress"),
    "head_title": ("headtitlename", "headtitle"),
    "head_first_name": ("headfirstname",),
    "head_last_name": ("headlastname",),
    "trust_name": ("trustsname", "trustname", "trusts"),
    "federation_name": ("federationsname", "federationname", "federations"),
}
REQUIRED = ("urn", "name")

# Text fields and the longest value each takes (the model's max_length).
TEXT_LIMITS = {
    "la_code": 3,
    "la_name": 120,
    "establishment_number": 10,
    "name": 200,
    "type_of_establishment": 120,
    "status": 60,
    "phase": 60,
    "religious_character": 120,
    "street": 200,
    "locality": 200,
    "town": 120,
    "postcode": 10,
    "telephone": 30,
    "website": 200,
    "trust_name": 200,
    "federation_name": 200,
}
LABELS = {
    "urn": "URN",
    "la_code": "LA (code)",
    "name": "EstablishmentName",
    "statutory_low_age": "StatutoryLowAge",
    "statutory_high_age": "StatutoryHighAge",
    "number_of_pupils": "NumberOfPupils",
    "census_date": "CensusDate",
}
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")
NOT_APPLICABLE = {"", "not applicable", "n/a"}
_NOT_LETTERS = re.compile(r"[^a-z0-9]")


class GiasFileError(ValueError):
    """The file as a whole cannot be read (not a CSV, no URN column...)."""


@dataclass
class RowError:
    row: int  # as a spreadsheet shows it: the header is row 1
    field: str
    message: str

    def as_list(self) -> list:
        return [self.row, self.field, self.message]

    def __str__(self):
        return f"Row {self.row}, {self.field}: {self.message}"


@dataclass(frozen=True)
class OtherAuthority:
    """A row for a local authority outside the importer's scope: left alone."""

    row: int


@dataclass
class GiasRow:
    row: int
    urn: int
    values: dict  # School field -> value
    census_date: date | None = None
    pupils: int | None = None


@dataclass
class Filters:
    la_codes: set[str] = field(default_factory=set)
    urns: set[int] = field(default_factory=set)
    # The LA codes the importer may write (an LA-wide officer's own); None: every row (a
    # deployment administrator). Rows outside it are left alone and counted, not checked.
    scope: frozenset[str] | None = None

    def in_scope(self, la_code: str) -> bool:
        return self.scope is None or la_code in self.scope

    def keeps(self, la_code: str, urn_text: str) -> bool:
        if self.la_codes and la_code not in self.la_codes:
            return False
        if self.urns:
            try:
                return int(urn_text) in self.urns
            except ValueError:
                return False
        return True


def normalise_header(header: str) -> str:
    return _NOT_LETTERS.sub("", header.lstrip("\ufeff").strip().lower())


def decoded_lines(binary: Iterable[bytes]) -> Iterator[str]:
    """Decodes line by line: UTF-8 (dropping a BOM) until a line is not valid UTF-8, then
    Windows-1252 for the rest of the file. Reading lines keeps memory flat; both encodings
    agree on the bytes of a line break, so splitting first is safe. A file that starts with
    a UTF-16 byte order mark is decoded as UTF-16 instead."""
    chunks = iter(binary)
    head = next(chunks, b"")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        yield from _utf16_lines(chain([head], chunks))
        return
    encoding = "utf-8"
    first = True
    for raw in chain([head], chunks):
        if first:
            first = False
            if raw.startswith(codecs.BOM_UTF8):
                raw = raw[3:]
        if encoding == "utf-8":
            try:
                yield raw.decode("utf-8")
                continue
            except UnicodeDecodeError:
                encoding = "cp1252"
        # cp1252 leaves five bytes undefined; a stray one becomes U+FFFD instead of failing.
        yield raw.decode("cp1252", errors="replace")


def _utf16_lines(chunks: Iterable[bytes]) -> Iterator[str]:
    """UTF-16 text from byte chunks split anywhere (a binary file splits at b"\\n", which in
    UTF-16 falls inside a character), yielded a line at a time."""
    decoder = codecs.getincrementaldecoder("utf-16")(errors="replace")
    pending = ""
    for chunk in chunks:
        pending += decoder.decode(chunk)
        *lines, pending = pending.split("\n")
        for line in lines:
            yield line + "\n"
    pending += decoder.decode(b"", final=True)
    if pending:
        yield pending


def _separator(first_line: str) -> str:
    counts = {separator: first_line.count(separator) for separator in (",", "\t", ";")}
    return max(counts, key=lambda separator: counts[separator])


def _column_positions(header: list[str]) -> dict[str, int]:
    by_name = {}
    for position, name in enumerate(header):
        by_name.setdefault(normalise_header(name), position)
    positions = {}
    for ours, names in COLUMNS.items():
        for name in names:
            if name in by_name:
                positions[ours] = by_name[name]
                break
    missing = [LABELS.get(name, name) for name in REQUIRED if name not in positions]
    if missing:
        raise GiasFileError(
            f"This does not look like a GIAS establishment file: no {' or '.join(missing)} column in the first row."
        )
    return positions


def _whole_number(text: str, label: str, errors: list, row: int, low: int, high: int) -> int | None:
    if text.lower() in NOT_APPLICABLE:
        return None
    try:
        number = int(text)
    except ValueError:
        errors.append(RowError(row, label, f"“{text[:40]}” is not a whole number."))
        return None
    if not low <= number <= high:
        errors.append(RowError(row, label, f"{number} is outside {low} to {high}."))
        return None
    return number


def _census_date(text: str, errors: list, row: int) -> date | None:
    if not text:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    errors.append(RowError(row, "CensusDate", f"“{text[:40]}” is not a date like 16-01-2025."))
    return None


def school_fields(positions: dict[str, int]) -> list[str]:
    """The School fields an extract with these columns sets; the others are left alone."""
    fields = [name for name in TEXT_LIMITS if name in positions]
    fields += [name for name in ("statutory_low_age", "statutory_high_age") if name in positions]
    if "number_of_pupils" in positions:
        fields += ["number_of_pupils", "pupils_counted_on"]
    if {"head_title", "head_first_name", "head_last_name"} & set(positions):
        fields.append("head_name")
    return fields


def open_rows(binary: Iterable[bytes], filters: Filters | None = None) -> tuple[list[str], Iterator]:
    """Reads the header; returns the School fields the file sets and an iterator that
    yields a GiasRow for each good row, a list of RowErrors for each bad one, the row
    number of each row left out (by the filters, or blank) and an OtherAuthority for each
    row outside the importer's scope."""
    filters = filters or Filters()
    lines = decoded_lines(binary)
    try:
        first_line = next(lines, "")
        if not first_line.strip():
            raise GiasFileError("The file is empty.")
        reader = csv.reader(chain([first_line], lines), delimiter=_separator(first_line))
        header = next(reader)
    except StopIteration:
        raise GiasFileError("The file is empty.") from None
    except (csv.Error, UnicodeError) as exc:
        raise GiasFileError(f"The file is not a readable CSV file ({exc}).") from None
    positions = _column_positions(header)
    if filters.scope is not None and "la_code" not in positions:
        raise GiasFileError(
            "The file has no LA (code) column, so its rows cannot be matched to your local authority. "
            "Nothing was imported."
        )
    return school_fields(positions), _rows(reader, positions, filters, len(header))


def _rows(reader, positions: dict[str, int], filters: Filters, width: int) -> Iterator:
    la_at = positions.get("la_code")
    urn_at = positions["urn"]
    text_fields = [(name, positions[name], limit) for name, limit in TEXT_LIMITS.items() if name in positions]
    row_number = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row_number += 1
            yield [RowError(row_number, "(row)", f"The row cannot be read as CSV ({exc}).")]
            continue
        row_number += 1
        if not any(cells):
            yield row_number
            continue
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        la_code = cells[la_at].strip() if la_at is not None else ""
        urn_text = cells[urn_at].strip()
        if not filters.keeps(la_code, urn_text):
            yield row_number
            continue
        if not filters.in_scope(la_code):
            yield OtherAuthority(row_number)
            continue
        yield _validate(row_number, cells, positions, text_fields, urn_text)


def _validate(row: int, cells: list[str], get: dict, text_fields: list, urn_text: str) -> GiasRow | list[RowError]:
    errors: list[RowError] = []
    urn = None
    if not urn_text:
        errors.append(RowError(row, "URN", "The URN is missing."))
    elif not is_plain_number(urn_text) or not 0 < int(urn_text) < 2_147_483_647:
        errors.append(RowError(row, "URN", f"“{urn_text[:40]}” is not a URN (a whole number)."))
    else:
        urn = int(urn_text)
    values = {}
    for name, position, limit in text_fields:
        text = cells[position].strip()
        if len(text) > limit:
            errors.append(RowError(row, LABELS.get(name, name), f"Longer than {limit} characters."))
        values[name] = text
    if not values.get("name"):
        errors.append(RowError(row, "EstablishmentName", "The name is missing."))

    def cell(name):
        return cells[get[name]].strip() if name in get else ""

    # GIAS gives further education colleges and adult provision an age range up to 99.
    low = _whole_number(cell("statutory_low_age"), "StatutoryLowAge", errors, row, 0, 99)
    high = _whole_number(cell("statutory_high_age"), "StatutoryHighAge", errors, row, 0, 99)
    if low is not None and high is not None and low > high:
        errors.append(RowError(row, "StatutoryHighAge", f"The high age {high} is below the low age {low}."))
    pupils = _whole_number(cell("number_of_pupils"), "NumberOfPupils", errors, row, 0, 1_000_000)
    census = _census_date(cell("census_date"), errors, row)
    if errors:
        return errors
    head = " ".join(part for part in (cell("head_title"), cell("head_first_name"), cell("head_last_name")) if part)
    values.update(
        statutory_low_age=low,
        statutory_high_age=high,
        number_of_pupils=pupils,
        pupils_counted_on=census if pupils is not None else None,
        head_name=head[:200],
        urn=urn,
    )
    return GiasRow(row=row, urn=urn, values=values, census_date=census, pupils=pupils)
