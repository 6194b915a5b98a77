"""Small helpers shared by tests (factories live in tests/factories.py)."""

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_paths(xml: bytes) -> list[str]:
    """The URL paths listed in a sitemap document."""
    root = ET.fromstring(xml)  # noqa: S314 - our own sitemap
    return [urlsplit(loc.text).path for loc in root.findall("s:url/s:loc", SITEMAP_NS)]
