"""The `import_areas` command: all or nothing, idempotent, clear errors."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from maps.models import Area
from tests.maps.conftest import DISTRICTS_GEOJSON, FORECAST_AREAS_GEOJSON, LOR_CSV

pytestmark = pytest.mark.django_db

SQUARE = [[[13.40, 52.51], [13.41, 52.51], [13.41, 52.52], [13.40, 52.52], [13.40, 52.51]]]


def import_areas(**options) -> str:
    stdout = io.StringIO()
    call_command("import_areas", no_progress=True, stdout=stdout, stderr=io.StringIO(), **options)
    return stdout.getvalue()


def outlines(*names: str, key: str = "name") -> str:
    features = [
        {
            "type": "Feature",
            "properties": {key: name},
            "geometry": {"type": "Polygon", "coordinates": SQUARE},
        }
        for name in names
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def test_import_areas_loads_the_berlin_fixtures_and_reports_what_it_did():
    output = import_areas()
    assert output.splitlines() == [
        "hierarchy: 755 created, 0 updated, 0 unchanged",
        "district outlines: 0 created, 12 updated, 0 unchanged",
        "forecast-area outlines: 0 created, 58 updated, 0 unchanged",
    ]
    assert Area.objects.count() == 755
    assert Area.objects.filter(geometry__isnull=False).count() == 70
    stuelerstrasse = Area.objects.get(code="01100101")
    assert [a.code for a in stuelerstrasse.ancestors] == ["01", "0110", "011001"]
    assert stuelerstrasse.ancestors[0].name == "Mitte"


def test_import_areas_reads_the_files_it_is_given():
    output = import_areas(
        hierarchy=LOR_CSV, districts=DISTRICTS_GEOJSON, forecast_areas=FORECAST_AREAS_GEOJSON
    )
    assert output.startswith("hierarchy: 755 created")


def test_import_areas_twice_changes_nothing(django_assert_max_num_queries):
    import_areas()
    before = list(Area.objects.values_list("pk", "code", "name", "level", "parent_id"))
    # Three reads, each service's savepoint and the command's: nothing per area.
    with django_assert_max_num_queries(12):
        output = import_areas()
    assert output.splitlines() == [
        "hierarchy: 0 created, 0 updated, 755 unchanged",
        "district outlines: 0 created, 0 updated, 12 unchanged",
        "forecast-area outlines: 0 created, 0 updated, 58 unchanged",
    ]
    assert list(Area.objects.values_list("pk", "code", "name", "level", "parent_id")) == before


def test_import_areas_draws_progress_bars_on_stderr():
    stderr = io.StringIO()
    call_command("import_areas", stdout=io.StringIO(), stderr=stderr)
    assert "Planning area" in stderr.getvalue()
    assert Area.objects.count() == 755


@pytest.mark.parametrize("option", ["hierarchy", "districts", "forecast_areas"])
def test_missing_file_gives_command_error_naming_it_and_writes_nothing(tmp_path, option):
    path = tmp_path / "nowhere.txt"
    with pytest.raises(CommandError) as error:
        import_areas(**{option: path})
    assert str(error.value) == f"{path}: file not found"
    assert not Area.objects.exists()


def test_bad_hierarchy_file_gives_command_error_with_the_line_and_writes_nothing(tmp_file):
    text = LOR_CSV.read_text(encoding="utf-8-sig").replace("01100102", "0110010X")
    with pytest.raises(CommandError) as error:
        import_areas(hierarchy=tmp_file("lor.csv", text))
    assert str(error.value) == (
        "lor.csv, line 3: Planungsraum (Nummer) must be 8 digits, not '0110010X'"
    )
    assert not Area.objects.exists()


@pytest.mark.parametrize(
    ("option", "content", "message"),
    [
        ("districts", b"", "bezirke.geojson: the file is empty"),
        ("districts", b"{]", "bezirke.geojson: not valid JSON (line 1, column 2)"),
        ("forecast_areas", "Köpenick".encode("cp1252"), "bezirke.geojson: not UTF-8 text"),
        ("forecast_areas", outlines("0110", key="PGR"), "feature 1: property 'PGR_ID' is missing"),
    ],
    ids=["empty", "invalid-json", "windows-1252", "no-key"],
)
def test_unreadable_outline_file_stops_the_import_before_anything_is_written(
    tmp_file, option, content, message
):
    with pytest.raises(CommandError) as error:
        import_areas(**{option: tmp_file("bezirke.geojson", content)})
    assert message in str(error.value)
    assert not Area.objects.exists()


def test_district_file_naming_an_unknown_district_is_rejected_listing_it_and_writes_nothing(
    tmp_file,
):
    path = tmp_file("bezirke.geojson", outlines("Mitte", "Pankow", "Groß-Berlin"))
    with pytest.raises(CommandError) as error:
        import_areas(districts=path)
    assert str(error.value) == "no District with name: Groß-Berlin"
    assert not Area.objects.exists()  # the hierarchy was fine, but it is one transaction


def test_forecast_area_file_naming_an_unknown_code_writes_neither_hierarchy_nor_districts(
    tmp_file,
):
    path = tmp_file("prognoseraeume.geojson", outlines("0110", "1399", key="PGR_ID"))
    with pytest.raises(CommandError) as error:
        import_areas(forecast_areas=path)
    assert str(error.value) == "no Forecast area with code: 1399"
    assert not Area.objects.exists()


def test_failed_import_leaves_the_previous_import_untouched(tmp_file):
    import_areas()
    before = list(Area.objects.values_list("pk", "name", "parent_id").order_by("pk"))
    renamed = LOR_CSV.read_text(encoding="utf-8-sig").replace(",Mitte,", ",Berlin-Mitte,")
    with pytest.raises(CommandError, match="no District with name: Nirgendwo"):
        import_areas(
            hierarchy=tmp_file("lor.csv", renamed),
            districts=tmp_file("bezirke.geojson", outlines("Berlin-Mitte", "Nirgendwo")),
        )
    assert list(Area.objects.values_list("pk", "name", "parent_id").order_by("pk")) == before
    assert Area.objects.get(code="01").name == "Mitte"
