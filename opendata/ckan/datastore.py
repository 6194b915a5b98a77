"""`datastore_search` over a table resource's current version, read through the table preview's
reader (`version_table`, cached by checksum) and its filtering and sorting (`table_rows`)."""

from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.urls import reverse

from ..models import Resource, ResourceVersion
from ..selectors import TableData, published_datasets, table_rows, version_table
from .dictization import resource_id
from .errors import NotFound, ValidationError, boolean, integer, json_value, text

DEFAULT_LIMIT = 100
MAX_LIMIT = 32000
# Table Schema types → the datastore's column types.
TYPES = {"integer": "int", "number": "numeric", "boolean": "bool", "date": "date"}


def _current_version(key: str) -> ResourceVersion:
    if not key:
        raise ValidationError("resource_id", "Missing value")
    rows = Resource.objects.filter(
        dataset__in=published_datasets(), kind=Resource.Kind.TABLE
    ).values_list("pk", "dataset__translation_key")
    for pk, dataset_key in rows:
        if resource_id(dataset_key, pk) == key:
            version = (
                ResourceVersion.objects.select_related("resource")
                .filter(resource_id=pk)
                .order_by("-number")
                .first()
            )
            if version is not None:
                return version
    raise NotFound(f'Resource "{key}" was not found.')


def _column_types(version: ResourceVersion, columns: list[str]) -> dict[str, str]:
    schema = {
        field.get("name"): field.get("type") for field in version.table_schema.get("fields", [])
    }
    return {column: TYPES.get(schema.get(column), "text") for column in columns}


def _typed(value: str, kind: str):
    if value.strip() == "":
        return None
    try:
        if kind == "int":
            return int(value)
        if kind == "numeric":
            number = Decimal(value.replace(",", "."))
            return int(number) if number == number.to_integral_value() else float(number)
    except (ValueError, InvalidOperation):
        return value
    return value


def _columns(params: dict, name: str, columns: list[str]) -> list[str]:
    value = params.get(name)
    if value in (None, "", []):
        return []
    names = value if isinstance(value, list) else str(value).split(",")
    names = [str(item).strip() for item in names if str(item).strip()]
    unknown = [item for item in names if item not in columns and item != "_id"]
    if unknown:
        raise ValidationError(name, f'field "{unknown[0]}" not in table')
    return names


def _sorted(table: TableData, rows: list, sort: str, columns: list[str]) -> list:
    """Each `column [asc|desc]` of `sort`, the first one deciding, by stable sorts from the
    last: the preview's sorting (numbers in numeric order, empty cells last)."""
    parts = [part.split() for part in sort.split(",") if part.strip()]
    for part in reversed(parts):
        column = part[0].strip('"')
        if column not in columns or len(part) > 2:
            raise ValidationError("sort", f'field "{column}" not in table')
        descending = len(part) == 2 and part[1].lower() == "desc"
        rows = table_rows(TableData(table.columns, rows), sort=column, descending=descending)
    return rows


def datastore_search(params: dict, links) -> dict:
    """Rows of a table resource: filters ({column: value or [values]}), q (in any cell, or
    {column: text}), fields, sort ("column desc, other"), limit (default 100), offset,
    include_total."""
    key = text(params, "resource_id") or text(params, "id")
    version = _current_version(key)
    table = version_table(version=version)
    columns = table.columns
    limit = integer(params, "limit", DEFAULT_LIMIT, maximum=MAX_LIMIT)
    offset = integer(params, "offset", 0)
    filters = json_value(params, "filters", dict) or {}
    _columns({"filters": list(filters)}, "filters", columns)
    positions = {id(row): number for number, row in enumerate(table.rows, start=1)}
    rows = table.rows
    for column, wanted in filters.items():
        values = {str(item) for item in (wanted if isinstance(wanted, list) else [wanted])}
        index = columns.index(column)
        rows = [row for row in rows if row[index] in values]
    query = params.get("q") or ""
    if isinstance(query, str) and query.startswith("{"):
        query = json_value(params, "q", dict)
    if isinstance(query, dict):
        _columns({"q": list(query)}, "q", columns)
        for column, needle in query.items():
            index = columns.index(column)
            rows = [row for row in rows if str(needle).casefold() in row[index].casefold()]
    elif query:
        rows = table_rows(TableData(columns, rows), contains=str(query))
    rows = _sorted(table, rows, text(params, "sort"), columns)
    chosen = _columns(params, "fields", columns) or ["_id", *columns]
    types = {"_id": "int", **_column_types(version, columns)}
    records = []
    for row in rows[offset : offset + limit]:
        cells = {"_id": positions[id(row)], **dict(zip(columns, row, strict=True))}
        records.append(
            {
                name: cells[name] if name == "_id" else _typed(cells[name], types[name])
                for name in chosen
            }
        )
    path = reverse("ckan:action", args=["datastore_search"])
    start = {"resource_id": key, **({"limit": limit} if "limit" in params else {})}
    result = {
        "resource_id": key,
        "fields": [{"id": name, "type": types[name]} for name in chosen],
        "records": records,
        "limit": limit,
        "offset": offset,
        "records_format": "objects",
        "_links": {
            "start": f"{path}?{urlencode(start)}",
            "next": f"{path}?{urlencode({**start, 'offset': offset + limit})}",
        },
    }
    if filters:
        result["filters"] = filters
    if text(params, "sort"):
        result["sort"] = text(params, "sort")
    if boolean(params, "include_total", True):
        result["total"] = len(rows)
        result["total_was_estimated"] = False
    return result
