"""The input rules (partnership/inputs.py): control characters, digits, dates, money,
upload sizes. Bad input gets a clear message or a 400/413 page and changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import FakePayload, encode_multipart
from django.urls import reverse

from cpd.forms import EventForm
from funding.forms import PaymentForm
from partnership.forms import TermForm
from partnership.models import Term
from partnership.testing import Client  # force_login records the second factor, as a sign-in does

NO_SERVER_ERRORS = {"raise_request_exception": True}  # a view's exception fails the test


def survey_answers(questions, text: str) -> dict:
    answers = {}
    for question in questions:
        if question.kind == "rating":
            answers[f"q{question.pk}"] = "4"
        elif question.kind == "choice":
            answers[f"q{question.pk}"] = question.choice_list[0]
        else:
            answers[f"q{question.pk}"] = text
    return answers


# NUL and other control characters


def test_a_nul_byte_in_a_search_box_gives_the_400_page(world):
    client = Client(**NO_SERVER_ERRORS)
    client.force_login(world.user("coordinator"))

    response = client.get(reverse("schools:person_list", args=[world.partnership.slug]), {"q": "smith\x00"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "control characters" in page and "Nothing was changed" in page and 'id="main"' in page


def test_control_characters_in_the_address_give_the_400_page(world):
    response = Client(**NO_SERVER_ERRORS).get("/survey/abc%00def/")

    assert response.status_code == 400 and "control characters" in response.content.decode()


def test_a_nul_byte_in_a_public_survey_answer_gives_the_400_page_and_stores_nothing(world):
    from improvement.tests.factories import build_improvement

    recipient = build_improvement(world).recipient
    questions = list(recipient.survey.questions.all())
    assert any(question.kind == "text" for question in questions)
    url = reverse("improvement:survey_respond", args=[recipient.token])

    response = Client(**NO_SERVER_ERRORS).post(url, survey_answers(questions, "Very useful\x00"))

    recipient.refresh_from_db()
    assert response.status_code == 400 and "NUL character" in response.content.decode()
    assert recipient.responded_at is None and not recipient.answers


def test_other_control_characters_in_a_survey_answer_are_shown_as_an_error(world):
    from improvement.tests.factories import build_improvement

    recipient = build_improvement(world).recipient
    questions = list(recipient.survey.questions.all())
    url = reverse("improvement:survey_respond", args=[recipient.token])

    response = Client(**NO_SERVER_ERRORS).post(url, survey_answers(questions, "Very\x07 useful"))

    recipient.refresh_from_db()
    assert response.status_code == 200 and "Remove the control characters" in response.content.decode()
    assert recipient.responded_at is None


def test_a_single_line_field_refuses_every_control_character_and_a_text_box_keeps_line_breaks():
    def errors(**fields):
        data = {"amount": "10.00", "paid_on": "2026-03-12", "reference": "INV-1", **fields}
        return PaymentForm(data).errors

    assert "reference" in errors(reference="INV\t1")
    assert "reference" in errors(reference="INV\r\nBcc: someone@example.org")
    assert "note" in errors(note="paid\x01")
    assert "one line" in errors(reference="a\nb")["reference"][0]
    assert not errors(note="Paid in full")

    from funding.forms import AmendForm

    assert AmendForm({"amount": "5", "reason": "First line\r\nSecond\tline"}).is_valid()
    assert "reason" in AmendForm({"amount": "5", "reason": "Bell\x07"}).errors


# Digits from other scripts


@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("schools:school_list", {"q": "²"}),
        ("cpd:programme", {"year": "²⁰²⁶"}),
    ],
)
def test_superscript_digits_in_a_filter_are_not_a_server_error(world, url_name, query):
    client = Client(**NO_SERVER_ERRORS)
    client.force_login(world.user("coordinator"))

    response = client.get(reverse(url_name, args=[world.partnership.slug]), query)

    assert response.status_code == 200


def test_superscript_digits_in_the_report_filter_fall_back_to_every_term(world):
    client = Client(**NO_SERVER_ERRORS)
    client.force_login(world.user("coordinator"))

    response = client.get(reverse("reports:overview"), {"term": "²⁰²⁶-autumn"}, follow=True)

    assert response.status_code == 200 and "That term is not one of the choices" in response.content.decode()


def test_a_whole_number_field_refuses_digits_of_another_script():
    assert EventForm({"capacity": "١٢"}).errors["capacity"] == ["Enter a whole number."]


@pytest.mark.parametrize("value", ["1e1", "١", "٢.٥"])
def test_a_decimal_field_refuses_exponents_and_digits_of_another_script(value):
    from improvement.forms import AgreementForm
    from schools.models import School

    assert AgreementForm({"days": value}, schools=School.objects.none()).errors["days"] == ["Enter a number."]


def test_a_number_with_spaces_around_it_is_still_a_number():
    assert "capacity" not in EventForm({"capacity": " 12 "}).errors


# Dates


@pytest.mark.parametrize("start, end", [("0001-09-01", "0001-12-20"), ("9999-09-01", "9999-12-20")])
def test_term_dates_outside_1990_to_2100_are_refused_and_the_reports_still_render(world, start, end):
    client = Client(**NO_SERVER_ERRORS)
    client.force_login(world.user("coordinator"))
    before = Term.objects.count()

    response = client.post(
        reverse("term_list", args=[world.partnership.slug]),
        {"season": "autumn", "academic_year": start[:4], "start": start, "end": end},
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors["start"] == ["Enter a date between 1990 and 2100."]
    assert form.errors["end"] == ["Enter a date between 1990 and 2100."]
    assert form.errors["academic_year"] == ["Enter a year between 1990 and 2100."]
    assert Term.objects.count() == before
    assert client.get(reverse("reports:report_list", args=[world.partnership.slug])).status_code == 200
    assert client.get(reverse("term_list", args=[world.partnership.slug])).status_code == 200


def test_year_zero_is_refused_as_an_academic_year(world):
    form = TermForm(
        {"season": "autumn", "academic_year": "0", "start": "2026-09-01", "end": "2026-12-18"},
        partnership=world.partnership,
    )

    assert form.errors == {"academic_year": ["Enter a year between 1990 and 2100."]}


def test_every_date_field_offers_the_sensible_range_to_the_browser():
    from governance.forms import ResolutionForm

    for html in (str(PaymentForm()["paid_on"]), str(ResolutionForm(bodies=[])["proposed_on"])):
        assert 'type="date"' in html and 'min="1990-01-01"' in html and 'max="2100-12-31"' in html


# Money


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("1e5", "Enter an amount in pounds and pence"),
        ("NaN", "Enter an amount in pounds and pence"),
        ("Infinity", "Enter an amount in pounds and pence"),
        ("-Infinity", "Enter an amount in pounds and pence"),
        ("12.345", "no more than two decimal places"),
        ("10000000", "no more than £9,999,999.99"),
        ("1,23", "Enter an amount in pounds and pence"),
        ("²", "Enter an amount in pounds and pence"),
        ("-5", "at least £0.01"),
    ],
)
def test_a_payment_amount_must_be_plain_pounds_and_pence(typed, error):
    form = PaymentForm({"amount": typed, "paid_on": "2026-03-12", "reference": "INV-1"})

    assert error in form.errors["amount"][0]


@pytest.mark.parametrize(("typed", "amount"), [("1234.5", "1234.50"), ("£1,234.50", "1234.50"), (" £12 ", "12.00")])
def test_pounds_sign_and_thousands_commas_are_accepted(typed, amount):
    form = PaymentForm({"amount": typed, "paid_on": "2026-03-12", "reference": "INV-1"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal(amount)


def test_1e5_posted_as_a_payment_records_nothing(world):
    from funding.models import Payment
    from funding.tests.factories import build_funding

    funding = build_funding(world)
    client = Client(**NO_SERVER_ERRORS)
    client.force_login(world.user("coordinator"))
    before = Payment.objects.count()

    response = client.post(
        reverse("funding:payment_add", args=[funding.round.pk, world.school.pk]),
        {"amount": "1e5", "paid_on": "2026-03-12", "reference": "INV-1"},
    )

    assert response.status_code == 200 and "Enter an amount in pounds and pence" in response.content.decode()
    assert Payment.objects.count() == before


def money_fields_of_every_form():
    """(form, field name, field) for every decimal field with two places in the portal's forms."""
    import inspect

    from django import forms

    import cpd.forms
    import funding.forms
    import governance.forms
    import improvement.forms
    import partnership.forms
    import schools.forms

    found = []
    for module in (cpd.forms, funding.forms, governance.forms, improvement.forms, partnership.forms, schools.forms):
        for _, form_class in inspect.getmembers(module, inspect.isclass):
            if issubclass(form_class, forms.BaseForm) and form_class.__module__ == module.__name__:
                for name, field in form_class.base_fields.items():
                    if isinstance(field, forms.DecimalField) and field.decimal_places == 2:
                        found.append((form_class.__name__, name, field))
    return found


def test_every_money_input_of_the_portal_is_a_money_field():
    from partnership.inputs import MoneyField

    fields = money_fields_of_every_form()

    assert {(form, name) for form, name, _ in fields} >= {
        ("PaymentForm", "amount"),
        ("GrantForm", "amount"),
        ("SpendingForm", "amount"),
        ("FormulaForm", "lump_sum"),
        ("EventForm", "cost_per_place"),
        ("EventCostForm", "amount"),
        ("AgreementForm", "cost_per_day"),
    }
    assert [(form, name) for form, name, field in fields if not isinstance(field, MoneyField)] == []


def test_a_money_field_never_allows_more_than_its_column_holds():
    assert EventForm.base_fields["cost_per_place"].max_value == Decimal("999999.99")  # max_digits=8


# Uploads


class CountingPayload(FakePayload):
    """The request body, counting how much of it the portal reads."""

    def __init__(self, content):
        super().__init__(content)
        self.bytes_read = 0

    def read(self, size=-1, /):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def post_upload(client, url, size: int) -> tuple:
    boundary = "BoUnDaRy"
    body = encode_multipart(
        boundary,
        {"title": "Budget", "file": SimpleUploadedFile("budget.pdf", b"%PDF-" + b"x" * size, "application/pdf")},
    )
    payload = CountingPayload(body)
    response = client.generic(
        "POST", url, body, content_type=f"multipart/form-data; boundary={boundary}", **{"wsgi.input": payload}
    )
    return response, payload.bytes_read, len(body)


def paper_url(world):
    from governance.tests.factories import build_committee

    return reverse("governance:item_paper", args=[build_committee(world).general.pk])


def test_an_upload_stops_being_read_once_it_passes_the_limit_and_gets_the_413_page(world, settings):
    from governance.models import Paper

    settings.MAX_UPLOAD_BYTES = 100_000
    client = Client(**NO_SERVER_ERRORS)
    client.force_login(world.user("clerk"))

    response, read, sent = post_upload(client, paper_url(world), size=5_000_000)

    page = response.content.decode()
    assert response.status_code == 413
    assert (
        "The file is larger than the portal accepts: the limit is 97.7\xa0KB." in page and "Nothing was saved" in page
    )
    assert read < 400_000, f"read {read} of {sent} bytes"  # the limit and a few 64 KB chunks
    assert not Paper.objects.exists()


def test_an_upload_whose_length_is_over_the_limit_is_not_read_at_all(world, settings):
    settings.MAX_UPLOAD_BYTES = 100_000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = Client(**NO_SERVER_ERRORS)
    client.force_login(world.user("clerk"))

    response, read, _ = post_upload(client, paper_url(world), size=500_000)

    assert response.status_code == 413 and read == 0


def test_an_upload_under_the_limit_is_attached(world, settings):
    from governance.models import Paper

    settings.MAX_UPLOAD_BYTES = 100_000
    client = Client(**NO_SERVER_ERRORS)
    client.force_login(world.user("clerk"))

    response, read, sent = post_upload(client, paper_url(world), size=50_000)

    assert response.status_code == 302 and read == sent
    assert Paper.objects.get().size == 50_005


def test_the_413_page_renders_in_the_portal_layout():
    from django.template import loader

    page = loader.get_template("413.html").render({"reason": "The file is too large."})
    assert "The file is too large" in page and '<html lang="en-GB">' in page


def test_dates_are_checked_for_their_year():
    from django.core.exceptions import ValidationError

    from partnership.inputs import validate_sensible_date

    validate_sensible_date(date(1990, 1, 1))
    validate_sensible_date(date(2100, 12, 31))
    with pytest.raises(ValidationError):
        validate_sensible_date(date(1989, 12, 31))


def test_a_committee_membership_cannot_end_in_year_one(world):
    from django.core.exceptions import ValidationError

    from governance.forms import membership_end_form_valid

    assert membership_end_form_valid("2026-07-31") == date(2026, 7, 31)
    with pytest.raises(ValidationError, match="between 1990 and 2100"):
        membership_end_form_valid("0001-07-31")
