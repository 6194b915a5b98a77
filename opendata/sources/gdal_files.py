"""GeoPackage and zipped Shapefile through GDAL, confined: the upload's bytes go into GDAL's
in-memory filesystem under a fresh name, only the expected driver may open them, the directory
listing is the files written, and the options in `CONFINED_OPTIONS` keep GDAL off the network
and off SQLite extensions for the duration."""

import io
import re
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from ctypes import c_char_p, c_int, c_size_t, c_void_p, memmove
from datetime import date, datetime, time

from django.contrib.gis.gdal import DataSource, Driver, GDALException, SpatialReference
from django.contrib.gis.gdal.libgdal import lgdal
from django.contrib.gis.gdal.prototypes import ds as ds_capi
from django.contrib.gis.gdal.prototypes import raster as vsi_capi
from django.utils.translation import gettext as _

from maps.sources import WGS84, SourceError

from .features import (
    GeoFeature,
    check_count,
    check_srid,
    shown,
    to_wgs84,
    where,
)

# What a zipped Shapefile may unpack to; the unpacked files are held in memory.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024

# Set per thread while GDAL opens and reads an upload.
CONFINED_OPTIONS = {
    # Files next to the upload are only those listed to GDALOpenEx; never list a directory.
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    # No /vsicurl/ name matches, and any HTTP attempt gives up at once.
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".quartier-no-remote-files",
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "/vsimem/quartier-no-remote-files",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    # GeoPackage is SQLite: no extensions, no pragmas, no URI file names, no VirtualOGR tables
    # (which open other data sources), no OGR functions from a file's own views or triggers.
    "OGR_SQLITE_LOAD_EXTENSIONS": "",
    "OGR_SQLITE_PRAGMA": "",
    "SQLITE_USE_URI": "NO",
    "OGR_SQLITE_LIST_VIRTUAL_OGR": "NO",
    "ALLOW_VIRTUAL_OGR_FROM_TRIGGER_AND_VIEW": "NO",
    "ALLOW_OGR_SQL_FUNCTIONS_FROM_TRIGGER_AND_VIEW": "NO",
    # A Shapefile without its index is refused, not rebuilt.
    "SHAPE_RESTORE_SHX": "NO",
}

_SQLITE_HEADER = b"SQLite format 3\x00"
_GEOPACKAGE_IDS = (b"GPKG", b"GP10", b"GP11")
_SHAPEFILE_MAGIC = b"\x00\x00\x27\x0a"
_ARCHIVE_SUFFIXES = (".zip", ".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".kmz")
_DRIVE = re.compile(r"^[A-Za-z]:")


def read_geopackage(data: bytes, name: str, max_features: int) -> tuple[int, list[GeoFeature]]:
    if not data.startswith(_SQLITE_HEADER) or len(data) < 100:
        raise SourceError(_("%(file)s: not a GeoPackage (no SQLite header)") % {"file": name})
    if data[68:72] not in _GEOPACKAGE_IDS:
        raise SourceError(
            _("%(file)s: an SQLite database, but not a GeoPackage (application id %(id)s)")
            % {"file": name, "id": data[68:72].hex()}
        )
    return _read_with_gdal({"upload.gpkg": data}, "GPKG", name, max_features)


def read_zipped_shapefile(
    data: bytes, name: str, max_features: int
) -> tuple[int, list[GeoFeature]]:
    files = _unpack_shapefile(data, name)
    for suffix in (".shp", ".shx"):
        if not files["upload" + suffix].startswith(_SHAPEFILE_MAGIC):
            raise SourceError(
                _("%(file)s: the %(suffix)s file is not a Shapefile")
                % {"file": name, "suffix": suffix}
            )
    return _read_with_gdal(files, "ESRI Shapefile", name, max_features)


def _unpack_shapefile(data: bytes, name: str) -> dict[str, bytes]:
    """The .shp, .shx, .dbf, .prj (and .cpg) of the one Shapefile in the archive, renamed
    `upload.*`, after checking every member name and the unpacked size."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        raise SourceError(_("%(file)s: not a readable zip archive") % {"file": name}) from error
    by_name: dict[str, zipfile.ZipInfo] = {}
    for member in members:
        path = member.filename
        parts = re.split(r"[/\\]", path)
        if path.startswith(("/", "\\")) or _DRIVE.match(path) or ".." in parts or "\x00" in path:
            raise SourceError(
                _("%(file)s: the archive member %(member)s points outside the archive")
                % {"file": name, "member": shown(path)}
            )
        if member.is_dir() or parts[0] == "__MACOSX" or parts[-1].startswith("._"):
            continue
        if parts[-1].lower().endswith(_ARCHIVE_SUFFIXES):
            raise SourceError(
                _("%(file)s: the archive contains another archive (%(member)s)")
                % {"file": name, "member": shown(path)}
            )
        by_name[path.lower()] = member
    if sum(member.file_size for member in by_name.values()) > MAX_UNPACKED_BYTES:
        raise SourceError(_too_large_unpacked(name))
    shapes = [path for path in by_name if path.endswith(".shp")]
    if not shapes:
        raise SourceError(_("%(file)s: the archive holds no .shp file") % {"file": name})
    if len(shapes) > 1:
        raise SourceError(
            _("%(file)s: the archive holds %(count)s .shp files; one layer per archive, please")
            % {"file": name, "count": len(shapes)}
        )
    stem = shapes[0][: -len(".shp")]
    wanted = {}
    for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        member = by_name.get(stem + suffix)
        if member is None and suffix != ".cpg":
            raise SourceError(
                _("%(file)s: %(shp)s comes without its %(suffix)s file")
                % {"file": name, "shp": by_name[shapes[0]].filename, "suffix": suffix}
            )
        if member is not None:
            wanted["upload" + suffix] = member
    files, unpacked = {}, 0
    try:
        for target, member in wanted.items():
            if member.flag_bits & 0x1:
                raise SourceError(
                    _("%(file)s: %(member)s is encrypted")
                    % {"file": name, "member": member.filename}
                )
            chunks = []
            with archive.open(member) as stream:
                while chunk := stream.read(1024 * 1024):
                    unpacked += len(chunk)
                    if unpacked > MAX_UNPACKED_BYTES:
                        raise SourceError(_too_large_unpacked(name))
                    chunks.append(chunk)
            files[target] = b"".join(chunks)
    except (
        zipfile.BadZipFile,
        NotImplementedError,
        RuntimeError,
        OSError,
        EOFError,
        zlib.error,
    ) as error:
        raise SourceError(
            _("%(file)s: the archive is damaged (%(error)s)") % {"file": name, "error": error}
        ) from error
    return files


def _too_large_unpacked(name: str) -> str:
    return _("%(file)s: the archive unpacks to more than %(limit)s MB") % {
        "file": name,
        "limit": MAX_UNPACKED_BYTES // (1024 * 1024),
    }


def _read_with_gdal(
    files: dict[str, bytes], driver: str, name: str, max_features: int
) -> tuple[int, list[GeoFeature]]:
    """Open the first of `files` with `driver` from GDAL's in-memory filesystem and read its one
    layer; the files are gone again afterwards, whatever happens."""
    folder = f"/vsimem/quartier-{uuid.uuid4().hex}"
    written = []
    try:
        with _confined_gdal():
            for file_name, content in files.items():
                written.append(f"{folder}/{file_name}".encode())
                _write_vsi_file(written[-1], content)
            source = _open(written, driver, name)
            try:
                return _read_layer(source, name, max_features)
            finally:
                source.destructor(source.ptr)
                source.ptr = None
    finally:
        for path in written:
            vsi_capi.unlink_vsi_file(path)
        _rmdir_recursive(folder.encode())


def _write_vsi_file(path: bytes, content: bytes) -> None:
    """Copy `content` into a buffer GDAL owns, so VSIUnlink frees it."""
    allocate = lgdal.VSIMalloc
    allocate.argtypes, allocate.restype = [c_size_t], c_void_p
    buffer = allocate(max(len(content), 1))
    if not buffer:
        raise MemoryError
    memmove(buffer, content, len(content))
    handle = vsi_capi.create_vsi_file_from_mem_buffer(path, buffer, len(content), True)
    close = lgdal.VSIFCloseL
    close.argtypes, close.restype = [c_void_p], c_int
    close(handle)


def _open(paths: list[bytes], driver: str, name: str) -> DataSource:
    Driver.ensure_registered()
    allowed = (c_char_p * 2)(driver.encode(), None)
    siblings = (c_char_p * (len(paths) + 1))(*[p.rsplit(b"/", 1)[1] for p in paths], None)
    try:
        pointer = ds_capi.open_ds(
            paths[0], ds_capi.GDAL_OF_READONLY | ds_capi.GDAL_OF_VECTOR, allowed, None, siblings
        )
    except GDALException as error:
        kind = _("GeoPackage") if driver == "GPKG" else _("Shapefile")
        raise SourceError(
            _("%(file)s: not a readable %(kind)s") % {"file": name, "kind": kind}
        ) from error
    return DataSource(pointer, ds_capi.get_dataset_driver(pointer))


def _read_layer(source: DataSource, name: str, max_features: int) -> tuple[int, list[GeoFeature]]:
    if source.layer_count != 1:
        raise SourceError(
            _("%(file)s: %(count)s layers; one layer per file, please")
            % {"file": name, "count": source.layer_count}
        )
    layer = source[0]
    check_count(layer.num_feat, max_features, name)
    try:
        srid = _epsg(layer.srs)
        check_srid(srid)
    except SourceError as error:
        raise SourceError(f"{name}: {error}") from error
    features = []
    for number, feature in enumerate(layer, start=1):
        if number > max_features:
            check_count(number, max_features, name)
        try:
            properties = {field.name: _plain(field.value) for field in feature}
        except (GDALException, UnicodeDecodeError) as error:
            raise SourceError(where(name, number, _("unreadable attributes"))) from error
        try:
            ogr = feature.geom
        except GDALException:
            ogr = None
        try:
            geometry = None if ogr is None else to_wgs84(ogr, srid)
        except SourceError as error:
            raise SourceError(where(name, number, error)) from error
        features.append(GeoFeature(properties=properties, geometry=geometry))
    if not features:
        raise SourceError(_("%(file)s: the layer has no features") % {"file": name})
    return srid, features


def _epsg(srs: SpatialReference | None) -> int:
    """The EPSG number of a layer's coordinate system; none means WGS 84 (checked later)."""
    if srs is None:
        return WGS84
    if (srs.auth_name(None) or "").upper() != "EPSG":
        try:
            srs.identify_epsg()
        except GDALException:
            pass
    if (srs.auth_name(None) or "").upper() == "EPSG" and (code := srs.auth_code(None)):
        return int(code)
    raise SourceError(
        _("the coordinate system %(name)s has no EPSG number") % {"name": shown(srs.name)}
    )


def _plain(value: object) -> object:
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    return value


@contextmanager
def _confined_gdal() -> Iterator[None]:
    get_option = lgdal.CPLGetThreadLocalConfigOption
    get_option.argtypes, get_option.restype = [c_char_p, c_char_p], c_char_p
    set_option = lgdal.CPLSetThreadLocalConfigOption
    set_option.argtypes, set_option.restype = [c_char_p, c_char_p], None
    previous = {key: get_option(key.encode(), None) for key in CONFINED_OPTIONS}
    try:
        for key, value in CONFINED_OPTIONS.items():
            set_option(key.encode(), value.encode())
        yield
    finally:
        for key, value in previous.items():
            set_option(key.encode(), value)


def _rmdir_recursive(path: bytes) -> None:
    rmdir = lgdal.VSIRmdirRecursive
    rmdir.argtypes, rmdir.restype = [c_char_p], c_int
    rmdir(path)
