"""Bar charts drawn as SVG on the server, so the web page and the PDF show the same picture
with no JavaScript and no plotting library.

A chart is the plain dict of the report contract:
    {"title": str, "unit": "money" | "count" | "percent", "labels": [str, ...],
     "series": [{"name": str, "values": [number, ...]}, ...]}
One series draws simple bars; several draw grouped bars with a legend. Bars run
horizontally so long school names stay readable, and a chart with many labels is split into
several figures that each fit on a page.

Percent values are percentages (87.5 means 87.5%). A series given as fractions (every value
between 0 and 1, one of them not whole) is read as fractions, as the `percent` filter does.
"""

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Okabe and Ito's palette: told apart by people with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
UNIT_AXIS_LABELS = {"money": "Amount (£)", "count": "Number", "percent": "Per cent (%)"}

WIDTH = 680
LABEL_WIDTH = 250
VALUE_ROOM = 78
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
CHAR_WIDTH = 5.9  # average width of an 11px character, to shorten long labels
MAX_LABELS_PER_FIGURE = 25


@dataclass(frozen=True)
class Figure:
    caption: str
    svg: SafeString


def format_value(value, unit: str) -> str:
    if value is None:
        return ""
    if unit == "money":
        amount = Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        sign = "−" if amount < 0 else ""
        return f"{sign}£{intcomma(int(abs(amount)))}"
    if unit == "percent":
        number = float(value)
        text = f"{number:.1f}".removesuffix(".0")
        return f"{text}%"
    number = float(value)
    return intcomma(int(number)) if number == int(number) else f"{number:,.1f}"


def nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about `ticks` intervals."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if raw <= multiple * power:
            return multiple * power
    return 10 * power


def _as_numbers(chart: dict) -> list[list[float | None]]:
    series = [[None if v is None else float(v) for v in s.get("values", [])] for s in chart.get("series", [])]
    if chart.get("unit") == "percent":
        values = [v for s in series for v in s if v is not None]
        if values and all(0 <= v <= 1 for v in values) and any(v != int(v) for v in values):
            series = [[None if v is None else v * 100 for v in s] for s in series]
    return series


def _shorten(label: str, room: float) -> str:
    most = max(4, int(room / CHAR_WIDTH))
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


def _svg(chart: dict, labels: list[str], series: list[list[float | None]], caption: str) -> SafeString:
    unit = chart.get("unit", "count")
    names = [str(s.get("name", "")) for s in chart.get("series", [])]
    grouped = len(series) > 1
    bar = 14 if not grouped else 12
    gap = 8
    band = bar * len(series) + gap
    legend_height = 22 if grouped else 0
    top = 8 + legend_height
    plot_height = band * len(labels)
    axis_height = 40
    height = top + plot_height + axis_height

    values = [v for s in series for v in s if v is not None]
    low = min([0.0, *values])
    high = max([0.0, *values])
    step = nice_step(high - low)
    axis_low = math.floor(low / step) * step
    axis_high = max(math.ceil(high / step) * step, axis_low + step)
    x0, x1 = LABEL_WIDTH, WIDTH - VALUE_ROOM

    def x(value: float) -> float:
        return x0 + (value - axis_low) / (axis_high - axis_low) * (x1 - x0)

    title = escape(caption)
    summary = escape(_summary(chart, labels, series, unit))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{title}" '
        f'font-family="{FONT}" font-size="11">',
        f"<title>{title}</title>",
        f"<desc>{summary}</desc>",
    ]
    if grouped:
        cursor = x0
        for index, name in enumerate(names):
            colour = PALETTE[index % len(PALETTE)]
            parts.append(f'<rect x="{cursor:.1f}" y="6" width="11" height="11" fill="{colour}"/>')
            parts.append(f'<text x="{cursor + 15:.1f}" y="15.5" fill="#1b2a3a">{escape(name)}</text>')
            cursor += 15 + CHAR_WIDTH * len(name) + 18

    # Grid lines and the value axis.
    tick = axis_low
    while tick <= axis_high + step / 2:
        tx = x(tick)
        parts.append(
            f'<line x1="{tx:.1f}" y1="{top}" x2="{tx:.1f}" y2="{top + plot_height}" stroke="#d0d7de" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{tx:.1f}" y="{top + plot_height + 14}" text-anchor="middle" fill="#3d4a57">'
            f"{escape(format_value(tick, unit))}</text>"
        )
        tick += step
    parts.append(
        f'<text x="{(x0 + x1) / 2:.1f}" y="{top + plot_height + 32}" text-anchor="middle" fill="#1b2a3a" '
        f'font-weight="bold">{escape(UNIT_AXIS_LABELS.get(unit, ""))}</text>'
    )
    zero = x(0.0)
    for row, label in enumerate(labels):
        y_band = top + row * band
        parts.append(
            f'<text x="{x0 - 8}" y="{y_band + band / 2 + 3.5:.1f}" text-anchor="end" fill="#1b2a3a">'
            f"<title>{escape(label)}</title>{escape(_shorten(label, x0 - 16))}</text>"
        )
        for index, values_of_series in enumerate(series):
            value = values_of_series[row] if row < len(values_of_series) else None
            y = y_band + gap / 2 + index * bar
            if value is None:
                parts.append(
                    f'<text x="{zero + 4:.1f}" y="{y + bar - 3:.1f}" fill="#3d4a57" font-size="10">no figure</text>'
                )
                continue
            left, right = sorted((zero, x(value)))
            colour = PALETTE[index % len(PALETTE)]
            name = f"{names[index]}: " if grouped else ""
            parts.append(
                f'<rect x="{left:.1f}" y="{y:.1f}" width="{max(right - left, 0.5):.1f}" height="{bar - 1}" '
                f'fill="{colour}"><title>{escape(label)}, {escape(name)}{escape(format_value(value, unit))}</title></rect>'
            )
            anchor_x = right + 4 if value >= 0 else left - 4
            anchor = "start" if value >= 0 else "end"
            parts.append(
                f'<text x="{anchor_x:.1f}" y="{y + bar - 3:.1f}" text-anchor="{anchor}" fill="#1b2a3a" font-size="10">'
                f"{escape(format_value(value, unit))}</text>"
            )
    parts.append(
        f'<line x1="{zero:.1f}" y1="{top}" x2="{zero:.1f}" y2="{top + plot_height}" stroke="#1b2a3a" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped


def _summary(chart: dict, labels: list[str], series: list[list[float | None]], unit: str) -> str:
    """A sentence a screen reader can say instead of the picture."""
    names = [str(s.get("name", "")) for s in chart.get("series", [])]
    rows = []
    for row, label in enumerate(labels):
        figures = []
        for index, values in enumerate(series):
            value = values[row] if row < len(values) else None
            text = format_value(value, unit) if value is not None else "no figure"
            figures.append(f"{names[index]} {text}" if len(series) > 1 else text)
        rows.append(f"{label}: {', '.join(figures)}")
    return "; ".join(rows) + "."


def chart_figures(chart: dict) -> list[Figure]:
    """The chart as one or more SVG figures of at most MAX_LABELS_PER_FIGURE bars each."""
    labels = [str(label) for label in chart.get("labels", [])]
    series = _as_numbers(chart)
    title = str(chart.get("title", "Chart"))
    if not labels or not series:
        return []
    pieces = math.ceil(len(labels) / MAX_LABELS_PER_FIGURE)
    size = math.ceil(len(labels) / pieces)
    figures = []
    for start in range(0, len(labels), size):
        end = min(start + size, len(labels))
        caption = title if pieces == 1 else f"{title} ({start + 1} to {end} of {len(labels)})"
        figures.append(
            Figure(caption, _svg(chart, labels[start:end], [values[start:end] for values in series], caption))
        )
    return figures
