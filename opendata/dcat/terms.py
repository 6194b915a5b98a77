"""The vocabularies of the DCAT-AP.de catalogue: namespaces, and how the catalogue's own codes
(file formats, update frequencies) are written as IRIs of the controlled vocabularies."""

from rdflib import Namespace

ADMS = Namespace("http://www.w3.org/ns/adms#")
DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

EU_AUTHORITY = "http://publications.europa.eu/resource/authority"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types"
LANGUAGE_GERMAN = f"{EU_AUTHORITY}/language/DEU"
# Every dataset is published by an administration of the Land Berlin: DCAT-AP.de's state level
# and the state key 11 (Berlin) of the political geocoding lists.
GEOCODING_LEVEL_STATE = "http://dcat-ap.de/def/politicalGeocoding/Level/state"
GEOCODING_BERLIN = "http://dcat-ap.de/def/politicalGeocoding/stateKey/11"

# A version's format (and a conversion's name) → the EU file type and the IANA media type.
FORMATS = {
    "csv": ("CSV", "text/csv"),
    "json": ("JSON", "application/json"),
    "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "geojson": ("GEOJSON", "application/geo+json"),
    "gpkg": ("GPKG", "application/geopackage+sqlite3"),
    "shapefile": ("SHP", "application/zip"),
}


def file_type_iri(value: str) -> str | None:
    """The EU file-type IRI of a format, or None for a format the vocabulary lacks here."""
    known = FORMATS.get(value)
    return f"{EU_AUTHORITY}/file-type/{known[0]}" if known else None


def media_type_iri(media_type: str) -> str:
    """The IANA registry's IRI of a media type, without parameters (`; charset=…`)."""
    return f"{IANA_MEDIA_TYPES}/{media_type.split(';')[0].strip()}"


def frequency_iri(value: str) -> str:
    return f"{EU_AUTHORITY}/frequency/{value}"


def data_theme_iri(code: str) -> str:
    return f"{EU_AUTHORITY}/data-theme/{code}"
