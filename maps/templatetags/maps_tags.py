from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from maps.selectors import FeatureCollection

register = template.Library()

_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.inclusion_tag("maps/includes/area_map.html")
def area_map(
    map_data: FeatureCollection,
    *,
    map_id: str,
    label: str,
    list_heading: str,
    list_heading_level: int = 3,
):
    """Render a map of the areas in `map_data` (from `area_feature_collection`) together with
    the list of the same areas; the map is an enhancement of the list."""
    text = map_data.geojson.decode().translate(_SCRIPT_ESCAPES)
    features_json = mark_safe(  # noqa: S308 - <, > and & are escaped above, as json_script does
        f'<script id="{map_id}-data" type="application/json">{text}</script>'
    )
    return {
        "map_id": map_id,
        "label": label,
        "list_heading": list_heading,
        "list_heading_level": list_heading_level,
        "features": map_data.items,
        "features_json": features_json,
        "data_attribution": settings.MAP_DATA_ATTRIBUTION,
    }


@register.simple_tag
def geojson_script(geojson: str | bytes, script_id: str):
    """Embed ready-made GeoJSON text for a map as a non-executable script element; an empty
    text gives an empty element. <, > and & are escaped as `json_script` does."""
    if isinstance(geojson, bytes):
        geojson = geojson.decode()
    text = (geojson or "").translate(_SCRIPT_ESCAPES)
    return mark_safe(  # noqa: S308 - escaped above; the id comes from templates
        f'<script id="{script_id}" type="application/json">{text}</script>'
    )
