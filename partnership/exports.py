"""The one CSV writer for every export and for the termly report's CSV pack.

What a spreadsheet opening the file gets:
- UTF-8 with a byte-order mark, so Excel reads £ signs and Welsh names (Siân, ŵ, ŷ) as written.
- Numbers as numbers: `int`, `Decimal` and `float` values are written plainly (`-100.00`), so a
  negative amount stays a number a column sum can add. Pass money as `Decimal`, never as a
  formatted string.
- Text as text: a `str` that starts with = + - @, a tab or a carriage return would run as a
  formula, so it gets a leading apostrophe (the OWASP advice for CSV injection). A `str` that a
  spreadsheet would turn into a number and change (a code with leading zeros such as a
  telephone number "01606552000" or an establishment number "0123", a run of more than 15
  digits, "1E5") gets the same apostrophe: LibreOffice and Excel both keep such a cell as
  text. (`="0123"`, the usual trick, is a formula and so not an option.)
- Dates as ISO dates, times in Europe/London to the minute.
"""

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"

# Spreadsheets treat a cell starting with these as a formula (or, for tab and carriage
# return, strip them and then look again).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Text a spreadsheet would read as a number and so change: leading zeros dropped, more than
# 15 significant digits rounded, an exponent expanded.
_ALTERED_AS_NUMBER = re.compile(r"0\d+(?:\.\d*)?|\d{16,}|\d+(?:\.\d+)?[eE][+-]?\d+")


def money(value) -> Decimal:
    """An amount in pounds and pence, for a cell: a database sum (SQLite gives long tails,
    None for no rows) as a Decimal to the penny."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def cell(value) -> str:
    """One value as the text of its CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return f"{value:f}" if value.is_finite() else ""
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return text_cell(str(value))


def text_cell(text: str) -> str:
    """Text a spreadsheet will show as text: never run as a formula, never made a number."""
    if text.startswith(FORMULA_STARTS) or _ALTERED_AS_NUMBER.fullmatch(text.strip()):
        return "'" + text
    return text


class _Line:
    """A file-like object whose write returns the line, so csv.writer yields text."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    """The byte-order mark, then one CSV line (CRLF-terminated) a row."""
    writer = csv.writer(_Line())
    yield BOM
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def csv_text(rows: Iterable[Iterable]) -> str:
    return "".join(csv_lines(rows))


def csv_bytes(rows: Iterable[Iterable]) -> bytes:
    return csv_text(rows).encode("utf-8")


def safe_filename(name: str, extension: str = ".csv") -> str:
    """An ASCII file name with no path, quote or control character, ending in `extension`."""
    stem = name[: -len(extension)] if extension and name.lower().endswith(extension) else name
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem)
    stem = re.sub(r"-{2,}", "-", stem).strip(".-_")[:100] or "export"
    return stem + extension


def csv_response(filename: str, rows: Iterable[Iterable], *, stream: bool = False) -> HttpResponse:
    """A download of `rows`. `stream=True` for exports that can be big: rows are written as the
    client reads them (pass a lazy iterable, e.g. a queryset's `.iterator()`)."""
    if stream:
        response = StreamingHttpResponse(csv_lines(rows), content_type=CONTENT_TYPE)
    else:
        response = HttpResponse(csv_text(rows), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, safe_filename(filename))
    return response
