"""`package_search` as CKAN's Solr answers it: `q` (words, and `field:value` terms), `fq` terms
(`field:value`, `field:"quoted value"`, `field:(a OR b)`, `-field:value`, ranges such as
`metadata_modified:[2024-01-01T00:00:00Z TO *]`), `sort` and facets with counts.

Filters are subqueries, facet counts come from the catalogue page's `facet_counts`, and the
matching datasets are sorted from one light query: the number of queries does not grow with
the catalogue."""

import datetime
import re
import uuid
from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from ..catalogue import FACET_FILTERS, facet_counts
from ..models import FORMAT_LABELS, DatasetPage, DatasetTag, Organisation
from ..selectors import published_datasets
from .dictization import organisation_id
from .errors import SearchQueryError

TERM = re.compile(
    r"(?P<sign>[-+]?)(?P<field>[A-Za-z_][\w.]*):"
    r'(?P<value>"(?:[^"\\]|\\.)*"|\[[^\]]*\]|\([^)]*\)|[^\s"()\[\]]+)'
)
RANGE = re.compile(r"^\[\s*(?P<low>\S+)\s+TO\s+(?P<high>\S+)\s*\]$")
# CKAN's facet fields → the catalogue page's facets.
FACETS = {
    "organization": "herausgeber",
    "groups": "thema",
    "tags": "tag",
    "res_format": "format",
    "license_id": "lizenz",
}
SORT_FIELDS = {"id", "name", "title_string", "metadata_modified", "metadata_created", "score"}
DEFAULT_SORT = "score desc, metadata_modified desc"
FORMAT_CODES = {label.lower(): code for code, label in FORMAT_LABELS.items()}


@dataclass(frozen=True)
class Term:
    field: str
    values: tuple[str, ...] = ()
    low: datetime.datetime | None = None
    high: datetime.datetime | None = None
    negated: bool = False
    is_range: bool = False


def _moment(text: str, field: str) -> datetime.datetime | None:
    if text == "*":
        return None
    if text.upper().startswith("NOW"):
        return timezone.now()
    moment = parse_datetime(text.replace("Z", "+00:00"))
    if moment is None and (day := parse_date(text)) is not None:
        moment = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
    if moment is None:
        raise SearchQueryError(f"{field}: not a date or date and time: {text}")
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=datetime.UTC)


def parse_terms(text: str, *, allow_words: bool = False) -> tuple[list[Term], list[str]]:
    """The `field:value` terms of a query and, if `allow_words`, its other words."""
    terms, words, position = [], [], 0
    for match in TERM.finditer(text):
        words += text[position : match.start()].split()
        position = match.end()
        field, value = match["field"], match["value"]
        negated = match["sign"] == "-"
        if value.startswith("["):
            bounds = RANGE.match(value)
            if bounds is None:
                raise SearchQueryError(f"cannot read the range {value}")
            low, high = _moment(bounds["low"], field), _moment(bounds["high"], field)
            terms.append(Term(field, low=low, high=high, negated=negated, is_range=True))
            continue
        if value.startswith("("):
            values = [part.strip('"') for part in re.split(r"\s+OR\s+", value[1:-1].strip())]
        else:
            values = [value[1:-1].replace('\\"', '"') if value.startswith('"') else value]
        terms.append(Term(field, values=tuple(values), negated=negated))
    words += text[position:].split()
    words = [word for word in words if word not in {"AND", "&&", "*:*"}]
    if words and not allow_words:
        raise SearchQueryError(f"cannot read {' '.join(words)!r} as field:value terms")
    return terms, words


def _modified_ids(low, high) -> QuerySet:
    upload = Max("resources__versions__created_at")
    published = Coalesce("last_published_at", "first_published_at")
    datasets = published_datasets().annotate(
        modified=Coalesce(Greatest(upload, published), upload, published)
    )
    if low is not None:
        datasets = datasets.filter(modified__gte=low)
    if high is not None:
        datasets = datasets.filter(modified__lte=high)
    return datasets.values("pk")


def _created(low, high) -> Q:
    condition = Q()
    if low is not None:
        condition &= Q(first_published_at__gte=low)
    if high is not None:
        condition &= Q(first_published_at__lte=high)
    return condition


def _ids(values) -> Q:
    keys = []
    for value in values:
        try:
            keys.append(uuid.UUID(value))
        except ValueError:
            continue
    return Q(translation_key__in=keys)


def _owners(values) -> Q:
    slugs = {
        organisation_id(slug): slug for slug in Organisation.objects.values_list("slug", flat=True)
    }
    return Q(publisher__slug__in=[slugs.get(value, value) for value in values])


def _tags(values) -> Q:
    names = Q()
    for value in values:
        names |= Q(tag__name__iexact=value)
    return Q(pk__in=DatasetTag.objects.filter(names).values("content_object_id"))


VALUE_FILTERS = {
    "organization": lambda values: FACET_FILTERS["herausgeber"](list(values)),
    "owner_org": _owners,
    "tags": _tags,
    "groups": lambda values: FACET_FILTERS["thema"]([value.upper() for value in values]),
    "res_format": lambda values: FACET_FILTERS["format"](
        [FORMAT_CODES.get(value.lower(), value.lower()) for value in values]
    ),
    "license_id": lambda values: Q(licence__in=values),
    "name": lambda values: Q(slug__in=values),
    "id": _ids,
    "type": lambda values: Q() if "dataset" in values else Q(pk__in=[]),
    "dataset_type": lambda values: Q() if "dataset" in values else Q(pk__in=[]),
    "state": lambda values: Q() if "active" in values else Q(pk__in=[]),
    "capacity": lambda values: Q() if "public" in values else Q(pk__in=[]),
}
RANGE_FIELDS = {
    "metadata_modified": lambda low, high: Q(pk__in=_modified_ids(low, high)),
    "metadata_created": _created,
}


def term_filter(term: Term) -> Q:
    if term.is_range:
        if term.field not in RANGE_FIELDS:
            raise SearchQueryError(f"can not search the range of field {term.field}")
        condition = RANGE_FIELDS[term.field](term.low, term.high)
    elif term.field not in VALUE_FILTERS and term.field not in RANGE_FIELDS:
        raise SearchQueryError(f"undefined field {term.field}")
    elif "*" in term.values:
        condition = Q()
    elif term.field in RANGE_FIELDS:
        moment = _moment(term.values[0], term.field)
        condition = RANGE_FIELDS[term.field](moment, moment)
    else:
        condition = VALUE_FILTERS[term.field](term.values)
    return ~condition if term.negated and condition else condition


def text_matches(words: list[str]) -> list[int]:
    """Datasets holding every word in title, description (the catalogue's search) or tags,
    best matches first (the search's order), then those found by tag only."""
    found = DatasetPage.objects.live().only("pk").search(" ".join(words), operator="and")
    ranked = [dataset.pk for dataset in found]
    tagged = None
    for word in words:
        ids = set(
            DatasetTag.objects.filter(tag__name__iexact=word).values_list(
                "content_object_id", flat=True
            )
        )
        tagged = ids if tagged is None else tagged & ids
    return ranked + sorted((tagged or set()) - set(ranked))


def parse_sort(text: str) -> list[tuple[str, bool]]:
    """`field [asc|desc]` parts separated by commas → (field, descending) pairs."""
    keys = []
    for part in (text or DEFAULT_SORT).split(","):
        pieces = part.split()
        if not pieces:
            continue
        if len(pieces) > 2 or (len(pieces) == 2 and pieces[1].lower() not in {"asc", "desc"}):
            raise SearchQueryError(f"cannot read the sort {part.strip()!r}")
        if pieces[0] not in SORT_FIELDS:
            raise SearchQueryError(f"can not sort on undefined field {pieces[0]}")
        keys.append((pieces[0], len(pieces) == 2 and pieces[1].lower() == "desc"))
    return keys


def sorted_ids(datasets: QuerySet, sort: list[tuple[str, bool]], ranks: dict[int, int]) -> list:
    """The ids of `datasets` in the order asked for; ties are broken by id for stable pages."""
    upload = Max("resources__versions__created_at")
    published = Coalesce("last_published_at", "first_published_at")
    rows = list(
        datasets.annotate(modified=Coalesce(Greatest(upload, published), upload, published))
        .values("pk", "slug", "title", "translation_key", "modified", "first_published_at")
        .order_by("pk")
    )
    epoch = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    keys = {
        "id": lambda row: str(row["translation_key"]),
        "name": lambda row: row["slug"],
        "title_string": lambda row: row["title"].casefold(),
        "metadata_modified": lambda row: row["modified"] or epoch,
        "metadata_created": lambda row: row["first_published_at"] or epoch,
        # Higher is better: the search's first match scores highest.
        "score": lambda row: -ranks.get(row["pk"], len(ranks)),
    }
    for field, descending in reversed(sort):
        rows.sort(key=keys[field], reverse=descending)
    return [row["pk"] for row in rows]


def facets(datasets: QuerySet, fields: list[str], limit: int) -> tuple[dict, dict]:
    """CKAN's `facets` ({field: {name: count}}) and `search_facets` (with display names)."""
    plain, described = {}, {}
    for field in fields:
        counts = facet_counts(FACETS[field], datasets) if field in FACETS else {}
        items = []
        for value, (label, count) in counts.items():
            if not count:
                continue
            name = value
            if field == "groups":
                name = value.lower()
            elif field in {"tags", "res_format"}:
                name = str(label)
            items.append({"name": name, "display_name": str(label), "count": count})
        items.sort(key=lambda item: (-item["count"], item["name"]))
        if limit >= 0:
            items = items[:limit]
        plain[field] = {item["name"]: item["count"] for item in items}
        described[field] = {"title": field, "items": items}
    return plain, described
