"""Changing the catalogue from CKAN dictionaries: datasets (published as page revisions),
resources (their files published as versions) and publishers, for the Action API's write actions
and for the commands that harvest from and publish to other CKAN portals.

`user` is whoever acts, with their Wagtail permissions; None is a system process (a management
command), which may do everything. Bad input raises ValidationFailed with CKAN's
`{field: [message]}` and changes nothing. Saving what did not change changes nothing either:
no new page revision, no new version, so publishing the same catalogue twice is harmless.
"""

import hashlib
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import Page

from maps.sources.files import SourceError

from ..models import (
    DatasetIndexPage,
    DatasetPage,
    Organisation,
    Resource,
    ResourceVersion,
)
from ..services import resource_version_create
from ..sources.fetch import Fetched, fetch_url
from .errors import NotAuthorized, ValidationFailed
from .package_fields import Problems, failed, package_values, slug_name, text

PUBLISH_VERSION = "opendata.add_resourceversion"
ADD_ORGANISATION = "opendata.add_organisation"
GEODATA_SUFFIXES = {".geojson", ".json", ".gpkg", ".zip", ".shp"}
GEODATA_FORMATS = {"geojson", "gpkg", "geopackage", "shapefile", "shp", "zip"}
# Model fields as CKAN calls them, for the model's own validation messages.
CKAN_FIELDS = {
    "slug": "name",
    "title": "title",
    "description": "notes",
    "publisher": "owner_org",
    "licence": "license_id",
    "themes": "groups",
    "contact_name": "maintainer",
    "contact_email": "maintainer_email",
    "contact_url": "contact_uri",
}
RESOURCE_FIELDS = {"title": "name", "slug": "name", "description": "description"}

_stored_versions: ContextVar[list[ResourceVersion] | None] = ContextVar(
    "stored_versions", default=None
)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAuthorized(message)


def catalogue_index() -> DatasetIndexPage:
    """The catalogue page every dataset is a child of."""
    index = DatasetIndexPage.objects.first()
    if index is None:
        raise ImproperlyConfigured("The data catalogue page does not exist: create it first.")
    return index


@contextmanager
def stored_files_removed_on_failure():
    """Delete the files of every version published inside the block if the block fails (the
    database rows are rolled back by the surrounding transaction; the files are not)."""
    created: list[ResourceVersion] = []
    token = _stored_versions.set(created)
    try:
        yield
    except BaseException:
        for version in created:
            version.file.delete(save=False)
            if version.features_file:
                version.features_file.delete(save=False)
        raise
    finally:
        _stored_versions.reset(token)


# Datasets -----------------------------------------------------------------------------------


def _current(dataset: DatasetPage) -> dict:
    return {
        "slug": dataset.slug,
        "title": dataset.title,
        "description": dataset.description,
        "publisher": dataset.publisher,
        "licence": dataset.licence,
        "contact_name": dataset.contact_name,
        "contact_email": dataset.contact_email,
        "tags": sorted(dataset.tags.names()),
        "themes": sorted(dataset.themes.all(), key=lambda theme: theme.pk),
        "issued": dataset.issued,
        "temporal_start": dataset.temporal_start,
        "temporal_end": dataset.temporal_end,
        "frequency": dataset.frequency,
        "contact_url": dataset.contact_url,
    }


def _apply(dataset: DatasetPage, values: dict) -> None:
    for field, value in values.items():
        if field == "tags":
            dataset.tags.set(value, clear=True)
        elif field == "themes":
            dataset.themes.set(value)
        else:
            setattr(dataset, field, value)


def _check_name_free(index: DatasetIndexPage, slug: str, dataset: DatasetPage | None) -> None:
    taken = index.get_children().filter(slug=slug)
    if dataset is not None:
        taken = taken.exclude(pk=dataset.pk)
    if taken.exists():
        raise ValidationFailed({"name": [_("That URL is already in use.")]})


def _new_key(data: dict) -> uuid.UUID | None:
    """The dataset id a harvested or published package brings along, kept when it is free."""
    if not data.get("id"):
        return None
    try:
        key = uuid.UUID(str(data["id"]))
    except ValueError:
        raise ValidationFailed({"id": [_("Must be a UUID")]}) from None
    if Page.objects.filter(translation_key=key).exists():
        raise ValidationFailed({"id": [_("Dataset id already exists")]})
    return key


@transaction.atomic
def package_save(
    *, data: dict, user, dataset: DatasetPage | None = None, partial: bool = False
) -> DatasetPage:
    """Create (no `dataset`) or update a dataset page from a CKAN package dict, without its
    resources, and publish it as a revision by `user`. An update replaces every field (a
    missing one is cleared or defaulted) unless `partial`, which changes only the fields given;
    an update that changes nothing makes no revision. A new dataset keeps the `id` it brings
    when that is a UUID not yet in use. Raises ValidationFailed or NotAuthorized."""
    index = catalogue_index()
    if dataset is None:
        if user is not None:
            permissions = index.permissions_for_user(user)
            _require(
                permissions.can_add_subpage() and permissions.can_publish_subpage(),
                _("Access denied: this key may not add and publish datasets"),
            )
        values = package_values(data, partial=False, creating=True)
        key = _new_key(data)
    else:
        if user is not None:
            permissions = dataset.permissions_for_user(user)
            _require(
                permissions.can_edit() and permissions.can_publish(),
                _("Access denied: this key may not edit and publish this dataset"),
            )
        values = package_values(data, partial=partial, creating=False)
        key = None
    if "slug" in values:
        _check_name_free(index, values["slug"], dataset)
    if "contact_name" in values and not values["contact_name"]:
        # The contact point defaults to the publisher, an office (never a person).
        values["contact_name"] = (values.get("publisher") or dataset.publisher).name
    if dataset is None:
        return _dataset_create(index=index, values=values, key=key, user=user)
    current = _current(dataset)
    comparable = {
        field: sorted(value, key=lambda theme: theme.pk) if field == "themes" else value
        for field, value in values.items()
    }
    if "tags" in comparable:
        comparable["tags"] = sorted(comparable["tags"])
    if all(current[field] == value for field, value in comparable.items()):
        return dataset
    _apply(dataset, values)
    try:
        revision = dataset.save_revision(user=user)
    except DjangoValidationError as error:
        raise failed(error, CKAN_FIELDS) from None
    revision.publish(user=user)
    return DatasetPage.objects.get(pk=dataset.pk)


def _dataset_create(*, index, values: dict, key: uuid.UUID | None, user) -> DatasetPage:
    dataset = DatasetPage(owner=user)
    if key is not None:
        dataset.translation_key = key
    _apply(dataset, values)
    try:
        index.add_child(instance=dataset)
        revision = dataset.save_revision(user=user)
    except DjangoValidationError as error:
        raise failed(error, CKAN_FIELDS) from None
    revision.publish(user=user)
    return DatasetPage.objects.get(pk=dataset.pk)


@transaction.atomic
def package_remove(*, dataset: DatasetPage, user) -> None:
    """Unpublish a dataset (CKAN's package_delete): it leaves every public page, feed and API;
    editors keep it, with its history, and may publish it again."""
    if user is not None:
        _require(
            dataset.permissions_for_user(user).can_unpublish(),
            _("Access denied: this key may not unpublish this dataset"),
        )
    dataset.unpublish(user=user)


# Resources ----------------------------------------------------------------------------------


def _resource_kind(filename: str, format_name: str) -> str:
    geodata = (
        PurePath(filename).suffix.lower() in GEODATA_SUFFIXES
        or format_name.lower() in GEODATA_FORMATS
    )
    return Resource.Kind.GEODATA if geodata else Resource.Kind.TABLE


def _resource_slug(dataset: DatasetPage, title: str) -> str:
    base = slugify(title)[:70] or "ressource"
    taken = set(Resource.objects.filter(dataset=dataset).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _unchanged(data: dict, resource: Resource | None) -> bool:
    """Whether a resource dict leaves the file as it is: no address, or the current hash."""
    if resource is None:
        return False
    current = resource.versions.order_by("-number").first()
    return current is not None and (
        not data.get("url") or data.get("hash") == f"sha256:{current.sha256}"
    )


def resource_fetch(*, data: dict, resource: Resource | None = None) -> Fetched | None:
    """The file at `data["url"]`, or None when the resource dict leaves the file as it is.
    Call it before opening a transaction, so that no slow download holds database locks (and
    the catalogue may fetch from itself); pass the result to resource_save as `fetched`."""
    if _unchanged(data, resource):
        return None
    url = str(data.get("url") or "").strip()
    if not url:
        raise ValidationFailed({"url": [_("Give a file to upload or a web address to fetch.")]})
    try:
        return fetch_url(
            url,
            max_bytes=settings.OPENDATA_MAX_UPLOAD_BYTES,
            timeout=settings.OPENDATA_FETCH_TIMEOUT,
        )
    except SourceError as error:
        raise ValidationFailed({"url": [str(error)]}) from None


@transaction.atomic
def resource_save(
    *,
    dataset: DatasetPage,
    data: dict,
    user,
    resource: Resource | None = None,
    upload: bytes | None = None,
    filename: str = "",
    fetched: Fetched | None = None,
) -> Resource:
    """Create (no `resource`) or update a resource of `dataset` from a CKAN resource dict:
    `name` and `description` (kept when missing on an update), the file from `upload` or else
    fetched from `data["url"]`. A new version is published only when the file's SHA-256
    differs from the current version's; no file is fetched when `data["hash"]` is the current
    version's (`sha256:…`, as the catalogue's own dicts carry it); `fetched` is a file
    resource_fetch got beforehand. The format is the file's, whatever `format` says. Raises
    ValidationFailed (a file that cannot be fetched, read or validated, or is too large) or
    NotAuthorized."""
    if user is not None:
        permissions = dataset.permissions_for_user(user)
        _require(
            permissions.can_edit() and permissions.can_publish(),
            _("Access denied: this key may not change this dataset's resources"),
        )
    problems = Problems()
    title = text(data, "name", problems)
    description = text(data, "description", problems)
    problems.raise_any()
    current = resource.versions.order_by("-number").first() if resource else None
    if upload is not None:
        field, content, filename, source_url = "upload", upload, filename, ""
    elif fetched is not None or not _unchanged(data, resource):
        fetched = fetched or resource_fetch(data=data, resource=resource)
        field, content, filename, source_url = "url", fetched.data, fetched.filename, fetched.url
    else:
        field, content, filename, source_url = "", None, "", ""
    filename = PurePath(filename).name or ("upload" if upload is not None else "")
    if resource is None:
        title = title or PurePath(filename).stem or _("Resource")
        resource = Resource(
            dataset=dataset,
            title=title,
            slug=_resource_slug(dataset, title),
            description=description,
            kind=_resource_kind(filename, text(data, "format", problems)),
            sort_order=dataset.resources.count(),
        )
        changed = True
    else:
        before = (resource.title, resource.description)
        resource.title = title or resource.title
        if "description" in data:
            resource.description = description
        changed = (resource.title, resource.description) != before
    if changed:
        try:
            resource.full_clean(exclude=["dataset"])
        except DjangoValidationError as error:
            raise failed(error, RESOURCE_FIELDS) from None
        resource.save()
    if content is None or (
        current is not None and current.sha256 == hashlib.sha256(content).hexdigest()
    ):
        return resource
    if user is not None:
        _require(
            user.has_perm(PUBLISH_VERSION),
            _("Access denied: this key may not publish new versions of files"),
        )
    try:
        version = resource_version_create(
            resource=resource, data=content, filename=filename, author=user, source_url=source_url
        )
    except DjangoValidationError as error:
        raise ValidationFailed({field: error.messages}) from None
    if (stored := _stored_versions.get()) is not None:
        stored.append(version)
    return resource


def _files(resources) -> list:
    return [
        file
        for version in ResourceVersion.objects.filter(resource__in=resources)
        for file in (version.file, version.features_file)
        if file
    ]


@transaction.atomic
def resource_remove(*, resource: Resource, user) -> None:
    """Delete a resource with every version; their files go once the deletion is committed."""
    if user is not None:
        permissions = resource.dataset.permissions_for_user(user)
        _require(
            permissions.can_edit() and permissions.can_publish(),
            _("Access denied: this key may not change this dataset's resources"),
        )
    files = _files([resource])
    resource.delete()
    transaction.on_commit(lambda: [file.delete(save=False) for file in files])


# Publishers ---------------------------------------------------------------------------------


@transaction.atomic
def organisation_save(*, data: dict, user) -> Organisation:
    """Create a publisher from a CKAN organization dict: `name` (its slug) and `title`."""
    if user is not None:
        _require(
            user.has_perm(ADD_ORGANISATION),
            _("Access denied: this key may not create organizations"),
        )
    problems = Problems()
    slug = slug_name(text(data, "name", problems), problems)
    title = text(data, "title", problems) or slug
    problems.raise_any()
    if Organisation.objects.filter(slug=slug).exists():
        raise ValidationFailed({"name": [_("Group name already exists in database")]})
    if Organisation.objects.filter(name=title).exists():
        raise ValidationFailed({"title": [_("An organization with this title already exists")]})
    organisation = Organisation(slug=slug, name=title)
    try:
        organisation.full_clean()
    except DjangoValidationError as error:
        raise failed(error, {"slug": "name", "name": "title"}) from None
    organisation.save()
    return organisation
