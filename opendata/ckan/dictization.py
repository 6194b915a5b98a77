"""Datasets, resources, publishers and themes as CKAN dictionaries (CKAN's field names), built
for any number of datasets in a fixed number of queries.

Identifiers are UUIDs, as CKAN's are: a dataset's is its page's `translation_key` (Wagtail gives
every page one for life, and the site has one locale); a resource's is derived from it, so it
is as unique across portals; publishers and themes get one derived from their slug or code.
Only what the dataset page publishes appears: the contact point's e-mail, never an editor's.
"""

import datetime
import json
import uuid
from dataclasses import dataclass

from django.contrib.gis.db.models import Extent

from ..dcat.graph import dcat_datasets, related_to
from ..dcat.terms import data_theme_iri, frequency_iri
from ..models import DatasetPage, DataTheme, Licence, Organisation, Resource, format_label
from ..views import version_url

NAMESPACE = uuid.UUID("0d6f6bde-3a43-5f6c-9a53-4b1c8e0a7c11")
AreaLink = DatasetPage.areas.through


def organisation_id(slug: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"organisation:{slug}"))


def group_id(code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"theme:{code}"))


def resource_id(dataset_key: uuid.UUID, resource_pk: int) -> str:
    return str(uuid.uuid5(dataset_key, f"resource:{resource_pk}"))


def utc(moment) -> str | None:
    """CKAN's timestamps: ISO 8601 in UTC without a zone."""
    if moment is None:
        return None
    if isinstance(moment, datetime.datetime):
        return moment.astimezone(datetime.UTC).replace(tzinfo=None).isoformat()
    return moment.isoformat()


def licence_dict(licence: Licence) -> dict:
    return {
        "id": licence.value,
        "title": str(licence.label),
        "url": licence.iri,
        "status": "active",
        "maintainer": "",
        "family": "",
        "is_generic": False,
        "is_okd_compliant": True,  # every licence offered is an open one
        "is_osi_compliant": False,
        "od_conformance": "approved",
        "osd_conformance": "not reviewed",
        "domain_content": False,
        "domain_data": True,
        "domain_software": False,
    }


def organisation_dict(organisation: Organisation, package_count: int | None = None) -> dict:
    result = {
        "id": organisation_id(organisation.slug),
        "name": organisation.slug,
        "title": organisation.name,
        "display_name": organisation.name,
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "type": "organization",
        "is_organization": True,
        "state": "active",
        "approval_status": "approved",
        "created": None,
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


def group_dict(theme: DataTheme, package_count: int | None = None) -> dict:
    name = theme.code.lower()
    result = {
        "id": group_id(theme.code),
        "name": name,
        "title": theme.name,
        "display_name": theme.name,
        "description": "",
        "image_url": "",
        "image_display_url": "",
        "type": "group",
        "is_organization": False,
        "state": "active",
        "approval_status": "approved",
        "url": data_theme_iri(theme.code),
    }
    if package_count is not None:
        result["package_count"] = package_count
    return result


@dataclass
class Links:
    """Absolute URLs on the host the request was made to."""

    request: object

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def page(self, page) -> str:
        # On the host asked for, not the Site's configured one (a harvester may use either).
        return self.absolute(page.get_url(self.request) or "/")


def resource_dict(resource: Resource, dataset, position: int, links: Links) -> dict:
    versions = list(resource.versions.all())  # prefetched, newest first
    current = versions[0] if versions else None
    return {
        "id": resource_id(dataset.translation_key, resource.pk),
        "package_id": str(dataset.translation_key),
        "name": resource.title,
        "description": resource.description,
        "format": format_label(current.format) if current else "",
        "mimetype": current.media_type if current else None,
        "url": links.absolute(version_url(current, dataset.slug, resource.slug)) if current else "",
        "url_type": None,
        "size": current.size if current else None,
        "hash": f"sha256:{current.sha256}" if current else "",
        "created": utc(versions[-1].created_at) if versions else None,
        "last_modified": utc(current.created_at) if current else None,
        "metadata_modified": utc(current.created_at) if current else None,
        "position": position,
        "state": "active",
        "resource_type": None,
        "datastore_active": bool(current) and resource.kind == Resource.Kind.TABLE,
        "version": current.number if current else None,
    }


def _extents(ids: list[int]) -> dict[int, tuple]:
    rows = (
        AreaLink.objects.filter(datasetpage_id__in=ids, area__geometry__isnull=False)
        .values("datasetpage_id")
        .annotate(extent=Extent("area__geometry"))
        .order_by()
    )
    return {row["datasetpage_id"]: row["extent"] for row in rows if row["extent"]}


def _bbox_geojson(extent: tuple) -> str:
    west, south, east, north = (round(value, 6) for value in extent)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


# The extras a package carries besides `spatial`: Quartier writes, harvests and compares these.
EXTRA_KEYS = ("issued", "temporal_start", "temporal_end", "frequency", "contact_uri")


def package_extras(dataset, extent=None) -> list[dict]:
    """A dataset's CKAN extras (those with a value): EXTRA_KEYS, and `spatial` for an extent."""
    values = {
        "issued": utc(dataset.issued),
        "temporal_start": utc(dataset.temporal_start),
        "temporal_end": utc(dataset.temporal_end),
        "frequency": frequency_iri(dataset.frequency) if dataset.frequency else None,
        "contact_uri": dataset.contact_url or None,
        "spatial": _bbox_geojson(extent) if extent else None,
    }
    return [{"key": key, "value": value} for key, value in values.items() if value]


def package_dicts(datasets: list[DatasetPage], links: Links) -> list[dict]:
    """CKAN package dictionaries of datasets loaded by `catalogue_datasets()`, in their order."""
    if not datasets:
        return []
    related = related_to(datasets)
    themes = {theme.code: theme for theme in DataTheme.objects.all()}
    extents = _extents([dataset.pk for dataset in datasets])
    packages = []
    for dataset in datasets:
        resources = [
            resource_dict(resource, dataset, position, links)
            for position, resource in enumerate(related.resources[dataset.pk])
        ]
        tags = [{"name": name, "display_name": name} for name in related.tags[dataset.pk]]
        groups = [
            {key: value for key, value in group_dict(themes[code]).items() if key != "url"}
            for code in related.themes[dataset.pk]
            if code in themes
        ]
        licence = Licence(dataset.licence)
        packages.append(
            {
                "id": str(dataset.translation_key),
                "name": dataset.slug,
                "title": dataset.title,
                "notes": dataset.description,
                "url": links.page(dataset),
                "state": "active",
                "private": False,
                "type": "dataset",
                "metadata_created": utc(dataset.first_published_at),
                "metadata_modified": utc(dataset.modified),
                "license_id": licence.value,
                "license_title": str(licence.label),
                "license_url": licence.iri,
                "isopen": True,
                "author": dataset.publisher.name,
                "author_email": None,
                "maintainer": dataset.contact_name,
                "maintainer_email": dataset.contact_email or None,
                "version": None,
                "organization": organisation_dict(dataset.publisher),
                "owner_org": organisation_id(dataset.publisher.slug),
                "groups": groups,
                "tags": tags,
                "num_tags": len(tags),
                "resources": resources,
                "num_resources": len(resources),
                "extras": package_extras(dataset, extents.get(dataset.pk)),
                "relationships_as_object": [],
                "relationships_as_subject": [],
            }
        )
    return packages


def catalogue_datasets():
    """Published datasets with their publisher and `modified` (page or newest upload)."""
    return dcat_datasets()
