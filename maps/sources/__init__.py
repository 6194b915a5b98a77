"""Reading reference files into plain records, checking them on the way in.

Nothing here touches the database; every reader raises SourceError with a message that names
the file, the line or feature, and the problem.
"""

from .addresses import (
    AddressRecord,
    address_key,
    address_query_keys,
    address_search_key,
    file_checksum,
    read_addresses,
)
from .files import SourceError
from .lor import LEVEL_ORDER, AreaRecord, read_lor_hierarchy
from .outlines import (
    WGS84,
    AreaShape,
    declared_srid,
    geometry_from_geojson,
    polygonal,
    read_area_shapes,
)

__all__ = [
    "LEVEL_ORDER",
    "WGS84",
    "AddressRecord",
    "AreaRecord",
    "AreaShape",
    "SourceError",
    "address_key",
    "address_query_keys",
    "address_search_key",
    "declared_srid",
    "file_checksum",
    "geometry_from_geojson",
    "polygonal",
    "read_addresses",
    "read_area_shapes",
    "read_lor_hierarchy",
]
