"""The write actions: the caller is the owner of the API key the request presented (the view
checks it), the work is done by the services in `write`, and each action answers with what the
matching read action (package_show, resource_show, organization_show) shows afterwards, so that
`ckanapi load` and round trips work. Each action is one transaction: a resource that fails
inside package_create leaves no dataset behind, and no stored file."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.datastructures import MultiValueDict

from ..models import DatasetPage, Resource
from ..selectors import published_datasets
from .actions import _dataset, _packages, organization_show
from .dictization import Links, resource_id
from .errors import NotFound, ValidationError, ValidationFailed, json_value, text
from .write import (
    organisation_save,
    package_remove,
    package_save,
    resource_fetch,
    resource_remove,
    resource_save,
    stored_files_removed_on_failure,
)

STRUCTURED = {"resources": list, "tags": list, "groups": list, "extras": list}


@dataclass
class Caller:
    """Who calls (the key's owner), on which host, with which uploaded files."""

    user: object
    links: Links
    files: MultiValueDict


def _structured(params: dict) -> dict:
    """Lists given as JSON text in a form are read like those of a JSON body."""
    data = dict(params)
    for name, kind in STRUCTURED.items():
        if isinstance(data.get(name), str):
            data[name] = json_value(data, name, kind)
    return data


def _package(params: dict) -> DatasetPage:
    return DatasetPage.objects.get(pk=_dataset(params))


def _shown(dataset: DatasetPage, links: Links) -> dict:
    return _packages([dataset.pk], links)[0]


def _resource(key: str) -> Resource:
    if not key:
        raise ValidationError("id", "Missing value")
    rows = Resource.objects.filter(dataset__in=published_datasets()).values_list(
        "pk", "dataset__translation_key"
    )
    for pk, dataset_key in rows:
        if resource_id(dataset_key, pk) == key:
            return Resource.objects.select_related("dataset").get(pk=pk)
    raise NotFound("Resource was not found.")


def _resource_shown(resource: Resource, links: Links) -> dict:
    dataset = DatasetPage.objects.get(pk=resource.dataset_id)
    key = resource_id(dataset.translation_key, resource.pk)
    return next(item for item in _shown(dataset, links)["resources"] if item["id"] == key)


def _upload(caller: Caller) -> tuple[bytes | None, str]:
    upload = caller.files.get("upload")
    if upload is None:
        return None, ""
    return upload.read(), upload.name


def _resource_items(dataset: DatasetPage | None, items) -> list[tuple[dict, Resource | None]]:
    """The package's resource dicts, each with the resource of the same id."""
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ValidationError("resources", "Must be a list of dictionaries")
    existing = {}
    if dataset is not None:
        existing = {resource_id(dataset.translation_key, r.pk): r for r in dataset.resources.all()}
    return [(item, existing.get(str(item.get("id") or ""))) for item in items]


def _resource_failed(position: int, count: int, error: ValidationFailed) -> ValidationFailed:
    problems: list[dict] = [{} for _item in range(count)]
    problems[position] = error.fields
    return ValidationFailed({"resources": problems})


def _fetched(items: list[tuple[dict, Resource | None]]) -> list:
    """Every file to download, fetched before the transaction opens."""
    files = []
    for position, (item, resource) in enumerate(items):
        try:
            files.append(resource_fetch(data=item, resource=resource))
        except ValidationFailed as error:
            raise _resource_failed(position, len(items), error) from None
    return files


def _resources_sync(
    *, dataset: DatasetPage, items: list, files: list, caller: Caller, prune: bool
) -> None:
    """Save the package's resources in their order: those with a known id are updated, the
    others created; with `prune`, those missing from the list are deleted."""
    existing = list(dataset.resources.all())
    kept = []
    for position, ((item, resource), fetched) in enumerate(zip(items, files, strict=True)):
        try:
            resource = resource_save(
                dataset=dataset, data=item, user=caller.user, resource=resource, fetched=fetched
            )
        except ValidationFailed as error:
            raise _resource_failed(position, len(items), error) from None
        if resource.sort_order != position:
            Resource.objects.filter(pk=resource.pk).update(sort_order=position)
        kept.append(resource.pk)
    if prune:
        for resource in existing:
            if resource.pk not in kept:
                resource_remove(resource=resource, user=caller.user)


def package_create(params: dict, caller: Caller) -> dict:
    """Create and publish a dataset: name, title, notes, owner_org, license_id, tags, groups
    (EU themes), maintainer, maintainer_email, extras (issued, temporal_start, temporal_end,
    frequency, contact_uri) and resources, each fetched from its url."""
    data = _structured(params)
    items = _resource_items(None, data.get("resources") or [])
    files = _fetched(items)
    with stored_files_removed_on_failure(), transaction.atomic():
        dataset = package_save(data=data, user=caller.user)
        _resources_sync(dataset=dataset, items=items, files=files, caller=caller, prune=False)
    return _shown(dataset, caller.links)


def _package_change(params: dict, caller: Caller, *, partial: bool) -> dict:
    data = _structured(params)
    dataset = _package(data)
    given = data.get("resources") is not None
    items = _resource_items(dataset, data["resources"]) if given else []
    files = _fetched(items)
    with stored_files_removed_on_failure(), transaction.atomic():
        dataset = package_save(data=data, user=caller.user, dataset=dataset, partial=partial)
        if given:
            _resources_sync(dataset=dataset, items=items, files=files, caller=caller, prune=True)
    return _shown(dataset, caller.links)


def package_update(params: dict, caller: Caller) -> dict:
    """Replace a dataset's metadata (by id or name): fields not given are cleared or defaulted.
    Resources given are matched by id (the others are created, those left out deleted); without
    `resources` the resources stay as they are."""
    return _package_change(params, caller, partial=False)


def package_patch(params: dict, caller: Caller) -> dict:
    """Change only the given fields of a dataset (by id or name)."""
    return _package_change(params, caller, partial=True)


def package_delete(params: dict, caller: Caller) -> None:
    """Unpublish a dataset (by id or name): it is then not found by anyone."""
    package_remove(dataset=_package(params), user=caller.user)


def _resource_change(params: dict, caller: Caller, resource: Resource | None) -> dict:
    dataset = resource.dataset if resource else _package({"id": text(params, "package_id")})
    upload, filename = _upload(caller)
    fetched = None if upload is not None else resource_fetch(data=params, resource=resource)
    with stored_files_removed_on_failure(), transaction.atomic():
        saved = resource_save(
            dataset=DatasetPage.objects.get(pk=dataset.pk),
            data=params,
            user=caller.user,
            resource=resource,
            upload=upload,
            filename=filename,
            fetched=fetched,
        )
    return _resource_shown(saved, caller.links)


def resource_create(params: dict, caller: Caller) -> dict:
    """Add a resource to a dataset (package_id): name, description and the file, uploaded as
    `upload` (multipart/form-data) or fetched from `url`; it is checked and published as the
    resource's first version."""
    if not text(params, "package_id"):
        raise ValidationError("package_id", "Missing value")
    return _resource_change(params, caller, None)


def resource_update(params: dict, caller: Caller) -> dict:
    """Change a resource (by id): name, description, and a new file (`upload` or `url`), which
    becomes a new version only when its content differs from the current version's."""
    return _resource_change(params, caller, _resource(text(params, "id")))


def resource_patch(params: dict, caller: Caller) -> dict:
    """Like resource_update: fields not given are kept."""
    return _resource_change(params, caller, _resource(text(params, "id")))


def resource_delete(params: dict, caller: Caller) -> None:
    """Delete a resource (by id) with all its versions."""
    resource_remove(resource=_resource(text(params, "id")), user=caller.user)


def organization_create(params: dict, caller: Caller) -> dict:
    """Create a publisher: name (lower-case letters, digits, - and _) and title."""
    organisation = organisation_save(data=params, user=caller.user)
    return organization_show({"id": organisation.slug}, caller.links)


WRITE_ACTIONS = {
    action.__name__: action
    for action in [
        package_create,
        package_update,
        package_patch,
        package_delete,
        resource_create,
        resource_update,
        resource_patch,
        resource_delete,
        organization_create,
    ]
}
# CKAN's other actions that change a catalogue: known, but refused (editors use the CMS).
REFUSED_ACTIONS = {
    f"{thing}_{verb}"
    for thing in ("package", "resource", "organization", "group", "datastore", "dataset")
    for verb in ("create", "update", "patch", "delete", "purge", "upsert")
} - set(WRITE_ACTIONS)
