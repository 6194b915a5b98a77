"""Writing areas: the hierarchy and the outlines, each import one transaction."""

from collections import Counter

import pytest
from django.contrib.gis.geos import Polygon

from maps.models import Area
from maps.services import area_geometry_import, area_hierarchy_import
from maps.sources import AreaRecord, AreaShape, SourceError
from tests.factories import square

pytestmark = pytest.mark.django_db

MITTE = AreaRecord("01", "Mitte", "bezirk", None)
ZENTRUM = AreaRecord("0110", "Zentrum", "prognoseraum", "01")
TIERGARTEN_SUED = AreaRecord("011001", "Tiergarten Süd", "bezirksregion", "0110")
STUELERSTRASSE = AreaRecord("01100101", "Stülerstraße", "planungsraum", "011001")
SMALL_HIERARCHY = [MITTE, ZENTRUM, TIERGARTEN_SUED, STUELERSTRASSE]


def counts(result) -> tuple[int, int, int]:
    return result.created, result.updated, result.unchanged


@pytest.fixture
def berlin_hierarchy(berlin_records):
    return area_hierarchy_import(records=berlin_records)


# The hierarchy -------------------------------------------------------------------------------


def test_berlin_hierarchy_import_creates_all_755_areas_on_four_levels(berlin_hierarchy):
    assert counts(berlin_hierarchy) == (755, 0, 0)
    assert Counter(Area.objects.values_list("level", flat=True)) == {
        "bezirk": 12,
        "prognoseraum": 58,
        "bezirksregion": 143,
        "planungsraum": 542,
    }


def test_stuelerstrasse_belongs_to_tiergarten_sued_zentrum_and_mitte(berlin_hierarchy):
    area = Area.objects.get(code="01100101")
    assert (area.name, area.level) == ("Stülerstraße", "planungsraum")
    assert [(a.code, a.name, a.level) for a in area.ancestors] == [
        ("01", "Mitte", "bezirk"),
        ("0110", "Zentrum", "prognoseraum"),
        ("011001", "Tiergarten Süd", "bezirksregion"),
    ]


def test_every_area_has_a_parent_one_level_up_whose_code_starts_its_own(berlin_hierarchy):
    levels = ["bezirk", "prognoseraum", "bezirksregion", "planungsraum"]
    for area in Area.objects.select_related("parent").defer("geometry", "parent__geometry"):
        if area.level == "bezirk":
            assert area.parent is None, area
            assert len(area.code) == 2
        else:
            assert levels.index(area.parent.level) == levels.index(area.level) - 1, area
            assert area.code.startswith(area.parent.code), area


def test_berlin_hierarchy_import_needs_few_queries(berlin_records, django_assert_max_num_queries):
    # One read, a few batched inserts per level and the savepoint: not one query per area.
    with django_assert_max_num_queries(12):
        area_hierarchy_import(records=berlin_records)
    assert Area.objects.count() == 755


def test_second_hierarchy_import_changes_nothing_in_few_queries(
    berlin_hierarchy, berlin_records, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        result = area_hierarchy_import(records=berlin_records)
    assert counts(result) == (0, 0, 755)
    assert Area.objects.count() == 755


def test_renamed_area_is_updated_in_place(berlin_hierarchy, berlin_records):
    mitte = Area.objects.get(code="01")
    records = [
        AreaRecord(r.code, "Berlin-Mitte", r.level, r.parent_code) if r.code == "01" else r
        for r in berlin_records
    ]
    assert counts(area_hierarchy_import(records=records)) == (0, 1, 754)
    renamed = Area.objects.get(code="01")
    assert (renamed.pk, renamed.name) == (mitte.pk, "Berlin-Mitte")
    assert Area.objects.count() == 755


def test_area_moved_to_another_parent_is_updated(db):
    area_hierarchy_import(records=SMALL_HIERARCHY)
    moabit = AreaRecord("0120", "Moabit", "prognoseraum", "01")
    moved = AreaRecord("011001", "Tiergarten Süd", "bezirksregion", "0120")
    result = area_hierarchy_import(records=[MITTE, ZENTRUM, moabit, moved, STUELERSTRASSE])
    assert counts(result) == (1, 1, 3)
    assert Area.objects.get(code="011001").parent.code == "0120"


def test_areas_missing_from_later_records_are_kept(db):
    area_hierarchy_import(records=SMALL_HIERARCHY)
    result = area_hierarchy_import(records=[MITTE, ZENTRUM])
    assert counts(result) == (0, 0, 2)
    assert Area.objects.filter(code="01100101").exists()


def test_record_with_unknown_parent_is_rejected_and_nothing_is_written(db):
    orphan = AreaRecord("0210", "Kreuzberg Nord", "prognoseraum", "02")
    with pytest.raises(SourceError) as error:
        area_hierarchy_import(records=[MITTE, ZENTRUM, orphan])
    assert str(error.value) == "area 0210: parent 02 is unknown"
    assert not Area.objects.exists()  # not even Mitte, which was fine


# Outlines ------------------------------------------------------------------------------------


def test_berlin_outlines_give_every_district_and_forecast_area_a_geometry(
    berlin_hierarchy, berlin_district_shapes, berlin_forecast_area_shapes
):
    districts = area_geometry_import(shapes=berlin_district_shapes, level="bezirk", match_by="name")
    forecast_areas = area_geometry_import(shapes=berlin_forecast_area_shapes, level="prognoseraum")
    assert counts(districts) == (0, 12, 0)
    assert counts(forecast_areas) == (0, 58, 0)
    with_outline = Area.objects.filter(geometry__isnull=False)
    assert with_outline.filter(level="bezirk").count() == 12
    assert with_outline.filter(level="prognoseraum").count() == 58
    assert with_outline.count() == 70  # the lower levels have no outline of their own


def test_stored_district_outline_is_the_one_read_from_the_file(
    berlin_hierarchy, berlin_district_shapes
):
    area_geometry_import(shapes=berlin_district_shapes, level="bezirk", match_by="name")
    shape = next(shape for shape in berlin_district_shapes if shape.key == "Mitte")
    stored = Area.objects.get(code="01").geometry
    assert stored.srid == 4326
    assert stored.equals_exact(shape.geometry, 1e-9)
    assert stored.contains(Polygon.from_bbox((13.40, 52.52, 13.401, 52.521)))  # Alexanderplatz


def test_second_geometry_import_changes_nothing_in_few_queries(
    berlin_hierarchy, berlin_forecast_area_shapes, django_assert_max_num_queries
):
    area_geometry_import(shapes=berlin_forecast_area_shapes, level="prognoseraum")
    with django_assert_max_num_queries(4):
        result = area_geometry_import(shapes=berlin_forecast_area_shapes, level="prognoseraum")
    assert counts(result) == (0, 0, 58)


def test_changed_outline_is_updated_and_others_are_left_alone(db):
    area_hierarchy_import(records=SMALL_HIERARCHY)
    area_geometry_import(shapes=[AreaShape("0110", square(13.40, 52.50))], level="prognoseraum")
    bigger = square(13.40, 52.50, size=0.02)
    result = area_geometry_import(shapes=[AreaShape("0110", bigger)], level="prognoseraum")
    assert counts(result) == (0, 1, 0)
    assert Area.objects.get(code="0110").geometry.equals_exact(bigger, 1e-9)
    assert Area.objects.get(code="01").geometry is None


def test_geometry_import_matches_by_code_within_the_level_only(db):
    area_hierarchy_import(records=SMALL_HIERARCHY)
    with pytest.raises(SourceError, match=r"^no Forecast area with code: 01$"):
        area_geometry_import(shapes=[AreaShape("01", square(13.4, 52.5))], level="prognoseraum")


def test_geometry_import_naming_an_unknown_district_lists_it_and_writes_nothing(db):
    area_hierarchy_import(records=SMALL_HIERARCHY)
    shapes = [
        AreaShape("Mitte", square(13.40, 52.50)),
        AreaShape("Tiergarten", square(13.30, 52.50)),
        AreaShape("Atlantis", square(13.20, 52.50)),
    ]
    with pytest.raises(SourceError) as error:
        area_geometry_import(shapes=shapes, level="bezirk", match_by="name")
    assert str(error.value) == "no District with name: Atlantis, Tiergarten"
    assert not Area.objects.filter(geometry__isnull=False).exists()


def test_geometry_import_refuses_to_match_by_another_field(db):
    with pytest.raises(ValueError, match="match_by must be 'code' or 'name', not 'pk'"):
        area_geometry_import(shapes=[], level="bezirk", match_by="pk")
