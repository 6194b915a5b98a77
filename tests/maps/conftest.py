import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from maps.sources import AreaRecord, AreaShape, read_area_shapes, read_lor_hierarchy

BERLIN = Path(__file__).resolve().parents[2] / "fixtures" / "berlin"
LOR_CSV = BERLIN / "lor_2021.csv"
DISTRICTS_GEOJSON = BERLIN / "bezirke.geojson"
FORECAST_AREAS_GEOJSON = BERLIN / "prognoseraeume_2021.geojson"


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in the source language, whatever translations exist."""
    with translation.override("en"):
        yield


@pytest.fixture
def english_client(client):
    """A visitor who chose English with the language switch."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def berlin_areas(db):
    """The real Berlin LOR hierarchy with district and forecast-area outlines."""
    call_command("import_areas", no_progress=True, stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture(scope="session")
def berlin_records() -> list[AreaRecord]:
    return read_lor_hierarchy(LOR_CSV)


@pytest.fixture(scope="session")
def berlin_district_shapes() -> list[AreaShape]:
    return read_area_shapes(DISTRICTS_GEOJSON, key_property="name")


@pytest.fixture(scope="session")
def berlin_forecast_area_shapes() -> list[AreaShape]:
    return read_area_shapes(FORECAST_AREAS_GEOJSON, key_property="PGR_ID")
