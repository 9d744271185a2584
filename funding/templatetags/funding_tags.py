from decimal import Decimal, InvalidOperation

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.filter
def plain(value) -> str:
    """A Decimal without trailing zeros or exponent: 1.500 -> 1.5, 412.000000 -> 412."""
    if value is None or value == "":
        return ""
    try:
        text = format(Decimal(value).normalize(), "f")
    except (InvalidOperation, TypeError, ValueError):
        return ""
    return text


@register.filter
def exact_money(value) -> str:
    """£7,053.260870: pounds with every kept decimal place, for the working of a calculation."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    sign = "−" if amount < 0 else ""
    pounds, _, fraction = format(abs(amount), "f").partition(".")
    fraction = (fraction + "00")[: max(2, len(fraction.rstrip("0")))]
    return f"{sign}£{intcomma(int(pounds))}.{fraction}"


@register.filter
def signed_money(value) -> str:
    """+£0.01 / £0.00 for rounding adjustments."""
    amount = Decimal(value or 0)
    text = exact_money(abs(amount))
    return f"+{text}" if amount > 0 else (f"−{text}" if amount < 0 else text)


@register.filter
def absolute(value):
    return abs(value) if value is not None else value
