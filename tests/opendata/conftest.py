import pytest
from django.utils import translation


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
