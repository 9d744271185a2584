from decimal import Decimal
from xml.etree import ElementTree

from partnership.charts import MAX_LABELS_PER_FIGURE, PALETTE, chart_figures, format_value, nice_step

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(str(svg))


def texts(root) -> list[str]:
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def test_a_simple_bar_chart_is_an_accessible_svg_with_axis_and_value_labels():
    chart = {
        "title": "Contributions paid per school",
        "unit": "money",
        "labels": ["Darnhall Primary School", "Grange Primary School"],
        "series": [{"name": "Paid", "values": [Decimal("6444.40"), Decimal("5316.00")]}],
    }

    [figure] = chart_figures(chart)
    root = parse(figure.svg)

    assert figure.caption == "Contributions paid per school"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Contributions paid per school"
    assert root.find(f"{SVG}title").text == "Contributions paid per school"
    assert "Darnhall Primary School: £6,444" in root.find(f"{SVG}desc").text
    labels = texts(root)
    assert "£6,444" in labels and "£5,316" in labels  # value labels
    assert "Amount (£)" in labels  # axis label
    assert "£0" in labels  # axis ticks start at nought
    bars = [rect for rect in root.iter(f"{SVG}rect")]
    assert len(bars) == 2 and {bar.get("fill") for bar in bars} == {PALETTE[0]}
    assert float(bars[0].get("width")) > float(bars[1].get("width"))


def test_a_grouped_bar_chart_has_a_legend_and_one_colour_per_series():
    chart = {
        "title": "CPD places booked and attended",
        "unit": "count",
        "labels": ["Darnhall", "Grange", "Oakwood"],
        "series": [{"name": "Booked", "values": [12, 8, 0]}, {"name": "Attended", "values": [10, 7, None]}],
    }

    root = parse(chart_figures(chart)[0].svg)

    labels = texts(root)
    assert "Booked" in labels and "Attended" in labels
    fills = [rect.get("fill") for rect in root.iter(f"{SVG}rect")]
    # Two legend swatches, then five bars (the missing figure is said in words).
    assert fills.count(PALETTE[0]) == 1 + 3 and fills.count(PALETTE[1]) == 1 + 2
    assert "no figure" in labels


def test_percentages_given_as_fractions_are_shown_as_per_cent():
    chart = {
        "title": "Attendance",
        "unit": "percent",
        "labels": ["A", "B"],
        "series": [{"name": "", "values": [0.875, 0.5]}],
    }

    labels = texts(parse(chart_figures(chart)[0].svg))

    assert "87.5%" in labels and "50%" in labels


def test_a_chart_with_many_labels_is_split_into_figures_that_fit_a_page():
    labels = [f"School {n}" for n in range(1, 61)]
    chart = {
        "title": "Pupils",
        "unit": "count",
        "labels": labels,
        "series": [{"name": "Pupils", "values": list(range(60))}],
    }

    figures = chart_figures(chart)

    assert len(figures) == 3
    assert [figure.caption for figure in figures] == [
        "Pupils (1 to 20 of 60)",
        "Pupils (21 to 40 of 60)",
        "Pupils (41 to 60 of 60)",
    ]
    assert all(len(list(parse(f.svg).iter(f"{SVG}rect"))) <= MAX_LABELS_PER_FIGURE for f in figures)


def test_text_in_a_chart_is_escaped():
    chart = {
        "title": "<script>x</script>",
        "unit": "count",
        "labels": ["A & B <b>"],
        "series": [{"name": "n", "values": [1]}],
    }

    svg = str(chart_figures(chart)[0].svg)

    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "A &amp; B &lt;b&gt;" in svg
    parse(svg)  # still well-formed XML


def test_a_chart_without_labels_or_series_draws_nothing():
    assert chart_figures({"title": "Empty", "unit": "count", "labels": [], "series": []}) == []


def test_negative_values_draw_left_of_the_zero_line():
    chart = {
        "title": "Variance",
        "unit": "money",
        "labels": ["Over", "Under"],
        "series": [{"name": "v", "values": [-200, 300]}],
    }

    root = parse(chart_figures(chart)[0].svg)

    assert "−£200" in texts(root)
    over, under = list(root.iter(f"{SVG}rect"))
    assert float(over.get("x")) < float(under.get("x"))


def test_axis_steps_are_round_numbers_and_values_are_formatted_the_uk_way():
    assert nice_step(1482) == 500
    assert nice_step(19284) == 5000
    assert nice_step(0) == 1
    assert format_value(Decimal("1234.50"), "money") == "£1,235"
    assert format_value(1234, "count") == "1,234"
    assert format_value(12.5, "percent") == "12.5%"
