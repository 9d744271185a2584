"""The portal's input rules, applied in one place to every form and request.

- Text: no control characters. Multi-line text (a textarea) may hold tab, carriage
  return and line feed; single-line fields, query strings and addresses hold none.
- Numbers: the ASCII digits 0-9 only, with an optional sign and decimal point: no
  exponent ("1e5"), no NaN or Infinity, no superscript or other scripts' digits.
- Money: one `MoneyField`, pounds and pence (an optional "£" and thousands commas).
- Dates: between 1990 and 2100.

`PortalFormRenderer` (settings.FORM_RENDERER) gives every form the text, number and date
rules through its bound fields; `InputGuardMiddleware` refuses control characters in the
address and query string, and NUL anywhere in a posted form, with the 400 page; and
`SizeLimitUploadHandler` stops reading an upload once it passes MAX_UPLOAD_BYTES.
"""

import re
from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils.datastructures import MultiValueDict
from django.utils.deconstruct import deconstructible

# C0 controls and DEL; multi-line text keeps tab, line feed and carriage return.
CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# str.isdigit() and int() accept "²" and "١٢"; a number typed into the portal is ASCII.
PLAIN_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
GROUPED_POUNDS = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")

EARLIEST_YEAR, LATEST_YEAR = 1990, 2100
MONEY_MAX = Decimal("9999999.99")


def is_plain_number(text: str) -> bool:
    """Whether text is a whole number written with the ASCII digits 0-9 (not "²", not "١٢")."""
    return text.isascii() and text.isdigit()


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    return bool((CONTROL_IN_TEXT if multiline else CONTROL_IN_LINE).search(text))


@deconstructible
class NoControlCharacters:
    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value):
        if isinstance(value, str) and has_control_characters(value, multiline=self.multiline):
            raise ValidationError(
                "Remove the control characters (invisible characters, often pasted from another program)"
                + ("." if self.multiline else ", tabs and line breaks: this field is one line."),
                code="control_characters",
            )

    def __eq__(self, other):
        return isinstance(other, NoControlCharacters) and other.multiline == self.multiline


def validate_sensible_year(year: int) -> None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValidationError(f"Enter a year between {EARLIEST_YEAR} and {LATEST_YEAR}.", code="year_out_of_range")


def validate_sensible_date(value) -> None:
    if isinstance(value, date | datetime) and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}.", code="date_out_of_range")


def _plain_numbers_only(field):
    to_python = field.to_python

    def checked(value):
        if isinstance(value, str) and value.strip() and not PLAIN_NUMBER.fullmatch(value.strip()):
            raise ValidationError(field.error_messages["invalid"], code="invalid")  # "Enter a (whole) number."
        return to_python(value)

    return checked


def guard_field(field: forms.Field) -> None:
    """Adds the portal's input rules to one form field (each form has its own copy)."""
    if getattr(field, "_portal_guarded", False):
        return
    field._portal_guarded = True
    if isinstance(field, forms.CharField):
        field.validators.append(NoControlCharacters(multiline=isinstance(field.widget, forms.Textarea)))
    elif isinstance(field, forms.IntegerField | forms.FloatField) and not isinstance(field, MoneyField):
        field.to_python = _plain_numbers_only(field)  # DecimalField is an IntegerField
    elif isinstance(field, forms.DateField | forms.DateTimeField):
        field.validators.append(validate_sensible_date)
        if "date" in (getattr(field.widget, "input_type", ""), field.widget.attrs.get("type")):
            field.widget.attrs.setdefault("min", f"{EARLIEST_YEAR}-01-01")
            field.widget.attrs.setdefault("max", f"{LATEST_YEAR}-12-31")


class PortalBoundField(BoundField):
    def __init__(self, form, field, name):
        guard_field(field)
        super().__init__(form, field, name)


class PortalFormRenderer(DjangoTemplates):
    """Django's default renderer; its bound fields apply the portal's input rules, so every
    form (the portal's, the admin's and allauth's) follows them without opting in."""

    bound_field_class = PortalBoundField


class MoneyField(forms.DecimalField):
    """Pounds and pence: "1234.50", "£1,234.50". No exponent, at most two decimal places,
    no more than the column holds or MONEY_MAX."""

    def __init__(self, *, max_digits=12, decimal_places=2, min_value=Decimal("0.00"), max_value=None, **kwargs):
        decimal_places = 2
        column_max = Decimal(10) ** (max_digits - decimal_places) - Decimal("0.01")
        max_value = min(MONEY_MAX, column_max, max_value if max_value is not None else MONEY_MAX)
        error_messages = {
            "invalid": "Enter an amount in pounds and pence, for example 1250.50.",
            "min_value": "The amount cannot be negative."
            if min_value == 0
            else f"Enter an amount of at least £{min_value:,.2f}.",
            "max_value": f"Enter an amount of no more than £{max_value:,.2f}.",
            "max_decimal_places": "Enter pounds and pence, with no more than two decimal places.",
            **kwargs.pop("error_messages", {}),
        }
        super().__init__(
            max_digits=max_digits,
            decimal_places=decimal_places,
            min_value=min_value,
            max_value=max_value,
            error_messages=error_messages,
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removeprefix("£").strip()
            if GROUPED_POUNDS.fullmatch(value):
                value = value.replace(",", "")
            if value and not PLAIN_NUMBER.fullmatch(value):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def upload_limit() -> int:
    return settings.MAX_UPLOAD_BYTES


class SizeLimitUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: stops reading a request once its files pass
    MAX_UPLOAD_BYTES (or at once, when Content-Length says they will), so an oversized
    upload is never read whole. InputGuardMiddleware answers it with the 413 page."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        # The other fields of a form are small: DATA_UPLOAD_MAX_MEMORY_SIZE bounds them.
        allowance = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        if content_length and content_length > upload_limit() + allowance:
            self.refuse()
            return QueryDict(encoding=encoding), MultiValueDict()  # parsed nothing, read nothing
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > upload_limit():
            self.refuse()
            raise StopUpload(connection_reset=True)  # do not read the rest of the body
        return raw_data

    def file_complete(self, file_size):
        return None

    def refuse(self):
        if self.request is not None:
            self.request.upload_refused = (
                f"The file is larger than the portal accepts: the limit is {filesizeformat(upload_limit())}."
            )
