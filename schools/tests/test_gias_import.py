import codecs
import csv
import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from schools.gias import Filters, GiasFileError, gias_bytes, import_gias, write_gias_csv
from schools.gias.sample import HEADER
from schools.models import PupilCount, School, pupils_on

pytestmark = pytest.mark.django_db


def row(**cells):
    """A GIAS row with the real columns; cells by header name."""
    values = dict.fromkeys(HEADER, "")
    values.update(
        {
            "URN": "111700",
            "LA (code)": "896",
            "LA (name)": "Cheshire West and Chester",
            "EstablishmentNumber": "2000",
            "EstablishmentName": "Darnhall Primary School",
            "TypeOfEstablishment (name)": "Community school",
            "EstablishmentStatus (name)": "Open",
            "PhaseOfEducation (name)": "Primary",
            "StatutoryLowAge": "4",
            "StatutoryHighAge": "11",
            "ReligiousCharacter (name)": "Does not apply",
            "CensusDate": "16-01-2025",
            "NumberOfPupils": "412",
            "Town": "Winsford",
            "Postcode": "CW7 1NA",
            "HeadTitle (name)": "Mrs",
            "HeadFirstName": "Helen",
            "HeadLastName": "Ashworth",
        }
    )
    values.update(cells)
    return [values[name] for name in HEADER]


def run(data: bytes, **options):
    return import_gias(io.BytesIO(data), **options)


def test_a_windows_1252_extract_with_accents_and_apostrophes_imports_with_the_numbers_right():
    data = gias_bytes(
        [
            row(),
            row(
                **{
                    "URN": "111701",
                    "EstablishmentName": "Ysgol Gynradd Élan",
                    "HeadFirstName": "Siân",
                    "NumberOfPupils": "87",
                    "ReligiousCharacter (name)": "Church in Wales",
                }
            ),
            row(
                **{
                    "URN": "111702",
                    "EstablishmentName": "St Mary's CofE Primary School",
                    "NumberOfPupils": "",
                    "CensusDate": "",
                    "StatutoryLowAge": "",
                    "Trusts (name)": "Weaver Trust",
                }
            ),
        ],  # fmt: skip
        encoding="cp1252",
    )
    assert "Élan".encode("cp1252") in data  # really Windows-1252, not UTF-8

    result = run(data, source="edubasealldata20250116.csv")

    assert (result.created, result.updated, result.error_count, result.written) == (3, 0, 0, True)
    welsh = School.objects.get(urn=111701)
    assert welsh.name == "Ysgol Gynradd Élan" and welsh.head_name == "Mrs Siân Ashworth"
    assert (welsh.number_of_pupils, welsh.pupils_counted_on) == (87, date(2025, 1, 16))
    assert welsh.religious_character == "Church in Wales" and welsh.la_code == "896"
    st_marys = School.objects.get(urn=111702)
    assert st_marys.name == "St Mary's CofE Primary School" and st_marys.trust_name == "Weaver Trust"
    assert st_marys.number_of_pupils is None and st_marys.statutory_low_age is None
    assert PupilCount.objects.filter(school=welsh, counted_on=date(2025, 1, 16), pupils=87).exists()
    assert not PupilCount.objects.filter(school=st_marys).exists()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_extracts_with_or_without_a_byte_order_mark_import_the_same(encoding):
    run(gias_bytes([row(**{"EstablishmentName": "Ysgol Gymraeg Bro Élan"})], encoding=encoding))

    assert School.objects.get(urn=111700).name == "Ysgol Gymraeg Bro Élan"


@pytest.mark.parametrize(
    ("encoding", "separator"), [("utf-16", "\t"), ("utf-16-be", "\t"), ("utf-8-sig", ";"), ("cp1252", "\t")]
)
def test_spreadsheet_saves_in_utf16_or_with_tabs_or_semicolons_import_the_same(encoding, separator):
    lines = [HEADER, row(**{"EstablishmentName": "Ysgol Gymraeg Bro Élan, Rhayader"}), row(**{"URN": "111701"})]
    text = "".join(
        separator.join(f'"{cell}"' if separator in cell else cell for cell in line) + "\r\n" for line in lines
    )
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data

    result = run(data)

    assert (result.created, result.error_count) == (2, 0)
    school = School.objects.get(urn=111700)
    assert school.name == "Ysgol Gymraeg Bro Élan, Rhayader" and school.number_of_pupils == 412
    assert school.head_name == "Mrs Helen Ashworth" and school.la_code == "896"


def test_a_further_education_college_aged_16_to_99_with_a_large_roll_is_a_good_row():
    college = row(
        **{
            "EstablishmentName": "Mid Cheshire College of Further Education",
            "TypeOfEstablishment (name)": "Further education",
            "PhaseOfEducation (name)": "16 plus",
            "StatutoryLowAge": "16",
            "StatutoryHighAge": "99",
            "NumberOfPupils": "120000",
        }
    )
    result = run(gias_bytes([college, row(**{"URN": "111701", "StatutoryHighAge": "100"})]), skip_bad_rows=True)

    assert (result.created, result.error_count) == (1, 1)
    college = School.objects.get(urn=111700)
    assert (college.statutory_low_age, college.statutory_high_age, college.number_of_pupils) == (16, 99, 120000)


def test_an_empty_file_or_a_blank_first_line_is_refused_as_empty():
    for data in (b"", b"\r\n", codecs.BOM_UTF16_LE):
        with pytest.raises(GiasFileError, match="empty"):
            run(data)


def test_a_file_with_bad_rows_is_refused_with_a_row_numbered_report_and_nothing_written():
    data = gias_bytes(
        [
            row(),
            row(**{"URN": "12A45"}),
            row(**{"URN": "111703", "StatutoryLowAge": "eleven"}),
            row(**{"URN": "111704", "NumberOfPupils": "-3"}),
            row(**{"URN": "111705", "CensusDate": "31-02-2025"}),
            row(**{"URN": "111706", "StatutoryLowAge": "11", "StatutoryHighAge": "4"}),
            row(**{"URN": "111700"}),
        ]
    )

    result = run(data)

    assert not result.written
    assert School.objects.count() == 0 and PupilCount.objects.count() == 0
    assert [(e.row, e.field) for e in result.errors] == [
        (3, "URN"),
        (4, "StatutoryLowAge"),
        (5, "NumberOfPupils"),
        (6, "CensusDate"),
        (7, "StatutoryHighAge"),
        (8, "URN"),
    ]
    assert "12A45" in result.errors[0].message
    assert "first on row 2" in result.errors[-1].message


def test_skipping_bad_rows_imports_the_good_ones_and_still_reports_the_bad():
    result = run(gias_bytes([row(), row(**{"URN": "x"}), row(**{"URN": "111701"})]), skip_bad_rows=True)

    assert result.written and result.created == 2 and result.error_count == 1
    assert set(School.objects.values_list("urn", flat=True)) == {111700, 111701}


def test_a_newer_extract_updates_the_school_and_adds_a_pupil_count_for_its_census_date():
    run(gias_bytes([row()]))
    school = School.objects.get(urn=111700)
    school.email = "office@darnhall.example.org"  # kept by the portal, not GIAS
    school.save()

    result = run(gias_bytes([row(**{"CensusDate": "15-01-2026", "NumberOfPupils": "430", "HeadFirstName": "Anne"})]))

    school.refresh_from_db()
    assert (result.created, result.updated) == (0, 1)
    assert (school.number_of_pupils, school.pupils_counted_on, school.head_name) == (
        430,
        date(2026, 1, 15),
        "Mrs Anne Ashworth",
    )
    assert school.email == "office@darnhall.example.org"
    assert list(school.pupil_counts.order_by("counted_on").values_list("pupils", flat=True)) == [412, 430]
    assert pupils_on(school, date(2025, 12, 31)) == 412
    assert pupils_on(school, date(2026, 3, 1)) == 430
    assert pupils_on(school, date(2024, 1, 1)) is None
    assert School.objects.with_pupils_on(date(2025, 6, 1)).get(pk=school.pk).pupils_on_day == 412


def test_an_older_extract_imported_late_keeps_the_school_on_its_latest_census():
    run(gias_bytes([row(**{"CensusDate": "15-01-2026", "NumberOfPupils": "430"})]))
    run(gias_bytes([row(**{"CensusDate": "16-01-2025", "NumberOfPupils": "412"})]))

    school = School.objects.get(urn=111700)
    assert (school.number_of_pupils, school.pupils_counted_on) == (430, date(2026, 1, 15))
    assert school.pupil_counts.count() == 2


def test_the_la_and_urn_filters_leave_other_rows_out_without_checking_them():
    data = gias_bytes([row(), row(**{"URN": "200001", "LA (code)": "352"}), row(**{"URN": "bad", "LA (code)": "925"})])

    result = run(data, filters=Filters(la_codes={"896"}))

    assert result.written and result.skipped == 2 and result.error_count == 0
    assert list(School.objects.values_list("urn", flat=True)) == [111700]
    run(data, filters=Filters(urns={200001}))
    assert School.objects.filter(urn=200001, la_code="352").exists()


def test_a_dry_run_counts_but_writes_nothing():
    result = run(gias_bytes([row()]), dry_run=True)

    assert result.created == 1 and not result.written and School.objects.count() == 0


def test_headers_of_other_vintages_extra_columns_and_missing_optional_columns_are_accepted():
    header = ["urn", "la_code", "School Name", "Phase of Education", "HeadTitle", "Ofsted rating (name)"]
    cells = ["111700", "896", "Darnhall Primary School", "Primary", "Dr", "Good"]
    data = gias_bytes([cells], header=header, encoding="utf-8-sig")
    run(gias_bytes([row()]))

    result = run(data)

    school = School.objects.get(urn=111700)
    assert result.updated == 1 and school.phase == "Primary"
    # Columns the file does not have are left as they were.
    assert school.number_of_pupils == 412 and school.type_of_establishment == "Community school"


def test_a_file_that_is_not_a_gias_extract_is_refused_as_a_whole():
    with pytest.raises(GiasFileError, match="no URN"):
        run(b"Name,Email\nHelen,helen@example.org\n")
    with pytest.raises(GiasFileError, match="empty"):
        run(b"")


def test_the_management_command_imports_a_generated_extract_and_reports_bad_rows(tmp_path):
    path = tmp_path / "edubasealldata.csv"
    write_gias_csv(path, 30, start_urn=500000)
    out = io.StringIO()

    call_command("import_gias", str(path), "--la", "896", "--la", "895", stdout=out)

    imported = School.objects.filter(urn__gte=500000).count()
    assert 0 < imported < 30 and f"Created {imported} and updated 0 schools" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(gias_bytes([row(**{"URN": "oops"})]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 1 bad row\\. "):
        call_command("import_gias", str(bad), stdout=io.StringIO(), stderr=err)
    assert "Row 2, URN" in err.getvalue()


def test_the_benchmark_times_an_import_and_leaves_the_database_as_it_was():
    from schools.gias import benchmark_import

    figures = benchmark_import(200)

    assert figures["rows"] == 200 and figures["created"] == 200 and figures["updated"] == 200
    assert figures["rows_per_s"] > 0
    assert School.objects.count() == 0


# The full column list of a 2021 GIAS "all establishment data" extract (the DfE's schema).
FULL_HEADER = '"URN","LA (code)","LA (name)","EstablishmentNumber","EstablishmentName","TypeOfEstablishment (code)","TypeOfEstablishment (name)","EstablishmentTypeGroup (code)","EstablishmentTypeGroup (name)","EstablishmentStatus (code)","EstablishmentStatus (name)","ReasonEstablishmentOpened (code)","ReasonEstablishmentOpened (name)","OpenDate","ReasonEstablishmentClosed (code)","ReasonEstablishmentClosed (name)","CloseDate","PhaseOfEducation (code)","PhaseOfEducation (name)","StatutoryLowAge","StatutoryHighAge","Boarders (code)","Boarders (name)","NurseryProvision (name)","OfficialSixthForm (code)","OfficialSixthForm (name)","Gender (code)","Gender (name)","ReligiousCharacter (code)","ReligiousCharacter (name)","ReligiousEthos (name)","Diocese (code)","Diocese (name)","AdmissionsPolicy (code)","AdmissionsPolicy (name)","SchoolCapacity","SpecialClasses (code)","SpecialClasses (name)","CensusDate","NumberOfPupils","NumberOfBoys","NumberOfGirls","PercentageFSM","TrustSchoolFlag (code)","TrustSchoolFlag (name)","Trusts (code)","Trusts (name)","SchoolSponsorFlag (name)","SchoolSponsors (name)","FederationFlag (name)","Federations (code)","Federations (name)","UKPRN","FEHEIdentifier","FurtherEducationType (name)","OfstedLastInsp","OfstedSpecialMeasures (code)","OfstedSpecialMeasures (name)","LastChangedDate","Street","Locality","Address3","Town","County (name)","Postcode","SchoolWebsite","TelephoneNum","HeadTitle (name)","HeadFirstName","HeadLastName","HeadPreferredJobTitle","GOR (code)","GOR (name)","DistrictAdministrative (code)","DistrictAdministrative (name)","GSSLACode (name)","PropsName","PreviousLA (code)","PreviousLA (name)","PreviousEstablishmentNumber","OfstedRating (name)","RSCRegion (name)","Country (name)","UPRN","SiteName","QABName (code)","QABName (name)"'


def test_a_full_width_extract_matches_the_right_columns_among_the_many_it_ignores():
    columns = next(csv.reader([FULL_HEADER]))
    values = dict.fromkeys(columns, "")
    values.update(
        {
            "URN": "100000",
            "LA (code)": "201",
            "LA (name)": "City of London",
            "EstablishmentNumber": "3614",
            "EstablishmentName": "Aldgate Church School",
            "TypeOfEstablishment (name)": "Voluntary aided school",
            "EstablishmentStatus (name)": "Open",
            "PhaseOfEducation (name)": "Primary",
            "StatutoryLowAge": "3",
            "StatutoryHighAge": "11",
            "ReligiousCharacter (name)": "Church of England",
            "CensusDate": "16-01-2020",
            "NumberOfPupils": "276",
            "NumberOfBoys": "136",
            "Trusts (name)": "",
            "PreviousLA (code)": "999",
            "Federations (name)": "Aldgate Federation",
            "FederationFlag (name)": "Supported by a federation",
            "Street": "St James's Passage",
            "Town": "London",
            "Postcode": "EC3A 5DE",
            "SchoolWebsite": "www.example.org",
            "TelephoneNum": "02072831147",
            "HeadTitle (name)": "Miss",
            "HeadFirstName": "Alex",
            "HeadLastName": "Allan",
            "GSSLACode (name)": "E09000001",
            "PropsName": "A proprietor",
            "SiteName": "Main site",
        }
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerow([values[column] for column in columns])

    result = run(buffer.getvalue().encode("cp1252"))

    assert (result.created, result.error_count) == (1, 0)
    school = School.objects.get(urn=100000)
    assert (school.la_code, school.la_name, school.establishment_number) == ("201", "City of London", "3614")
    assert school.name == "Aldgate Church School" and school.federation_name == "Aldgate Federation"
    assert (school.number_of_pupils, school.pupils_counted_on) == (276, date(2020, 1, 16))
    assert school.head_name == "Miss Alex Allan" and school.telephone == "02072831147"
