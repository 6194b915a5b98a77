import re
from collections import Counter

import pytest
from bs4 import BeautifulSoup
from django.utils import translation

from opendata.charts import table_chart
from opendata.models import Resource, ResourceVersion
from opendata.selectors import TableData
from opendata.services import resource_version_create
from opendata.sources.tables import EN_DASH
from tests.factories import make_dataset

DISTRICTS = "Bezirk;Einwohner;Fläche\nMitte;300;39,47\nPankow;100;103,01\nSpandau;200;91,91\n"
NAMES = "Bezirk;Bürgermeisterin\nMitte;Remlinger\nPankow;Koch\n"
# Eight districts with a whole number, a German decimal and a code column; the figures are
# invented, the gaps are the markers the statistics offices use.
CELLS = [
    ("01", "1", "1,5"),
    ("02", "4", "2,25"),
    ("03", "5", "0,5"),
    ("04", "12", "3"),
    ("05", "18", EN_DASH),
    ("06", "19", ""),
    ("07", "23", "."),
    ("08", "27", "7"),
    ("09", "-", "-"),
]
TABLE = TableData(columns=["Bezirk", "Anzahl", "Anteil"], rows=[list(row) for row in CELLS])


def chart(table=TABLE, schema=None, slug="bezirke", **params):
    return table_chart(
        Resource(slug=slug, kind="table"), ResourceVersion(table_schema=schema or {}), table, params
    )


def bars(result):
    return [(bar.label, bar.count) for bar in result.bars]


def test_whole_numbers_get_round_bins_and_a_sum():
    result = chart()
    assert result.column == "Anzahl"
    assert result.choices == ["Anzahl", "Anteil"]  # the codes with leading zeros are no numbers
    assert bars(result) == [
        ("0 to 4", 2),
        ("5 to 9", 1),
        ("10 to 14", 1),
        ("15 to 19", 2),
        ("20 to 24", 1),
        ("25 to 29", 1),
    ]
    assert (result.count, result.missing) == ("8", "1")
    assert (result.minimum, result.median, result.mean, result.maximum) == ("1", "15", "13.6", "27")
    assert result.total == "109"
    assert result.most.label == "0 to 4"


def test_german_decimals_are_read_and_missing_markers_counted():
    result = chart(r="bezirke", diagramm="Anteil")
    assert result.column == "Anteil"
    assert (result.count, result.missing) == ("5", "4")
    assert (result.minimum, result.median, result.maximum) == ("0.50", "2.25", "7.00")
    assert result.mean == "2.850"
    assert result.total == ""
    assert bars(result)[0] == ("0 to under 1", 1)
    assert bars(result)[-1] == ("6 to 7", 1)
    assert sum(count for _label, count in bars(result)) == 5
    with translation.override("de"):
        german = chart(r="bezirke", diagramm="Anteil")
    assert (german.minimum, german.mean) == ("0,50", "2,850")


def test_the_schema_decides_which_columns_are_numbers_and_how_they_are_written():
    table = TableData(columns=["Jahr", "Betrag"], rows=[["2021", "1.234,5"], ["2022", "."]])
    schema = {
        "fields": [
            {"name": "Jahr", "type": "string"},
            {"name": "Betrag", "type": "number", "decimalChar": ",", "groupChar": "."},
        ]
    }
    result = chart(table, schema)
    assert result.choices == ["Betrag"]
    assert (result.count, result.missing, result.minimum) == ("1", "1", "1234.5")


@pytest.mark.parametrize(("cell", "text"), [("2,5", "2.5"), ("7", "7")])
def test_a_single_value_gives_one_bar(cell, text):
    table = TableData(columns=["Wert"], rows=[[cell], [cell], [EN_DASH]])
    result = chart(table)
    assert bars(result) == [(text, 2)]
    assert result.minimum == result.maximum == text
    assert [tick.label for tick in result.x_ticks] == [text]


@pytest.mark.parametrize("cell", ["nan", "inf", "-Infinity", "1_000", "zwölf"])
def test_text_that_is_no_finite_number_makes_a_column_text(cell):
    table = TableData(columns=["Wert"], rows=[["1"], [cell]])
    assert chart(table) is None


def test_a_table_without_numbers_has_no_chart():
    table = TableData(columns=["Bezirk", "Code"], rows=[["Mitte", "011"], ["Pankow", EN_DASH]])
    assert chart(table) is None
    assert chart(TableData(columns=["Wert"], rows=[[EN_DASH], [""]])) is None


def test_a_large_table_gets_about_ten_bins():
    table = TableData(columns=["Wert"], rows=[[str(number)] for number in range(100_000)])
    result = chart(table)
    assert 8 <= len(result.bars) <= 12
    assert sum(bar.count for bar in result.bars) == 100_000
    assert result.bars[0].label == "0 to 9999"


# On the dataset page ---------------------------------------------------------------------------


@pytest.fixture
def dataset(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_dataset(
        title="Bezirke",
        slug="bezirke",
        description="Einwohner und Fläche der Bezirke.",
        contact_email="info@statistik.example",
    )


def publish(dataset, slug, text):
    resource = Resource.objects.create(dataset=dataset, title=slug, slug=slug, kind="table")
    resource_version_create(resource=resource, data=text.encode(), filename=f"{slug}.csv")
    return resource


@pytest.fixture
def districts(dataset):
    return publish(dataset, "bezirke", DISTRICTS)


def page(client, dataset, **params):
    response = client.get(dataset.url, params)
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def chart_section(html, slug="bezirke"):
    return html.find("section", id=f"diagramm-{slug}")


def heading(html, slug="bezirke"):
    return chart_section(html, slug).h4.get_text()


def test_the_page_charts_the_first_numeric_column(client, dataset, districts):
    html = page(client, dataset)
    assert heading(html) == "Chart: distribution of “Einwohner”"
    section = chart_section(html)
    assert section["aria-labelledby"] == "diagramm-bezirke-heading"
    form = section.form
    assert form["method"] == "get"
    assert form.find("input", type="hidden")["name"] == "r"
    assert form.find("input", type="hidden")["value"] == "bezirke"
    assert {field["name"] for field in form.find_all(["input", "select"])} == {"r", "diagramm"}
    select = form.find("select", attrs={"name": "diagramm"})
    assert form.find("label")["for"] == select["id"]
    assert [option["value"] for option in select.find_all("option")] == ["Einwohner", "Fläche"]
    assert select.find("option", selected=True)["value"] == "Einwohner"


def test_the_page_charts_the_column_asked_for(client, dataset, districts):
    html = page(client, dataset, r="bezirke", diagramm="Fläche")
    assert heading(html) == "Chart: distribution of “Fläche”"
    assert chart_section(html).find("option", selected=True)["value"] == "Fläche"
    summary = chart_section(html).find("dl").get_text(" ", strip=True)
    assert "Minimum 39.47" in summary
    assert "Sum" not in summary


def test_an_unknown_column_falls_back_to_the_first(client, dataset, districts):
    html = page(client, dataset, r="bezirke", diagramm="<script>alert(1)</script>")
    assert heading(html) == "Chart: distribution of “Einwohner”"
    assert "<script>alert" not in str(chart_section(html))


def test_a_table_without_numbers_has_no_chart_on_the_page(client, dataset):
    publish(dataset, "namen", NAMES)
    html = page(client, dataset)
    assert html.find("section", id="vorschau-namen") is not None
    assert chart_section(html, "namen") is None
    assert html.find(class_="chart") is None


def test_the_chart_is_an_accessible_image_with_the_same_counts_as_its_table(
    client, dataset, districts
):
    html = page(client, dataset)
    svg = chart_section(html).find("svg")
    assert svg["role"] == "img"
    title_id, desc_id = svg["aria-labelledby"].split()
    assert svg.find("title")["id"] == title_id
    assert svg.find("title").get_text() == "Histogram of “Einwohner”"
    description = svg.find("desc")
    assert description["id"] == desc_id
    assert description.get_text().startswith("3 values from 100 to 300; the range with the most")
    assert "viewbox" in svg.attrs

    rows = chart_section(html).find("table").find("tbody").find_all("tr")
    table_counts = [int(row.td.get_text()) for row in rows]
    assert all(row.th["scope"] == "row" and row.th.get_text() for row in rows)
    assert chart_section(html).find("table").caption.get_text()
    assert sum(table_counts) == 3
    heights = [float(rect["height"]) for rect in svg.find_all("rect")]
    assert len(heights) == len(table_counts)
    tallest = max(table_counts)
    scale = max(heights) / tallest
    assert heights == pytest.approx([count * scale for count in table_counts], abs=0.1)


def test_other_resources_parameters_do_not_change_this_chart(client, dataset, districts):
    publish(dataset, "flaechen", DISTRICTS)
    html = page(client, dataset, r="flaechen", diagramm="Fläche")
    assert heading(html, "flaechen") == "Chart: distribution of “Fläche”"
    assert heading(html, "bezirke") == "Chart: distribution of “Einwohner”"
    ids = Counter(element["id"] for element in html.find_all(id=True))
    assert [name for name, count in ids.items() if count > 1] == []
    svg_ids = [re.escape(f"diagramm-{slug}-title") for slug in ("bezirke", "flaechen")]
    assert all(html.find(id=re.compile(name)) for name in svg_ids)


def test_the_chosen_column_survives_filtering_sorting_and_paging(client, dataset, districts):
    html = page(client, dataset, r="bezirke", diagramm="Fläche", filter="e", sortierung="Bezirk")
    chart_form = chart_section(html).form
    kept = {field["name"]: field["value"] for field in chart_form.find_all("input")}
    assert kept == {"r": "bezirke", "filter": "e", "sortierung": "Bezirk", "richtung": "auf"}
    preview = html.find("section", id="vorschau-bezirke")
    filter_form = preview.form
    assert filter_form.find("input", attrs={"name": "diagramm"})["value"] == "Fläche"
    sort_links = [link["href"] for link in preview.select("th a")]
    assert sort_links and all("diagramm=Fl%C3%A4che" in href for href in sort_links)
    # A choice that is no column of the table is not carried along.
    html = page(client, dataset, r="bezirke", diagramm="nope", filter="e")
    assert (
        html.find("section", id="vorschau-bezirke").form.find("input", attrs={"name": "diagramm"})
        is None
    )
