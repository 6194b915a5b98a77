import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import square


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in the source language, whatever translations exist."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    """A browser that asked for the English interface."""
    client.cookies["quartier_language"] = "en"
    return client


@pytest.fixture
def api(client):
    """A client that reads the API in English (the messages' source language)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def district(area_factory):
    """Friedrichshain-Kreuzberg as a square from 13.4, 52.5 to 13.5, 52.6."""
    return area_factory(
        code="02", name="Friedrichshain-Kreuzberg", geometry=square(13.4, 52.5, 0.1)
    )
