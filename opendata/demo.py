"""The demo's open-data catalogue: the catalogue page, its publishers and the Berlin datasets
with their tables and geodata, from `fixtures/demo/datasets.toml`.

Idempotent like the other demo parts (`cms.demo`, `participation.demo`): what exists is kept
(editors may have changed it), what is missing is created. A resource's file is published when
the resource has no version yet, through `resource_version_create`, so the demo's tables are
validated like an upload and aggregated personal data passes disclosure control.
"""

import gzip
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from wagtail.models import Site

from maps.models import Area

from .models import DatasetIndexPage, DatasetPage, DataTheme, Organisation, Resource
from .services import resource_version_create

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_FILE = FIXTURES / "demo" / "datasets.toml"


class DemoFileError(ValueError):
    """The demo file asks for something that cannot be built; the message says what."""


@dataclass
class DemoResult:
    created_pages: list[str] = field(default_factory=list)
    versions: int = 0
    suppressed: int = 0


def demo_load(*, path: Path = DEMO_FILE) -> DemoResult:
    """Create the catalogue page, the publishers and the demo datasets with their files."""
    return _load(tomllib.loads(path.read_text(encoding="utf-8")))


@transaction.atomic
def _load(spec: dict) -> DemoResult:
    result = DemoResult()
    # The themes come from a data migration; databases flushed by browser tests lack them.
    themes = {
        theme["code"]: DataTheme.objects.get_or_create(
            code=theme["code"], defaults={"name": theme["name"]}
        )[0]
        for theme in spec["themes"]
    }
    organisations = {
        item["slug"]: Organisation.objects.get_or_create(
            slug=item["slug"],
            defaults={"name": item["name"], "website": item.get("website", "")},
        )[0]
        for item in spec["organisations"]
    }
    index = _index_page(spec["index"], result)
    for dataset_spec in spec["datasets"]:
        page = _dataset(index, dataset_spec, themes, organisations, result)
        for order, resource_spec in enumerate(dataset_spec.get("resources", [])):
            _resource(page, resource_spec, order, result)
    return result


def _index_page(spec: dict, result: DemoResult) -> DatasetIndexPage:
    """The one catalogue page, last in the main navigation when it is created."""
    index = DatasetIndexPage.objects.first()
    if index is not None:
        return index
    home = Site.objects.get(is_default_site=True).root_page
    index = DatasetIndexPage(
        title=spec["title"],
        slug=spec["slug"],
        show_in_menus=spec.get("show_in_menus", False),
        intro=spec.get("intro", ""),
    )
    home.add_child(instance=index)
    index.save_revision().publish()
    result.created_pages.append(index.title)
    return index


def _dataset(
    index: DatasetIndexPage,
    spec: dict,
    themes: dict[str, DataTheme],
    organisations: dict[str, Organisation],
    result: DemoResult,
) -> DatasetPage:
    existing = DatasetPage.objects.child_of(index).filter(slug=spec["slug"]).first()
    if existing is not None:
        return existing
    areas = list(Area.objects.defer("geometry").filter(level=spec["areas"]))
    if not areas:
        raise DemoFileError(
            f"{spec['title']}: no areas of level {spec['areas']}: import the areas first "
            "(import_areas)"
        )
    page = DatasetPage(
        title=spec["title"],
        slug=spec["slug"],
        description=spec["description"].strip(),
        publisher=organisations[spec["publisher"]],
        licence=spec["licence"],
        temporal_start=spec.get("temporal_start"),
        temporal_end=spec.get("temporal_end"),
        frequency=spec.get("frequency", ""),
        contact_name=spec["contact_name"],
    )
    page.themes = [themes[code] for code in spec.get("themes", [])]
    page.areas = areas
    page.tags.add(*spec.get("tags", []))
    index.add_child(instance=page)
    page.save_revision().publish()
    result.created_pages.append(page.title)
    return DatasetPage.objects.get(pk=page.pk)


def _resource(page: DatasetPage, spec: dict, order: int, result: DemoResult) -> None:
    resource, _created = Resource.objects.get_or_create(
        dataset=page,
        slug=spec["slug"],
        defaults={
            "title": spec["title"],
            "description": spec.get("description", ""),
            "kind": spec.get("kind", Resource.Kind.TABLE),
            "personal_data": spec["personal_data"],
            "sort_order": order,
        },
    )
    if resource.versions.exists():
        return
    source = FIXTURES / spec["file"]
    data = source.read_bytes()
    name = source.name
    if source.suffix == ".gz":  # kept small in the repository, published as the file itself
        data, name = gzip.decompress(data), source.stem
    version = resource_version_create(
        resource=resource,
        data=data,
        filename=name,
        note="Demo",
    )
    result.versions += 1
    result.suppressed += len(version.suppressed)
