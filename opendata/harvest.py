"""Harvesting datasets from a CKAN portal (CKAN 2.9 or later, or another Quartier) through its
Action API, incrementally.

A harvest asks the portal for the datasets changed since the newest change the previous harvest
saw (`package_search`, `metadata_modified` ascending) and brings each into the catalogue in a
transaction of its own: its metadata through `package_save`, its publisher through
`organisation_save` when it is new, each file the catalogue can host fetched from its address
into a version through `resource_save` (a version is added only when the file changed). A
dataset harvested before is updated; one whose remote `metadata_modified` did not change is left
as it is. A dataset that fails (a file that cannot be fetched or read, metadata the catalogue
refuses) is rolled back with its files and tried again by the next harvest; the others go on.

What is not taken, and why:
- a licence that does not name one of the catalogue's licences unambiguously (skipped);
- a dataset without an organisation or without a description (skipped);
- a dataset whose name a local dataset of another origin already has (skipped: local datasets
  are never overwritten, and a dataset published from here and harvested back is no duplicate);
- files in formats the catalogue does not host (the dataset is taken without them);
- e-mail addresses: the remote portal cannot tell an office's address from a person's.

A dataset that is gone from the portal is left as it is, and reported; with `full` it is
unpublished (editors keep it and may publish it again).
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import ckanapi
import requests
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .ckan.dictization import EXTRA_KEYS
from .ckan.errors import ActionError
from .ckan.write import (
    organisation_save,
    package_remove,
    package_save,
    resource_remove,
    resource_save,
    stored_files_removed_on_failure,
)
from .dcat.terms import frequency_iri
from .models import (
    DatasetPage,
    DataTheme,
    Frequency,
    HarvestedDataset,
    HarvestSource,
    Licence,
    Organisation,
    Resource,
)

PAGE_ROWS = 100
LIST_ROWS = 1000
TIMEOUT_SECONDS = 60
USER_AGENT = "Quartier harvester"
DCAT_AP_DE_LICENCES = "http://dcat-ap.de/def/licenses/"
# Licence ids as CKAN portals write them (lower case, `/` as `-`) → the catalogue's licences.
LICENCES = {
    "dl-by-de-2.0": Licence.DL_BY_DE_2_0,
    "dl-de-by-2.0": Licence.DL_BY_DE_2_0,
    "dl-zero-de-2.0": Licence.DL_ZERO_DE_2_0,
    "dl-de-zero-2.0": Licence.DL_ZERO_DE_2_0,
    "cc-by-4.0": Licence.CC_BY_4_0,
    "cc-by-4": Licence.CC_BY_4_0,
    "cc-zero": Licence.CC_ZERO,
    "cc0": Licence.CC_ZERO,
    "cc0-1.0": Licence.CC_ZERO,
    "cc-zero-1.0": Licence.CC_ZERO,
}
# CKAN's own `cc-by` names no version: taken only when its address or title says 4.0.
VERSIONLESS_CC_BY = "cc-by"
# What CKAN portals write as a resource's format → whether the catalogue hosts it.
HOSTED_FORMATS = {
    "csv",
    "text/csv",
    "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson",
    "application/geo+json",
    "application/vnd.geo+json",
    "gpkg",
    "geopackage",
    "application/geopackage+sqlite3",
    "shp",
    "shapefile",
    "esri shapefile",
}
HOSTED_SUFFIXES = {".csv", ".xlsx", ".geojson", ".gpkg"}


class PortalError(Exception):
    """The portal cannot be reached, gives no CKAN answer or is not a web address; the message
    says which."""


class Skip(Exception):
    """A dataset the catalogue does not take; the message says why."""


@dataclass
class HarvestReport:
    """What a harvest did, by remote dataset name."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    """Harvested before, no longer in the portal, left as they are."""
    unpublished: list[str] = field(default_factory=list)
    """No longer in the portal, unpublished (`full`)."""
    notes: list[tuple[str, str]] = field(default_factory=list)
    """Files of harvested datasets that were not taken, and why."""

    def summary(self) -> str:
        return (
            f"created: {len(self.created)}; updated: {len(self.updated)}; "
            f"unchanged: {len(self.unchanged)}; skipped: {len(self.skipped)}; "
            f"failed: {len(self.failed)}; gone from the portal: "
            f"{len(self.gone) + len(self.unpublished)} ({len(self.unpublished)} unpublished)"
        )


Progress = Callable[[int, str], None]
"""Called once the number of datasets to look at is known (`total`, ""), then once per dataset
(0, its name)."""


def portal_address(url: str) -> str:
    """The portal's address as stored: http(s), without a trailing slash or `/api/...`.
    PortalError for anything else."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise PortalError(f"not a portal address (http:// or https://): {url!r}")
    path = parts.path.rstrip("/")
    for suffix in ("/api/3/action", "/api/action", "/api/3", "/api"):
        path = path.removesuffix(suffix)
    return f"{parts.scheme}://{parts.netloc}{path}"


def remote_call(ckan: ckanapi.RemoteCKAN, action: str, **data):
    """Call an action; PortalError when the portal cannot be reached or gives no CKAN
    answer. The action's own errors (ckanapi.NotFound, ValidationError, …) pass through."""
    try:
        return ckan.call_action(action, data, requests_kwargs={"timeout": TIMEOUT_SECONDS})
    except requests.RequestException as error:
        raise PortalError(f"cannot reach {ckan.address}: {error}") from error
    except ckanapi.CKANAPIError as error:
        if isinstance(error, ckanapi.NotAuthorized | ckanapi.NotFound | ckanapi.ValidationError):
            raise
        raise PortalError(
            f"{ckan.address} did not answer {action} as a CKAN portal: {str(error)[:300]}"
        ) from error


def _moment(value) -> datetime.datetime | None:
    """CKAN's timestamps are UTC without a zone."""
    moment = parse_datetime(str(value)) if value else None
    if moment is not None and timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def solr_moment(moment: datetime.datetime) -> str:
    """A moment as Solr reads it: UTC, milliseconds at most (rounded down: ranges include)."""
    utc = moment.astimezone(datetime.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def licence_for(package: dict) -> Licence:
    """The catalogue's licence for a package's `license_id`; Skip when there is none, or more
    than one could be meant."""
    given = str(package.get("license_id") or "").strip()
    key = given.lower().removeprefix(DCAT_AP_DE_LICENCES).replace("/", "-")
    if key in LICENCES:
        return LICENCES[key]
    if key == VERSIONLESS_CC_BY:
        described = f"{package.get('license_url') or ''} {package.get('license_title') or ''}"
        if "4.0" in described:
            return Licence.CC_BY_4_0
        raise Skip(f"licence {given!r} names no version of CC BY")
    if not given:
        raise Skip("no licence")
    raise Skip(f"licence {given!r} is not one the catalogue offers")


def hosted(resource: dict) -> bool:
    """Whether the catalogue can host a remote resource's file, by its format or address."""
    declared = str(resource.get("format") or "").strip().lower()
    if declared:
        return declared in HOSTED_FORMATS
    suffix = PurePosixPath(urlsplit(str(resource.get("url") or "")).path).suffix.lower()
    return suffix in HOSTED_SUFFIXES


def _frequency(value) -> str | None:
    """An EU frequency IRI or code; anything else is left out."""
    text = str(value or "").strip()
    code = text.rstrip("/").rsplit("/", 1)[-1].upper()
    if code == "IRREGULAR":
        code = Frequency.IRREGULAR
    return frequency_iri(code) if code in Frequency.values else None


def _extras(package: dict) -> list[dict]:
    given = {
        str(extra.get("key")): extra.get("value")
        for extra in package.get("extras") or []
        if isinstance(extra, dict)
    }
    values = {key: given.get(key) for key in EXTRA_KEYS}
    values["frequency"] = _frequency(values["frequency"])
    return [{"key": key, "value": value} for key, value in values.items() if value]


def _organisation(package: dict) -> Organisation:
    remote = package.get("organization") or {}
    name, title = remote.get("name"), remote.get("title") or remote.get("name")
    if not name:
        raise Skip("no organisation (publisher)")
    found = (
        Organisation.objects.filter(slug=name).first()
        or Organisation.objects.filter(name=title).first()
    )
    return found or organisation_save(data={"name": name, "title": title}, user=None)


def package_data(package: dict, *, organisation: Organisation, creating: bool) -> dict:
    """What `package_save` is given for a remote package: its metadata in the catalogue's
    terms, without resources and e-mail addresses."""
    data = {
        "name": package["name"],
        "title": package.get("title") or package["name"],
        "notes": package.get("notes") or "",
        "license_id": licence_for(package).value,
        "owner_org": organisation.slug,
        "maintainer": package.get("maintainer") or "",
        "tags": [{"name": tag["name"]} for tag in package.get("tags") or []],
        "groups": [{"name": group["name"]} for group in package.get("groups") or []],
        "extras": _extras(package),
    }
    # The dataset keeps its identifier across portals when it is free here.
    if creating and package.get("id"):
        data["id"] = package["id"]
    return data


@dataclass
class _Run:
    source: HarvestSource
    ckan: ckanapi.RemoteCKAN
    report: HarvestReport
    records: dict[str, HarvestedDataset]


def _known_themes() -> set[str]:
    return {code.lower() for code in DataTheme.objects.values_list("code", flat=True)}


def _dataset_harvest(run: _Run, package: dict, themes: set[str]) -> None:
    """Bring one remote package into the catalogue, in one transaction; report what happened."""
    name = package["name"]
    record = run.records.get(package["id"])
    modified = _moment(package.get("metadata_modified"))
    if record is not None and modified is not None and record.remote_modified == modified:
        run.report.unchanged.append(name)
        return
    if record is None and DatasetPage.objects.filter(slug=name).exists():
        raise Skip(f"a local dataset of another origin is called {name!r}")
    if not str(package.get("notes") or "").strip():
        raise Skip("no description")
    licence_for(package)
    with transaction.atomic(), stored_files_removed_on_failure():
        organisation = _organisation(package)
        data = package_data(package, organisation=organisation, creating=record is None)
        data["groups"] = [group for group in data["groups"] if group["name"].lower() in themes]
        if "id" in data and DatasetPage.objects.filter(translation_key=data["id"]).exists():
            del data["id"]
        dataset = package_save(data=data, user=None, dataset=record.dataset if record else None)
        mapping = _resources_harvest(run, package, dataset, record)
        if record is None:
            HarvestedDataset.objects.create(
                source=run.source,
                remote_id=package["id"],
                remote_name=name,
                remote_modified=modified,
                dataset=dataset,
                resources=mapping,
            )
            run.report.created.append(name)
        else:
            record.remote_name, record.remote_modified = name, modified
            record.dataset, record.resources = dataset, mapping
            record.save()
            run.report.updated.append(name)


class ResourceFailed(Exception):
    """A file of a dataset could not be taken; the dataset is rolled back."""


def _resources_harvest(run: _Run, package: dict, dataset, record) -> dict[str, int]:
    """Fetch the hostable files into versions; remove the resources harvested before that are
    no longer in the package. The remote resource id → local resource id."""
    known = dict(record.resources) if record else {}
    existing = {resource.pk: resource for resource in Resource.objects.filter(dataset=dataset)}
    mapping = {}
    for remote in package.get("resources") or []:
        label = remote.get("name") or remote.get("url") or remote.get("id")
        if not hosted(remote):
            run.report.notes.append(
                (
                    package["name"],
                    f"file {label!r}: format {remote.get('format') or 'unknown'!r} is not hosted",
                )
            )
            continue
        data = {
            "name": remote.get("name") or "",
            "description": remote.get("description") or "",
            "url": remote.get("url") or "",
            "format": remote.get("format") or "",
            "hash": remote.get("hash") or "",
        }
        try:
            resource = resource_save(
                dataset=dataset,
                data=data,
                user=None,
                resource=existing.get(known.get(remote["id"])),
            )
        except ActionError as error:
            raise ResourceFailed(f"file {label!r}: {error}") from error
        mapping[remote["id"]] = resource.pk
    for remote_id, pk in known.items():
        if remote_id not in mapping and pk in existing:
            resource_remove(resource=existing[pk], user=None)
    return mapping


def _search_pages(ckan, rows: int, **params) -> Iterator[dict]:
    """Every page of a `package_search` for all datasets (`params` narrow and sort it)."""
    start = 0
    while True:
        found = remote_call(ckan, "package_search", q="*:*", rows=rows, start=start, **params)
        yield found
        start += rows
        if not found["results"] or start >= found["count"]:
            return


def _packages(ckan, fq: str, report_total: Progress | None) -> Iterator[dict]:
    """Every package matching `fq`, oldest change first, page by page."""
    pages = _search_pages(
        ckan, PAGE_ROWS, fq=fq, sort="metadata_modified asc, id asc", include_private=False
    )
    for number, found in enumerate(pages):
        if number == 0 and report_total is not None:
            report_total(found["count"], "")
        yield from found["results"]


def _remote_ids(ckan) -> set[str]:
    pages = _search_pages(ckan, LIST_ROWS, fl=["id"], sort="id asc")
    return {package["id"] for found in pages for package in found["results"]}


def _gone_handle(run: _Run, *, full: bool) -> None:
    if not run.records:
        return
    present = _remote_ids(run.ckan)
    for remote_id, record in run.records.items():
        if remote_id in present:
            continue
        if not full:
            run.report.gone.append(record.remote_name)
        elif record.dataset.live:
            package_remove(dataset=record.dataset, user=None)
            run.report.unpublished.append(record.remote_name)


def catalogue_harvest(
    *,
    url: str,
    organization: str = "",
    since: datetime.datetime | None = None,
    full: bool = False,
    progress: Progress | None = None,
) -> HarvestReport:
    """Harvest the datasets of the CKAN portal at `url` changed since the last harvest (or
    `since`; every dataset with `full`), of one `organization` if given. PortalError when the
    portal cannot be reached or is no CKAN portal; a dataset that fails is reported and the
    harvest goes on."""
    address = portal_address(url)
    report = HarvestReport()
    with ckanapi.RemoteCKAN(address, user_agent=USER_AGENT) as ckan:
        remote_call(ckan, "status_show")
        source, _created = HarvestSource.objects.get_or_create(url=address)
        low = None if full else (since or source.last_modified)
        terms = [f"+metadata_modified:[{solr_moment(low)} TO *]"] if low else []
        if organization:
            terms.append(f'+organization:"{organization}"')
        records = {
            record.remote_id: record
            for record in HarvestedDataset.objects.filter(source=source).select_related("dataset")
        }
        run = _Run(source=source, ckan=ckan, report=report, records=records)
        themes = _known_themes()
        newest, first_failed = source.last_modified, None
        for package in _packages(ckan, " ".join(terms), progress):
            if progress is not None:
                progress(0, package.get("name", ""))
            modified = _moment(package.get("metadata_modified"))
            if not package.get("id") or not package.get("name"):
                report.skipped.append((str(package.get("name") or "?"), "no id or name"))
                continue
            try:
                _dataset_harvest(run, package, themes)
            except Skip as reason:
                report.skipped.append((package["name"], str(reason)))
            except (ActionError, ResourceFailed) as error:
                report.failed.append((package["name"], str(error)))
                first_failed = first_failed or modified
            if modified is not None and (newest is None or modified > newest):
                newest = modified
        _gone_handle(run, full=full)
    # An organisation's harvest or one from a later moment must not make the next harvest
    # miss what they did not ask for; a failed dataset is asked for again.
    if not organization and (
        since is None or source.last_modified is None or full or (since <= source.last_modified)
    ):
        source.last_modified = first_failed or newest
    source.last_run = timezone.now()
    source.save(update_fields=["last_modified", "last_run"])
    return report
