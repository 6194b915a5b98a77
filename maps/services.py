"""What changes areas. Each function is one transaction: it writes everything or nothing."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Address, Area, SourceImport
from .selectors import source_import_is_current
from .sources import (
    LEVEL_ORDER,
    AddressRecord,
    AreaRecord,
    AreaShape,
    SourceError,
    address_search_key,
)

T = TypeVar("T")
ADDRESS_BATCH = 5000
Progress = Callable[[Iterable[T], str], Iterable[T]]


def no_progress(items: Iterable[T], _description: str) -> Iterable[T]:
    return items


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return _("%(created)s created, %(updated)s updated, %(unchanged)s unchanged") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


@transaction.atomic
def area_hierarchy_import(
    *, records: Sequence[AreaRecord], progress: Progress = no_progress
) -> ImportResult:
    """Create or update areas from hierarchy records (parents before children).

    Idempotent: a second run with the same records changes nothing. Areas missing from the
    records are kept, since contributions and datasets may refer to them.
    """
    result = ImportResult()
    by_code = {area.code: area for area in Area.objects.defer("geometry")}
    for level in LEVEL_ORDER:
        new, changed = [], []
        level_records = [r for r in records if r.level == level]
        for record in progress(level_records, str(Area.Level(level).label)):
            parent = by_code.get(record.parent_code) if record.parent_code else None
            if record.parent_code and parent is None:
                raise SourceError(
                    _("area %(code)s: parent %(parent)s is unknown")
                    % {"code": record.code, "parent": record.parent_code}
                )
            area = by_code.get(record.code)
            if area is None:
                area = Area(code=record.code, name=record.name, level=level, parent=parent)
                new.append(area)
                by_code[record.code] = area
            elif (area.name, area.level, area.parent_id) != (
                record.name,
                level,
                parent.pk if parent else None,
            ):
                area.name, area.level, area.parent = record.name, level, parent
                changed.append(area)
            else:
                result.unchanged += 1
        Area.objects.bulk_create(new, batch_size=500)
        Area.objects.bulk_update(changed, ["name", "level", "parent"], batch_size=500)
        result.created += len(new)
        result.updated += len(changed)
    return result


@transaction.atomic
def area_geometry_import(
    *,
    shapes: Sequence[AreaShape],
    level: str,
    match_by: str = "code",
    progress: Progress = no_progress,
) -> ImportResult:
    """Set the outlines of existing areas of one level, matched by code or by name.

    Every shape must name a known area: otherwise nothing is written and the unknown keys
    are listed. An outline already stored unchanged is not written again.
    """
    if match_by not in ("code", "name"):
        raise ValueError(f"match_by must be 'code' or 'name', not {match_by!r}")
    areas = {getattr(area, match_by): area for area in Area.objects.filter(level=level)}
    unknown = sorted(shape.key for shape in shapes if shape.key not in areas)
    if unknown:
        raise SourceError(
            _("no %(level)s with %(field)s: %(keys)s")
            % {"level": Area.Level(level).label, "field": match_by, "keys": ", ".join(unknown)}
        )
    result = ImportResult()
    changed = []
    for shape in progress(shapes, str(Area.Level(level).label)):
        area = areas[shape.key]
        if area.geometry is not None and area.geometry.equals_exact(shape.geometry, 1e-9):
            result.unchanged += 1
            continue
        area.geometry = shape.geometry
        changed.append(area)
    Area.objects.bulk_update(changed, ["geometry"], batch_size=100)
    result.updated = len(changed)
    return result


@transaction.atomic
def address_import(
    *,
    records: Sequence[AddressRecord],
    checksum: str,
    progress: Progress = no_progress,
) -> ImportResult:
    """Replace all addresses with `records`, each tied to its planning area.

    An unchanged file (see `source_import_is_current`) is not imported again. A planning
    area that is not known stops the import and writes nothing; import the areas first.
    """
    if source_import_is_current(name="addresses", checksum=checksum):
        return ImportResult(unchanged=len(records))
    areas = dict(Area.objects.filter(level=Area.Level.PLANUNGSRAUM).values_list("code", "pk"))
    unknown = sorted({record.area_code for record in records} - areas.keys())
    if unknown:
        raise SourceError(
            _("no planning area with code: %(codes)s") % {"codes": ", ".join(unknown[:10])}
            + (" …" if len(unknown) > 10 else "")
        )
    Address.objects.all().delete()
    batch = []
    for record in progress(records, str(Address._meta.verbose_name_plural)):
        batch.append(
            Address(
                street=record.street,
                house_number=record.house_number,
                postcode=record.postcode,
                locality=record.locality,
                area_id=areas[record.area_code],
                search_key=address_search_key(record.street, record.house_number),
            )
        )
        if len(batch) == ADDRESS_BATCH:
            Address.objects.bulk_create(batch)
            batch = []
    Address.objects.bulk_create(batch)
    SourceImport.objects.update_or_create(
        name="addresses", defaults={"checksum": checksum, "rows": len(records)}
    )
    return ImportResult(created=len(records))
