"""Choropleth maps of area-keyed tables on the dataset page."""

import io
import re
import time
from decimal import Decimal
from html import unescape

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict

from maps.models import Area
from opendata.choropleth import table_choropleth
from opendata.models import Resource, ResourceVersion
from opendata.selectors import TableData
from opendata.services import resource_version_create
from opendata.sources.tables import EN_DASH
from tests.conftest import FIXTURES
from tests.factories import make_dataset, square

pytestmark = pytest.mark.django_db
BEZ, PGR, BZR, PLR = (level.value for level in Area.Level)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def lor(area_factory):
    """Two districts with outlines, three forecast areas with outlines, and district regions
    and planning areas without: the levels as the Berlin import leaves them."""
    mitte = area_factory(code="01", name="Mitte", level=BEZ, geometry=square(13.30, 52.50, 0.04))
    xberg = area_factory(code="02", name="Kreuzberg", level=BEZ, geometry=square(13.34, 52.50))
    zentrum = area_factory(
        code="0110", name="Zentrum", level=PGR, parent=mitte, geometry=square(13.30, 52.50)
    )
    moabit = area_factory(
        code="0120", name="Moabit", level=PGR, parent=mitte, geometry=square(13.31, 52.50)
    )
    nord = area_factory(
        code="0210", name="Kreuzberg Nord", level=PGR, parent=xberg, geometry=square(13.34, 52.50)
    )
    regions = {
        parent.code: area_factory(
            code=parent.code + "01",
            name=f"Region {parent.name}",
            level=BZR,
            parent=parent,
            geometry=None,
        )
        for parent in (zentrum, moabit, nord)
    }
    planning = [
        ("01100101", "Stülerstraße", "0110"),
        ("01100102", "Großer Tiergarten", "0110"),
        ("01100103", "Lützowstraße", "0110"),
        ("01200101", "Moabit West", "0120"),
        ("02100101", "Mehringplatz", "0210"),
    ]
    for code, name, forecast in planning:
        area_factory(code=code, name=name, level=PLR, parent=regions[forecast], geometry=None)


def resource(slug="einwohner", kind="table") -> Resource:
    return Resource(slug=slug, title="Einwohner", kind=kind)


def choropleth(rows, columns=("PLR_ID", "Einwohner", "Anteil"), query="", **kinds):
    table = TableData(columns=list(columns), rows=[list(row) for row in rows])
    return table_choropleth(resource(**kinds), ResourceVersion(), table, QueryDict(query))


PLANNING_ROWS = [
    ("01100101", "3503", "10,5"),
    ("01100102", EN_DASH, "20,5"),
    ("01100103", "1000", ""),
    ("01200101", "2000", "4.25"),
    ("02100101", ".", "-"),
]


def by_code(result) -> dict:
    return {area.code: area for area in result.areas}


def test_planning_areas_are_summed_into_forecast_areas_and_missing_cells_counted(lor):
    result = choropleth(PLANNING_ROWS)
    assert result.aggregated
    assert result.column == "Einwohner"
    areas = by_code(result)
    assert list(areas) == ["0110", "0120", "0210"]
    assert areas["0110"].value == 4503
    assert (areas["0110"].text, areas["0110"].rows, areas["0110"].missing) == ("4,503", 3, 1)
    assert (areas["0120"].value, areas["0120"].rows, areas["0120"].missing) == (2000, 1, 0)
    assert (areas["0210"].value, areas["0210"].rows, areas["0210"].missing) == (None, 1, 1)
    assert areas["0110"].title == "Zentrum (0110): 4,503 (1 of 3 without a value)"
    assert areas["0210"].title == "Kreuzberg Nord (0210): no value (1 of 1 without a value)"
    assert "each with the sum of its planning areas" in result.method


def test_decimal_columns_are_averaged_without_weights(lor):
    result = choropleth(PLANNING_ROWS, query="r=einwohner&karte=Anteil")
    assert result.column == "Anteil"
    areas = by_code(result)
    # 10,5 and 20,5 (German commas); the empty cell is left out, not counted as zero.
    assert areas["0110"].value == Decimal("15.5")
    assert areas["0110"].text == "15.50"
    assert areas["0110"].missing == 1
    assert areas["0120"].text == "4.25"
    assert "average of its planning areas, not weighted by population" in result.method


def test_whole_numbers_of_a_rate_or_index_are_averaged_not_summed(lor):
    rows = [("01100101", "2"), ("01100102", "4")]
    result = choropleth(rows, columns=("PLR_ID", "Status Index"))
    assert by_code(result)["0110"].value == 3
    assert "average" in result.method


def test_the_column_is_chosen_only_for_this_resource_and_only_among_numeric_ones(lor):
    assert choropleth(PLANNING_ROWS, query="r=andere&karte=Anteil").column == "Einwohner"
    assert choropleth(PLANNING_ROWS, query="r=einwohner&karte=PLR_ID").column == "Einwohner"
    assert choropleth(PLANNING_ROWS, query="r=einwohner&karte=Nichts").column == "Einwohner"
    assert choropleth(PLANNING_ROWS).columns == ["Einwohner", "Anteil"]


def test_codes_that_lost_their_leading_zero_are_found(lor):
    rows = [(code.lstrip("0"), *values) for code, *values in PLANNING_ROWS]
    result = choropleth(rows, columns=("Nummer", "Einwohner", "Anteil"))
    assert by_code(result)["0110"].value == 4503


def test_key_column_is_found_by_its_values_whatever_its_name_or_position(lor):
    rows = [(values[0], code, values[1]) for code, *values in PLANNING_ROWS]
    result = choropleth(rows, columns=("Einwohner", "Gebiet", "Anteil"))
    assert result.column == "Einwohner"
    assert by_code(result)["0110"].value == 4503


def test_a_column_of_district_names_named_like_a_key_is_a_key(lor):
    result = choropleth([("Mitte", "300"), ("Kreuzberg", "100")], columns=("Bezirk", "Einwohner"))
    assert not result.aggregated
    assert {area.code: area.value for area in result.areas} == {"01": 300, "02": 100}


def test_forecast_areas_are_drawn_as_they_are(lor):
    rows = [("0110", "5"), ("0120", "7"), ("0210", "9")]
    result = choropleth(rows, columns=("PGR_ID", "Kitas"))
    assert not result.aggregated
    assert result.method == ""
    assert [area.value for area in result.areas] == [5, 7, 9]


def test_areas_of_a_district_the_table_covers_are_drawn_without_value_when_missing(lor):
    result = choropleth([("01100101", "5")], columns=("PLR_ID", "Kitas"))
    areas = by_code(result)
    assert list(areas) == ["0110", "0120"]  # Kreuzberg is not in the table
    assert (areas["0120"].value, areas["0120"].rows) == (None, 0)
    assert result.legend[-1].label == "no value"
    assert result.legend[-1].count == 1


@pytest.mark.parametrize(
    ("rows", "columns"),
    [
        ([("Mitte", "300"), ("Pankow", "100")], ("Gebiet", "Einwohner")),
        ([("01100101", "a"), ("01100102", "b")], ("PLR_ID", "Name")),
        ([("99999999", "1"), ("98888888", "2")], ("PLR_ID", "Einwohner")),
        ([("01100101", "1"), ("01100101", "2")], ("PLR_ID", "Einwohner")),
    ],
    ids=["no-key-column", "no-numeric-column", "unknown-codes", "several-rows-per-area"],
)
def test_no_map_without_a_key_column_a_numeric_column_or_one_row_per_area(lor, rows, columns):
    assert choropleth(rows, columns=columns) is None


def test_no_map_when_no_level_has_outlines(lor):
    Area.objects.update(geometry=None)
    assert choropleth(PLANNING_ROWS) is None


def test_no_map_without_areas_or_for_geodata():
    assert choropleth(PLANNING_ROWS) is None


def test_no_map_for_geodata(lor):
    assert choropleth(PLANNING_ROWS, kind="geodata") is None


def test_five_quantile_classes_with_their_ranges_in_the_legend(area_factory):
    district = area_factory(code="01", name="Mitte", level=BEZ, geometry=None)
    for number in range(10):
        area_factory(
            code=f"01{number:02d}",
            name=f"Raum {number}",
            level=PGR,
            parent=district,
            geometry=square(13.3 + number * 0.01, 52.5),
        )
    rows = [(f"01{number:02d}", str(value)) for number, value in enumerate(range(10, 110, 10))]
    result = choropleth(rows, columns=("PGR", "Wert"))
    assert [entry.label for entry in result.legend] == [
        "10 to 20",
        "30 to 40",
        "50 to 60",
        "70 to 80",
        "90 to 100",
    ]
    assert [entry.count for entry in result.legend] == [2, 2, 2, 2, 2]
    assert [area.rank for area in result.areas] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert len({entry.fill for entry in result.legend}) == 5


def test_ties_fall_back_to_equal_intervals_and_few_values_get_one_class_each(lor):
    rows = [("0110", "1"), ("0120", "1"), ("0210", "2")]
    result = choropleth(rows, columns=("PGR_ID", "Kitas"))
    assert [(entry.label, entry.count) for entry in result.legend] == [("1", 2), ("2", 1)]
    assert result.class_count == 2


def test_the_page_shows_the_map_form_legend_and_a_table_with_the_same_values(client, lor, page):
    table = Resource.objects.create(dataset=page, title="Einwohner", slug="einwohner", kind="table")
    data = "PLR_ID;Einwohner;Anteil\n" + "\n".join(";".join(row) for row in PLANNING_ROWS)
    resource_version_create(resource=table, data=data.encode(), filename="einwohner.csv")

    html = client.get(page.url).content.decode()
    section = html[html.index('<section class="choropleth"') :]
    section = section[: section.index("</section>")]
    assert 'id="karte-einwohner"' in section
    assert 'role="img" aria-labelledby="karte-einwohner-titel karte-einwohner-beschreibung"' in (
        section
    )
    assert '<input type="hidden" name="r" value="einwohner">' in section
    assert '<option value="Anteil">Anteil</option>' in section
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    titles = [unescape(t) for t in re.findall(r"<path [^>]*><title>([^<]*)</title>", section)]
    rows = re.findall(
        r"<tr>\s*<td>(\d+)</td>\s*<th[^>]*>([^<]*)</th>\s*<td[^>]*>([^<]*)</td>", section
    )
    assert len(titles) == len(rows) == 3
    for title, (code, name, value) in zip(titles, rows, strict=True):
        assert title.startswith(f"{unescape(name)} ({code}): {value}")
    assert "Zentrum (0110): 4,503 (1 of 3 without a value)" in titles
    legend = section[section.index('<div class="choropleth__legend">') :]
    legend = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", legend[: legend.index("</ul>")]))
    assert legend.split() == (
        "Legend: Einwohner 2,000 (1 area) 4,503 (1 area) no value (1 area)".split()
    )
    assert "<td>2 of 2</td>" in section

    html = client.get(page.url + "?r=einwohner&karte=Anteil").content.decode()
    assert '<option value="Anteil" selected>Anteil</option>' in html
    assert "Anteil by forecast area: the values of the map" in html

    # The map's column and the preview's filter and sorting are kept by each other's forms.
    html = client.get(page.url + "?r=einwohner&karte=Anteil&filter=0&sortierung=Einwohner")
    html = html.content.decode()
    section = html[html.index('<section class="choropleth"') :]
    form = section[: section.index("</form>")]
    assert '<input type="hidden" name="filter" value="0">' in form
    assert '<input type="hidden" name="sortierung" value="Einwohner">' in form
    assert '<input type="hidden" name="karte"' not in form
    preview = html[html.index('<section class="table-preview"') :]
    assert '<input type="hidden" name="karte" value="Anteil">' in preview


def queries(call) -> list[str]:
    """The queries `call` makes (recorded as they run, whatever resets the debug log)."""
    sql = []

    def record(execute, statement, params, many, context):
        sql.append(statement)
        return execute(statement, params, many, context)

    with connection.execute_wrapper(record):
        call()
    return sql


def test_page_queries_do_not_grow_with_rows(client, lor, page, django_assert_max_num_queries):
    table = Resource.objects.create(dataset=page, title="Einwohner", slug="einwohner", kind="table")
    data = "PLR_ID;Einwohner\n01100101;5\n"
    resource_version_create(resource=table, data=data.encode(), filename="einwohner.csv")
    client.get(page.url)
    one_row = queries(lambda: client.get(page.url))
    rows = "".join(f"{row[0]};{number}\n" for number, row in enumerate(PLANNING_ROWS))
    resource_version_create(
        resource=table, data=("PLR_ID;Einwohner\n" + rows).encode(), filename="einwohner.csv"
    )
    client.get(page.url)
    with django_assert_max_num_queries(len(one_row)):
        html = client.get(page.url).content.decode()
    assert "Zentrum (0110): 1 (" not in html
    assert "Zentrum (0110): 3</title>" in html


def test_a_page_with_several_maps_reads_the_areas_once(client, lor, page):
    for slug in ("einwohner", "kitas"):
        table = Resource.objects.create(dataset=page, title=slug, slug=slug, kind="table")
        data = "PLR_ID;Anzahl\n01100101;5\n02100101;7\n"
        resource_version_create(resource=table, data=data.encode(), filename=f"{slug}.csv")
    client.get(page.url)
    warm = queries(lambda: client.get(page.url))
    # The areas the page's metadata names are read by a join from the dataset's areas.
    reads = [sql for sql in warm if 'FROM "maps_area"' in sql and "datasetpage" not in sql]
    assert len(reads) == 1
    html = client.get(page.url).content.decode()
    assert 'id="karte-einwohner"' in html
    assert 'id="karte-kitas"' in html


def test_a_warm_cache_costs_one_query_per_map(lor, django_assert_num_queries):
    choropleth(PLANNING_ROWS)
    with django_assert_num_queries(1):
        choropleth(PLANNING_ROWS)


@pytest.fixture
def page():
    return make_dataset(description="Einwohnerinnen und Einwohner.")


def test_berlin_population_by_planning_area_maps_the_58_forecast_areas(client, page):
    call_command("import_areas", no_progress=True, stdout=io.StringIO(), stderr=io.StringIO())
    table = Resource.objects.create(dataset=page, title="Einwohner", slug="einwohner", kind="table")
    data = (FIXTURES / "berlin" / "einwohner_plr_2022-06.csv").read_bytes()
    resource_version_create(resource=table, data=data, filename="einwohner.csv")

    started = time.perf_counter()
    html = client.get(page.url).content.decode()
    cold = time.perf_counter() - started
    started = time.perf_counter()
    client.get(page.url)
    warm = time.perf_counter() - started
    section = html[html.index('<section class="choropleth"') :]
    svg = section[section.index("<svg") : section.index("</svg>") + 6]
    print(f"SVG {len(svg.encode())} bytes; page {cold:.3f} s cold, {warm:.3f} s warm")

    assert svg.count("><title>") == 58
    assert len(svg.encode()) < 150_000
    # Mitte 1 (Zentrum) holds planning areas 01100101 … 01100206; their sum is on the map.
    assert "Each forecast area" not in section
    assert "each with the sum of its planning areas" in section
    titles = re.findall(r"<path [^>]*><title>([^<]*)</title>", svg)
    total = sum(
        int(line.split(";")[0])
        for line in data.decode("utf-8-sig").splitlines()[1:]
        if line.split(";")[-1].startswith("0110")
    )
    assert any(title.startswith(f"Zentrum (0110): {total:,}") for title in titles), titles[:3]
