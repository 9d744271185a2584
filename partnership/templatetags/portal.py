from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.filter
def money(value) -> str:
    """£1,234.50; negative amounts as −£12.00. Blank for None."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    sign = "−" if amount < 0 else ""
    pounds, pence = f"{abs(amount):.2f}".split(".")
    return f"{sign}£{intcomma(int(pounds))}.{pence}"


@register.filter
def number(value) -> str:
    """1,234 for whole numbers; blank for None."""
    if value is None or value == "":
        return ""
    return intcomma(value)


@register.filter
def percent(value, places: int = 0) -> str:
    if value is None:
        return ""
    return f"{float(value) * 100:.{int(places)}f}%"


@register.filter
def verb_label(verb) -> str:
    """An audit verb as words: "improvement.support.visit_logged" -> "Support visit logged"."""
    parts = str(verb or "").split(".")
    words = " ".join(parts[1:] if len(parts) > 1 else parts).replace("_", " ").strip()
    return words[:1].upper() + words[1:]
