"""Sample rows and outlines for the tests of maps.sources."""

import json

from maps.sources import (
    read_area_shapes,
)

HEADER = (
    "Planungsraum (Nummer),Planungsraum (Name),Bezirksregion (Nummer),Bezirksregion (Name),"
    "Prognoseraum (Nummer),Prognoseraum (Name),Bezirk"
)
STUELERSTRASSE = "01100101,Stülerstraße,011001,Tiergarten Süd,0110,Zentrum,Mitte"
TIERGARTEN = "01100102,Großer Tiergarten,011001,Tiergarten Süd,0110,Zentrum,Mitte"

# A square of about 1 km near Alexanderplatz, in longitude/latitude and in EPSG:25833 (UTM 33N).
SQUARE_WGS84 = [[[13.40, 52.51], [13.41, 52.51], [13.41, 52.52], [13.40, 52.52], [13.40, 52.51]]]
SQUARE_UTM33 = [
    [[391000, 5819000], [392000, 5819000], [392000, 5820000], [391000, 5820000], [391000, 5819000]]
]
BERLIN_EXTENT = (13.08, 52.33, 13.77, 52.68)
ARABIC_INDIC_DIGITS = str.maketrans("0123456789", "".join(map(chr, range(0x660, 0x66A))))


def lor_csv(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def polygon(coordinates=SQUARE_WGS84) -> dict:
    return {"type": "Polygon", "coordinates": coordinates}


def feature(name: str = "Mitte", geometry: dict | None = None, **properties) -> dict:
    return {
        "type": "Feature",
        "properties": {"name": name, **properties},
        "geometry": polygon() if geometry is None else geometry,
    }


def collection(*features: dict, crs: str | None = None) -> str:
    data: dict = {"type": "FeatureCollection", "features": list(features)}
    if crs is not None:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(data, ensure_ascii=False)


def read_shapes(tmp_file, text: str | bytes, key_property: str = "name"):
    return read_area_shapes(tmp_file("areas.geojson", text), key_property=key_property)


def inside_berlin(extent: tuple[float, float, float, float]) -> bool:
    min_x, min_y, max_x, max_y = extent
    return (
        BERLIN_EXTENT[0] < min_x < max_x < BERLIN_EXTENT[2]
        and BERLIN_EXTENT[1] < min_y < max_y < BERLIN_EXTENT[3]
    )
