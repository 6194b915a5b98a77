"""Areas: serialising outlines for a map, and importing the LOR hierarchy.

The usual approach is what a Django project does without thinking about it: the GeoJSON
serializer over model instances, and `update_or_create` per row.
"""

import io

import pytest
from django.core import serializers
from django.core.management import call_command
from django.db import transaction

from maps.models import Area
from maps.selectors import area_feature_collection
from maps.services import area_hierarchy_import
from maps.sources import read_lor_hierarchy
from tests.benchmarks.conftest import measure
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas():
    call_command("import_areas", no_progress=True, stdout=io.StringIO())


def usual_feature_collection(queryset) -> str:
    return serializers.serialize(
        "geojson",
        queryset.filter(geometry__isnull=False),
        geometry_field="geometry",
        fields=["code", "name", "level"],
    )


def usual_hierarchy_import(records) -> None:
    with transaction.atomic():
        for record in records:
            parent = Area.objects.filter(code=record.parent_code).first()
            Area.objects.update_or_create(
                code=record.code,
                defaults={"name": record.name, "level": record.level, "parent": parent},
            )


def test_area_maps(areas, report):
    for level in ("bezirk", "prognoseraum"):
        queryset = Area.objects.filter(level=level)
        report.append(
            (
                f"map data for all {level} outlines",
                measure(lambda qs=queryset: area_feature_collection(qs)),
                measure(lambda qs=queryset: usual_feature_collection(qs)),
            )
        )


def test_area_import(areas, report):
    records = read_lor_hierarchy(FIXTURES / "berlin" / "lor_2021.csv")
    report.append(
        (
            "re-import of 755 LOR areas (nothing changed)",
            measure(lambda: area_hierarchy_import(records=records), repeat=3),
            measure(lambda: usual_hierarchy_import(records), repeat=3),
        )
    )
