"""Publishing the catalogue's datasets to a CKAN portal (CKAN 2.9 or later, or another Quartier)
through its Action API, so that a run changes only what differs.

Each published dataset becomes the portal's package of the same name, under the organisation
named like its publisher's slug (created when missing). Metadata is compared field by field
with the portal's package (title, notes, licence, organisation, contact, tags, groups and the
dates, frequency and contact page as extras) and patched only when something differs. A file
is uploaded only when its SHA-256 differs from the `hash` of the portal's resource of the same
name: uploads carry `hash: sha256:<hex>`, which CKAN keeps as given. So a second run changes
nothing on the portal. The portal's resources that have no local counterpart are left alone.

Licences are sent as the portal's own id for them when its `license_list` has one (by id or by
address), else as the catalogue's id. Themes are sent as groups only where the portal has a
group of that name (a CKAN portal refuses unknown groups).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import ckanapi
from django.db.models import Prefetch

from .ckan.dictization import EXTRA_KEYS, package_extras
from .harvest import LICENCES, USER_AGENT, PortalError, portal_address, remote_call
from .models import DatasetPage, Licence, Organisation, Resource, ResourceVersion, format_label
from .selectors import published_datasets


@dataclass
class PublishReport:
    """What a run did (or, dry, would do), by dataset name."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    """Organisations created on the portal."""
    uploads: int = 0

    def summary(self) -> str:
        return (
            f"created: {len(self.created)}; updated: {len(self.updated)}; "
            f"unchanged: {len(self.unchanged)}; failed: {len(self.failed)}; "
            f"files uploaded: {self.uploads}; organisations created: {len(self.organisations)}"
        )


def _text(value) -> str:
    return "" if value is None else str(value)


def package_metadata(dataset: DatasetPage, *, licence_id: str, groups: set[str]) -> dict:
    """The package fields a dataset is published with (no resources)."""
    return {
        "name": dataset.slug,
        "title": dataset.title,
        "notes": dataset.description,
        "license_id": licence_id,
        "owner_org": dataset.publisher.slug,
        "maintainer": dataset.contact_name,
        "maintainer_email": dataset.contact_email,
        "tags": [{"name": name} for name in sorted(dataset.tags.names())],
        "groups": [
            {"name": theme.code.lower()}
            for theme in dataset.themes.all()
            if theme.code.lower() in groups
        ],
        "extras": package_extras(dataset),
    }


def metadata_differences(wanted: dict, remote: dict) -> list[str]:
    """The fields in which a portal's package differs from what would be published."""
    extras = {extra["key"]: extra.get("value") for extra in remote.get("extras") or []}
    wanted_extras = {extra["key"]: extra["value"] for extra in wanted["extras"]}
    differing = [
        name
        for name in ("title", "notes", "license_id", "maintainer", "maintainer_email")
        if _text(wanted[name]) != _text(remote.get(name))
    ]
    if wanted["owner_org"] != (remote.get("organization") or {}).get("name"):
        differing.append("owner_org")
    for name in ("tags", "groups"):
        if {item["name"] for item in wanted[name]} != {
            item["name"] for item in remote.get(name) or []
        }:
            differing.append(name)
    differing += [
        key for key in EXTRA_KEYS if _text(wanted_extras.get(key)) != _text(extras.get(key))
    ]
    return differing


def _licence_ids(ckan) -> dict[str, str]:
    """The portal's id for each of the catalogue's licences."""
    offered = remote_call(ckan, "license_list")
    by_key = {}
    for item in offered:
        by_key[str(item.get("id", "")).lower()] = item["id"]
        if item.get("url"):
            by_key[str(item["url"]).lower().rstrip("/")] = item["id"]
    chosen = {}
    for licence in Licence:
        # The harvest's table of the ids other portals give each licence, read backwards.
        aliases = [alias for alias, meant in LICENCES.items() if meant == licence]
        candidates = [licence.value, licence.iri, *aliases]
        chosen[licence.value] = next(
            (by_key[key.lower()] for key in candidates if key.lower() in by_key), licence.value
        )
    return chosen


def _datasets(organization: str) -> list[DatasetPage]:
    versions = ResourceVersion.objects.order_by("-number")
    datasets = (
        published_datasets()
        .select_related("publisher")
        .prefetch_related(
            "themes",
            "tagged_items__tag",
            Prefetch(
                "resources",
                queryset=Resource.objects.order_by("sort_order", "pk").prefetch_related(
                    Prefetch("versions", queryset=versions)
                ),
            ),
        )
        .order_by("slug")
    )
    if organization:
        datasets = datasets.filter(publisher__slug=organization)
    return list(datasets)


@dataclass
class _Run:
    ckan: ckanapi.RemoteCKAN
    dry_run: bool
    report: PublishReport
    licences: dict[str, str]
    groups: set[str]
    organisations: set[str] = field(default_factory=set)


def _organisation_ensure(run: _Run, organisation: Organisation) -> None:
    if organisation.slug in run.organisations:
        return
    try:
        remote_call(run.ckan, "organization_show", id=organisation.slug)
    except ckanapi.NotFound:
        if not run.dry_run:
            remote_call(
                run.ckan, "organization_create", name=organisation.slug, title=organisation.name
            )
        run.report.organisations.append(organisation.slug)
    run.organisations.add(organisation.slug)


def _resource_publish(run: _Run, package_id: str, resource: Resource, remote: dict | None) -> bool:
    """Upload the resource's current file when the portal's differs, and bring its name and
    description up to date; whether anything changed."""
    versions = list(resource.versions.all())
    if not versions:
        return False
    current = versions[0]
    digest = f"sha256:{current.sha256}"
    fields = {
        "name": resource.title,
        "description": resource.description,
        "format": format_label(current.format),
        "hash": digest,
    }
    if remote is not None and remote.get("hash") == digest:
        if all(_text(remote.get(key)) == _text(value) for key, value in fields.items()):
            return False
        if not run.dry_run:
            remote_call(run.ckan, "resource_patch", id=remote["id"], **fields)
        return True
    if not run.dry_run:
        with current.file.open("rb") as upload:
            content = (current.filename, upload)
            if remote is None:
                run.ckan.action.resource_create(package_id=package_id, upload=content, **fields)
            else:
                run.ckan.action.resource_update(id=remote["id"], upload=content, **fields)
    run.report.uploads += 1
    return True


def _dataset_publish(run: _Run, dataset: DatasetPage) -> None:
    _organisation_ensure(run, dataset.publisher)
    wanted = package_metadata(dataset, licence_id=run.licences[dataset.licence], groups=run.groups)
    try:
        remote = remote_call(run.ckan, "package_show", id=dataset.slug)
    except ckanapi.NotFound:
        remote = None
    if remote is None:
        if run.dry_run:
            run.report.created.append(dataset.slug)
            run.report.uploads += sum(bool(r.versions.all()) for r in dataset.resources.all())
            return
        remote = remote_call(run.ckan, "package_create", id=str(dataset.translation_key), **wanted)
        created = True
    else:
        created = False
        if metadata_differences(wanted, remote):
            if not run.dry_run:
                remote_call(run.ckan, "package_patch", id=remote["id"], **wanted)
            run.report.updated.append(dataset.slug)
    by_name = {item["name"]: item for item in remote.get("resources") or []}
    changed = False
    for resource in dataset.resources.all():
        changed |= _resource_publish(run, remote["id"], resource, by_name.get(resource.title))
    if created:
        run.report.created.append(dataset.slug)
    elif changed and dataset.slug not in run.report.updated:
        run.report.updated.append(dataset.slug)
    elif dataset.slug not in run.report.updated:
        run.report.unchanged.append(dataset.slug)


def catalogue_publish(
    *,
    url: str,
    api_key: str,
    organization: str = "",
    dry_run: bool = False,
    progress: Callable | None = None,
) -> PublishReport:
    """Publish the catalogue's published datasets (of one publisher, `organization`, if given)
    to the CKAN portal at `url` with an editor's `api_key`; with `dry_run`, only say what would
    change. PortalError when the portal cannot be reached or refuses the key; a dataset the
    portal refuses is reported with the portal's message and the others go on."""
    if not api_key:
        raise PortalError("an API key of the portal is needed (--api-key or CKAN_API_KEY)")
    address = portal_address(url)
    report = PublishReport()
    datasets = _datasets(organization)
    if organization and not datasets:
        raise PortalError(f"no published datasets of the organisation {organization!r}")
    with ckanapi.RemoteCKAN(address, apikey=api_key, user_agent=USER_AGENT) as ckan:
        licences = _licence_ids(ckan)
        groups = set(remote_call(ckan, "group_list"))
        run = _Run(ckan=ckan, dry_run=dry_run, report=report, licences=licences, groups=groups)
        for dataset in progress(datasets, "datasets") if progress else datasets:
            try:
                _dataset_publish(run, dataset)
            except ckanapi.NotAuthorized as error:
                report.failed.append((dataset.slug, f"not authorised: {_message(error)}"))
            except ckanapi.CKANAPIError as error:
                report.failed.append((dataset.slug, _message(error)))
            except (PortalError, OSError) as error:
                report.failed.append((dataset.slug, str(error)))
    return report


def _message(error: ckanapi.CKANAPIError) -> str:
    """The portal's message: CKAN's error dict without its `__type`, or the text."""
    detail = error.error_dict if isinstance(error, ckanapi.ValidationError) else error.args
    if isinstance(detail, dict):
        return "; ".join(
            f"{key}: {value}" for key, value in detail.items() if not key.startswith("__")
        )
    if isinstance(detail, tuple) and detail:
        detail = detail[0]
    if isinstance(detail, dict):
        return str(detail.get("message") or detail)
    return str(detail)[:500]
