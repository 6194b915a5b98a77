"""What reads areas: querysets built once, geometry serialised by the database."""

import re
from dataclasses import dataclass

import orjson
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from .models import Address, Area, SourceImport
from .sources import address_query_keys

GEOJSON_PRECISION = 5  # about a metre: plenty for orientation maps


def area_list(*, level: str | None = None) -> QuerySet[Area]:
    areas = Area.objects.defer("geometry").order_by("name")
    return areas.filter(level=level) if level else areas


def area_get(*, code: str) -> Area:
    """One area with its ancestors joined and its children ordered by name."""
    return get_object_or_404(
        Area.objects.select_related("parent__parent__parent").defer(
            "parent__geometry", "parent__parent__geometry", "parent__parent__parent__geometry"
        ),
        code=code,
    )


def area_feature_list(
    *, level: str = "", parent: Area | None = None, with_geometry: bool = True
) -> QuerySet[Area]:
    """Areas in code order (the LOR hierarchy's order, stable for paging) with their parent's
    code; with `with_geometry`, each outline as GeoJSON written by the database (`geojson`,
    null for an area without one)."""
    areas = Area.objects.defer("geometry").annotate(parent_code=F("parent__code")).order_by("code")
    if level:
        areas = areas.filter(level=level)
    if parent is not None:
        areas = areas.filter(parent=parent)
    if with_geometry:
        areas = areas.annotate(geojson=AsGeoJSON("geometry", precision=GEOJSON_PRECISION))
    return areas


@dataclass(frozen=True)
class FeatureCollection:
    """Areas for a map: the GeoJSON document and, for the list beside the map, the same
    features' properties (so the two always show the same places)."""

    geojson: bytes
    items: list[dict]


def area_feature_collection(areas: QuerySet[Area]) -> FeatureCollection:
    """The areas that have an outline as a GeoJSON FeatureCollection.

    The database writes each geometry's GeoJSON; it is embedded without being parsed again.
    """
    rows = (
        areas.filter(geometry__isnull=False)
        .annotate(geojson=AsGeoJSON("geometry", precision=GEOJSON_PRECISION))
        .values_list("code", "name", "level", "geojson")
    )
    items, features = [], []
    for code, name, level, geojson in rows:
        properties = {
            "code": code,
            "name": name,
            "level": level,
            "url": reverse("maps:area_detail", kwargs={"code": code}),
        }
        items.append(properties)
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": properties,
                "geometry": orjson.Fragment(geojson),
            }
        )
    return FeatureCollection(
        geojson=orjson.dumps({"type": "FeatureCollection", "features": features}), items=items
    )


def area_map_areas(*, area: Area) -> tuple[QuerySet[Area], Area | None]:
    """What a map of `area` shows: its own outline, else its children's, else the outline of
    the nearest ancestor that has one (returned second, so the page can say so)."""
    if area.geometry is not None:
        return Area.objects.filter(pk=area.pk), None
    children = Area.objects.filter(parent=area, geometry__isnull=False)
    if children.exists():
        return children, None
    ancestor = (
        Area.objects.filter(code__in=[a.code for a in area.ancestors], geometry__isnull=False)
        .defer("geometry")
        .order_by("-code")
        .first()
    )
    if ancestor is None:
        return Area.objects.none(), None
    return Area.objects.filter(pk=ancestor.pk), ancestor


ADDRESS_RESULTS = 20


def source_import_is_current(*, name: str, checksum: str) -> bool:
    """Whether the reference file `name` was last imported from a file with this checksum."""
    return SourceImport.objects.filter(name=name, checksum=checksum).exists()


def address_search(*, query: str, limit: int = ADDRESS_RESULTS) -> list[Address]:
    """Addresses whose street and house number start like the query, in street and house
    number order, with their areas up to the district. A five-digit postcode in the query
    narrows the search. One index range scan on `search_key`, on both databases."""
    postcode = re.search(r"\b\d{5}\b", query)
    if postcode:
        query = query.replace(postcode.group(), " ")
    for key in address_query_keys(query):
        addresses = Address.objects.filter(search_key__gte=key, search_key__lt=key + "\uffff")
        if postcode:
            addresses = addresses.filter(postcode=postcode.group())
        found = list(
            addresses.select_related("area__parent__parent__parent")
            .defer(
                "area__geometry",
                "area__parent__geometry",
                "area__parent__parent__geometry",
                "area__parent__parent__parent__geometry",
            )
            .order_by("search_key", "postcode")[:limit]
        )
        if found:
            return found
    return []


def area_containing(*, geometry) -> Area | None:
    """The smallest area with an outline that contains the geometry's representative point
    (for lines and areas, a point on them), or None outside every outline."""
    point = geometry if geometry.geom_type == "Point" else geometry.point_on_surface
    levels = list(Area.Level)
    candidates = list(
        Area.objects.filter(geometry__contains=point).defer("geometry").select_related("parent")
    )
    if not candidates:
        return None
    return max(candidates, key=lambda area: levels.index(area.level))
