"""Conversions of a published version into other formats, read from the stored file a row or a
feature at a time: tables as CSV, JSON and XLSX; geodata as GeoJSON, GeoPackage and CSV with
the geometry as WKT. Memory use does not grow with the file."""

import csv
import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from django.contrib.gis.geos import GEOSGeometry

from .models import Resource, ResourceVersion
from .sources.stored import COLLECTION_END, COLLECTION_START, feature_records, table_records

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GEOPACKAGE = "application/geopackage+sqlite3"
CHUNK = 64 * 1024


class _Echo:
    """A file-like object whose write() hands the text back, so csv can write into a stream."""

    def write(self, value: str) -> str:
        return value


@contextmanager
def _opened(field) -> Iterator[IO[bytes]]:
    stored = field.storage.open(field.name, "rb")
    try:
        yield stored
    finally:
        stored.close()


def _csv_stream(header: list[str], rows) -> Iterator[bytes]:
    writer = csv.writer(_Echo(), lineterminator="\n")
    yield "\ufeff".encode()  # so that spreadsheet programs read UTF-8
    yield writer.writerow(header).encode()
    for row in rows:
        yield writer.writerow(row).encode()


def table_csv(version: ResourceVersion) -> Iterator[bytes]:
    with _opened(version.file) as stored:
        records = table_records(stored)
        yield from _csv_stream(next(records, []), records)


def table_json(version: ResourceVersion) -> Iterator[bytes]:
    """An array of objects, one per row, keyed by the column names."""
    with _opened(version.file) as stored:
        records = table_records(stored)
        header = next(records, [])
        yield b"["
        for number, row in enumerate(records):
            record = json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False)
            yield (("," if number else "") + "\n" + record).encode()
        yield b"\n]\n"


def table_xlsx(version: ResourceVersion) -> IO[bytes]:
    """A workbook written row by row into a temporary file (removed when it is closed)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    with _opened(version.file) as stored:
        for row in table_records(stored):
            sheet.append(row)
    result = tempfile.TemporaryFile()
    workbook.save(result)
    result.seek(0)
    return result


def geodata_geojson(version: ResourceVersion) -> IO[bytes]:
    """The stored features in WGS 84: already a GeoJSON FeatureCollection."""
    return version.features_file.storage.open(version.features_file.name, "rb")


def geodata_csv(version: ResourceVersion) -> Iterator[bytes]:
    """One row per feature: its attributes, then its geometry as WKT (WGS 84)."""
    fields = list(version.report.get("fields", []))
    with _opened(version.features_file) as stored:
        rows = (
            [cell_text(feature["properties"].get(field)) for field in fields]
            + [_wkt(feature["geometry"])]
            for feature in feature_records(stored)
        )
        yield from _csv_stream([*fields, "WKT"], rows)


def geodata_gpkg(version: ResourceVersion) -> IO[bytes]:
    """A GeoPackage written by GDAL's ogr2ogr from the stored WGS 84 features (a file this
    catalogue wrote, never the upload), in a temporary folder removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="quartier-gpkg-"))
    try:
        source, target = folder / "features.geojson", folder / "features.gpkg"
        with _opened(version.features_file) as stored, source.open("wb") as copy:
            shutil.copyfileobj(stored, copy, CHUNK)
        layer = Path(version.filename).stem or "features"
        program = shutil.which("ogr2ogr") or "/usr/bin/ogr2ogr"
        subprocess.run(  # noqa: S603 (a fixed program; the arguments are our own paths)
            [program, "-f", "GPKG", str(target), str(source), "-nln", layer],
            check=True,
            capture_output=True,
            timeout=600,
        )
        result = tempfile.TemporaryFile()
        with target.open("rb") as written:
            shutil.copyfileobj(written, result, CHUNK)
        result.seek(0)
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def cell_text(value) -> str:
    """A GeoJSON attribute value as the text of a table cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def map_features(version: ResourceVersion, label: str) -> Iterator[bytes]:
    """The features with their geometry and only a name (from the attribute `label`), for a
    map; a FeatureCollection streamed a feature at a time."""
    with _opened(version.features_file) as stored:
        yield COLLECTION_START
        for number, feature in enumerate(feature_records(stored)):
            name = cell_text(feature["properties"].get(label)) if label else ""
            record = {
                "type": "Feature",
                "geometry": feature["geometry"],
                "properties": {"name": name or f"#{number + 1}", "row": number + 1},
            }
            separator = b",\n" if number else b""
            yield separator + json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode()
        yield COLLECTION_END


def _wkt(geometry: dict | None) -> str:
    if geometry is None:
        return ""
    return GEOSGeometry(json.dumps(geometry)).wkt


# format → (content type, converter, whether the converter returns a file rather than chunks)
EXPORTS = {
    Resource.Kind.TABLE: {
        "csv": (CSV, table_csv, False),
        "json": ("application/json", table_json, False),
        "xlsx": (XLSX, table_xlsx, True),
    },
    Resource.Kind.GEODATA: {
        "geojson": ("application/geo+json", geodata_geojson, True),
        "gpkg": (GEOPACKAGE, geodata_gpkg, True),
        "csv": (CSV, geodata_csv, False),
    },
}
EXPORT_FORMATS = sorted({name for formats in EXPORTS.values() for name in formats})
