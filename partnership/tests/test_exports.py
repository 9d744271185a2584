"""The one CSV writer: fast checks of each rule, and one check that LibreOffice, opening the
files as a spreadsheet user would, gets text, numbers and codes of the right type."""

import csv
import io
import shutil
import subprocess
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from conftest import needs_service
from partnership.exports import cell, csv_bytes, csv_response, money, safe_filename

# --- the rules, one by one -------------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_text_that_a_spreadsheet_would_run_as_a_formula_gets_a_leading_apostrophe(start):
    assert (
        cell(f'{start}HYPERLINK("http://evil.example","Click")') == f'\'{start}HYPERLINK("http://evil.example","Click")'
    )


def test_text_that_only_contains_a_formula_character_later_is_left_alone():
    assert cell("Smith-Jones") == "Smith-Jones"
    assert cell("a=b") == "a=b"
    assert cell("office@darnhall.example.org") == "office@darnhall.example.org"


def test_numbers_and_money_are_written_as_plain_numbers_even_when_negative():
    assert [cell(v) for v in (Decimal("-100.00"), Decimal("1250.50"), -3, 0, 2.5)] == [
        "-100.00",
        "1250.50",
        "-3",
        "0",
        "2.5",
    ]
    assert cell(Decimal("1E+3")) == "1000"  # never in exponent form


def test_a_negative_amount_given_as_text_is_treated_as_text():
    # Only str values are neutralised: pass money as Decimal to get a number.
    assert cell("-100.00") == "'-100.00"


@pytest.mark.parametrize(
    "code, written",
    [
        ("0123", "'0123"),  # an establishment number with a leading zero
        ("01606552000", "'01606552000"),  # a GIAS telephone number
        ("00", "'00"),
        ("12345678901234567", "'12345678901234567"),  # past 15 digits a spreadsheet rounds
        ("1E5", "'1E5"),  # a spreadsheet would read 100000
        ("123456", "123456"),  # a number it reads back unchanged
        ("873", "873"),
        ("873/2001", "873/2001"),
        ("CW7 1AA", "CW7 1AA"),
        ("01606 552000", "01606 552000"),  # the space already makes it text
    ],
)
def test_codes_a_spreadsheet_would_change_as_numbers_are_kept_as_text(code, written):
    assert cell(code) == written


def test_dates_are_iso_times_are_local_and_empty_values_are_empty():
    assert cell(date(2026, 3, 12)) == "2026-03-12"
    assert cell(datetime(2026, 7, 1, 8, 30, tzinfo=UTC)) == "2026-07-01 09:30"  # British Summer Time
    assert cell(None) == ""
    assert [cell(True), cell(False)] == ["Yes", "No"]


def test_money_rounds_database_sums_to_the_penny():
    assert money(Decimal("90.0000000001")) == Decimal("90.00")
    assert money(None) == Decimal("0.00")
    assert money(0) == Decimal("0.00")


def test_the_file_starts_with_a_byte_order_mark_and_has_one_crlf_line_a_row():
    data = csv_bytes([["School", "Due"], ["Ysgol Gynradd Élan, Siân", Decimal("-100.00")]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == 'School,Due\r\n"Ysgol Gynradd Élan, Siân",-100.00\r\n'


@pytest.mark.parametrize(
    "name, safe",
    [
        ("spending-2025/26.csv", "spending-2025-26.csv"),
        ("Ysgol Gynradd Élan.csv", "Ysgol-Gynradd-Elan.csv"),
        ('../../etc/passwd"\r\nSet-Cookie: x=1', "etc-passwd-Set-Cookie-x-1.csv"),
        ("", "export.csv"),
        ("...", "export.csv"),
    ],
)
def test_download_names_are_plain_ascii_with_no_path_quote_or_line_break(name, safe):
    assert safe_filename(name) == safe


def test_a_response_names_the_file_safely_and_streams_when_asked():
    rows = iter([["URN", "School"], [100001, '=HYPERLINK("x")']])
    response = csv_response('schools "all"/2026.csv', rows, stream=True)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == 'attachment; filename="schools-all-2026.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body == '\ufeffURN,School\r\n100001,"\'=HYPERLINK(""x"")"\r\n'


def test_the_reports_csv_pack_writes_contributions_as_numbers_a_column_sum_can_add():
    from funding.report import funding_csv
    from partnership.registry import ReportSection
    from partnership.reports.assembly import SectionResult, csv_pack

    tables = funding_csv(_funding_data())
    section = ReportSection(key="funding", title="Funding", template="", data=lambda p, t: {})
    pack = zipfile.ZipFile(io.BytesIO(csv_pack([SectionResult(section=section, html="", csv_tables=tables)])))
    rows = list(csv.reader(io.StringIO(pack.read("funding/contributions.csv").decode("utf-8-sig"))))
    assert rows[2] == ["100002", "Ysgol Gynradd Élan", "250.00", "350.00", "-100.00"]


# --- LibreOffice opens the files --------------------------------------------------------

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _funding_data() -> dict:
    return {
        "year": "2026/27",
        "schools": [
            {
                "urn": 100001,
                "name": '=HYPERLINK("http://evil.example","Pay here")',
                "due": Decimal("1000.00"),
                "paid": Decimal("400.50"),
                "outstanding": Decimal("599.50"),
            },
            {
                "urn": 100002,
                "name": "Ysgol Gynradd Élan",
                "due": Decimal("250.00"),
                "paid": Decimal("350.00"),
                "outstanding": Decimal("-100.00"),  # overpaid: in credit
            },
        ],
        "budget": {
            "lines": [{"name": "Moderation (£)", "category": "Cover", "planned": 1, "spent": 2, "remaining": -1}]
        },
    }


def _open_in_libreoffice(tmp_path, files: dict[str, bytes]) -> dict[str, list[list[tuple[str, str]]]]:
    """Each CSV as LibreOffice Calc reads it with its usual options (comma, double quotes,
    UTF-8; formulas evaluated), as rows of (value type, value) per cell."""
    soffice = shutil.which("soffice")
    if soffice is None:
        needs_service("LibreOffice Calc (apt-get install libreoffice-calc-nogui)")
    paths = []
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
        paths.append(str(tmp_path / name))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'office-profile').as_uri()}",
            "--headless",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "ods",
            "--outdir",
            str(tmp_path / "ods"),
            *paths,
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    sheets = {}
    for name in files:
        ods = tmp_path / "ods" / name.replace(".csv", ".ods")
        root = ElementTree.fromstring(zipfile.ZipFile(ods).read("content.xml"))
        sheets[name] = [_cells(row) for row in root.iter(f"{{{TABLE}}}table-row")]
    return sheets


def _cells(row) -> list[tuple[str, str]]:
    cells = []
    for element in row.iter(f"{{{TABLE}}}table-cell"):
        repeated = int(element.get(f"{{{TABLE}}}number-columns-repeated", "1"))
        cells.extend([_typed(element)] * min(repeated, 50))  # empty cells are written once, repeated
    return cells


def _typed(element) -> tuple[str, str]:
    kind = element.get(f"{{{OFFICE}}}value-type") or "empty"
    if element.get(f"{{{TABLE}}}formula"):
        kind = "formula"
    value = element.get(f"{{{OFFICE}}}value")
    text = "\n".join("".join(p.itertext()) for p in element.iter(f"{{{TEXT}}}p"))
    return kind, value if kind == "float" else text


@pytest.mark.django_db
def test_libreoffice_reads_formulas_as_text_money_as_numbers_and_codes_with_their_zeros(world, client, tmp_path):
    from cpd.report import cpd_csv
    from funding.report import funding_csv
    from partnership.registry import ReportSection
    from partnership.reports.assembly import SectionResult, csv_pack
    from schools.tests.factories import MembershipFactory, SchoolFactory

    # The school list export, from the page, with a name someone typed to attack it.
    for name, phone, number in [
        ('=HYPERLINK("http://evil.example","Click")', "01606552000", "0123"),
        ("Ysgol Gynradd Élan, Siân ŵ ŷ", "01606 551234", "2001"),
    ]:
        school = SchoolFactory(name=name, telephone=phone, establishment_number=number, la_code="896")
        MembershipFactory(partnership=world.partnership, school=school)
    client.force_login(world.user("coordinator"))
    response = client.get(reverse("schools:school_export", args=["winsford"]))
    schools_csv = b"".join(response.streaming_content)

    # The termly report's pack, with an overpaid school and a £ in a heading.
    tables = {**funding_csv(_funding_data()), **cpd_csv({"events": [], "schools": []})}
    section = ReportSection(key="money", title="Money", template="", data=lambda p, t: {})
    pack = zipfile.ZipFile(io.BytesIO(csv_pack([SectionResult(section=section, html="", csv_tables=tables)])))

    sheets = _open_in_libreoffice(
        tmp_path,
        {
            "schools.csv": schools_csv,
            "contributions.csv": pack.read("money/contributions.csv"),
            "cpd_schools.csv": pack.read("money/cpd_schools.csv"),
        },
    )

    schools = {row[3][1]: row for row in sheets["schools.csv"][1:]}
    header = [text for _kind, text in sheets["schools.csv"][0]]
    assert header[0] == "URN"  # the byte-order mark is not read as part of the first heading
    attack = schools['\'=HYPERLINK("http://evil.example","Click")']
    assert attack[3][0] == "string"  # shown as text, never a live link
    assert attack[header.index("Telephone")] == ("string", "'01606552000")
    assert attack[header.index("EstablishmentNumber")] == ("string", "'0123")
    assert attack[0][0] == "float" and attack[1] == ("float", "896")
    welsh = schools["Ysgol Gynradd Élan, Siân ŵ ŷ"]
    assert welsh[header.index("Telephone")] == ("string", "01606 551234")
    assert not any(kind == "formula" for row in sheets["schools.csv"] for kind, _ in row)

    contributions = sheets["contributions.csv"]
    assert [text for _kind, text in contributions[0]] == ["URN", "School", "Due", "Paid", "Outstanding"]
    assert contributions[1][1] == ("string", '\'=HYPERLINK("http://evil.example","Pay here")')
    assert contributions[2][1] == ("string", "Ysgol Gynradd Élan")
    assert contributions[2][4] == ("float", "-100")
    outstanding = [row[4] for row in contributions[1:]]
    assert all(kind == "float" for kind, _ in outstanding)
    assert sum(Decimal(value) for _kind, value in outstanding) == Decimal("499.50")  # what SUM() adds up

    assert sheets["cpd_schools.csv"][0][3] == ("string", "Charged (£)")
