"""CKAN package dictionaries read into the catalogue's model values, with CKAN's field names in
every message: what is wrong is collected by field and raised together as a Validation Error."""

import datetime
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from ..dcat.terms import frequency_iri
from ..models import DataTheme, Frequency, Licence, Organisation
from .dictization import group_id, organisation_id
from .errors import ValidationFailed

NAME_PATTERN = re.compile(r"^[a-z0-9_-]+$")
NAME_MIN, NAME_MAX = 2, 100
EXTRA_DATES = ("issued", "temporal_start", "temporal_end")


class Problems:
    """Messages collected by field, raised together."""

    def __init__(self):
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(str(message))

    def raise_any(self) -> None:
        if self.fields:
            raise ValidationFailed(self.fields)


def failed(error: DjangoValidationError, names: dict[str, str]) -> ValidationFailed:
    if not hasattr(error, "error_dict"):
        return ValidationFailed({"__all__": error.messages})
    fields: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        fields.setdefault(names.get(field, field), []).extend(messages)
    return ValidationFailed(fields)


def text(data: dict, name: str, problems: Problems) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        problems.add(name, _("Must be a string"))
        return ""
    return str(value).strip()


def slug_name(value: str, problems: Problems, field: str = "name") -> str:
    if not value:
        problems.add(field, _("Missing value"))
    elif len(value) < NAME_MIN:
        problems.add(field, _("Must be at least %(count)s characters long") % {"count": NAME_MIN})
    elif len(value) > NAME_MAX:
        problems.add(
            field, _("Name must be a maximum of %(count)s characters long") % {"count": NAME_MAX}
        )
    elif not NAME_PATTERN.match(value):
        problems.add(
            field,
            _("Must be purely lowercase alphanumeric (ascii) characters and these symbols: -_"),
        )
    return value


def _organisation(value, problems: Problems) -> Organisation | None:
    if isinstance(value, dict):
        value = value.get("name") or value.get("id")
    if not value:
        problems.add("owner_org", _("An organization must be provided"))
        return None
    for organisation in Organisation.objects.all():
        if str(value) in {organisation.slug, organisation_id(organisation.slug)}:
            return organisation
    problems.add("owner_org", _("Organization does not exist"))
    return None


def _licence(value: str, problems: Problems) -> str:
    if value in Licence.values:
        return value
    allowed = ", ".join(Licence.values)
    if not value:
        problems.add("license_id", _("Missing value; allowed: %(allowed)s") % {"allowed": allowed})
    else:
        problems.add(
            "license_id",
            _("License not offered: %(id)s; allowed: %(allowed)s")
            % {"id": value, "allowed": allowed},
        )
    return ""


def _names(items, field: str, problems: Problems) -> list[str]:
    """Names from CKAN's `[{"name": …}]` (or plain strings)."""
    if items is None:
        return []
    if not isinstance(items, list):
        problems.add(field, _("Must be a list"))
        return []
    names = []
    for item in items:
        name = item.get("name") or item.get("id") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip():
            problems.add(field, _("Every entry needs a name"))
            continue
        names.append(name.strip())
    return names


def _tags(data: dict, problems: Problems) -> list[str]:
    if data.get("tags") is None and data.get("tag_string"):
        names = [name.strip() for name in str(data["tag_string"]).split(",") if name.strip()]
    else:
        names = _names(data.get("tags"), "tags", problems)
    for name in names:
        if len(name) > NAME_MAX:
            problems.add(
                "tags",
                _('Tag "%(tag)s" is longer than maximum %(count)s')
                % {"tag": name[:20], "count": NAME_MAX},
            )
    return list(dict.fromkeys(names))


def _themes(data: dict, problems: Problems) -> list[DataTheme]:
    themes = {}
    for theme in DataTheme.objects.all():
        themes[theme.code.lower()] = themes[group_id(theme.code)] = theme
    found = []
    for name in _names(data.get("groups"), "groups", problems):
        theme = themes.get(name.lower()) or themes.get(name)
        if theme is None:
            problems.add("groups", _("Group not found: %(name)s") % {"name": name})
        elif theme not in found:
            found.append(theme)
    return found


def _date(value, field: str, problems: Problems) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        pass
    try:
        return datetime.datetime.fromisoformat(str(value)).date()
    except ValueError:
        problems.add(field, _("Date format incorrect"))
        return None


def _frequency(value, problems: Problems) -> str:
    if not value:
        return ""
    code = str(value).rstrip("/").rsplit("/", 1)[-1].upper()
    if code in Frequency.values and str(value) in {code, value.upper(), frequency_iri(code)}:
        return code
    problems.add(
        "frequency",
        _("Unknown frequency: %(value)s; allowed: %(allowed)s")
        % {"value": value, "allowed": ", ".join(Frequency.values)},
    )
    return ""


def _web_address(value: str, field: str, problems: Problems) -> str:
    if not value:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except DjangoValidationError:
        problems.add(field, _("Please provide a valid URL"))
        return ""
    return value


def _extras(data: dict, problems: Problems) -> dict:
    extras = data.get("extras") or []
    if not isinstance(extras, list) or not all(
        isinstance(extra, dict) and "key" in extra for extra in extras
    ):
        problems.add("extras", _('Must be a list of {"key": …, "value": …}'))
        return {}
    given = {str(extra["key"]): extra.get("value") for extra in extras}
    values = {field: _date(given.get(field), field, problems) for field in EXTRA_DATES}
    start, end = values["temporal_start"], values["temporal_end"]
    if start and end and end < start:
        problems.add("temporal_end", _("Must not be before temporal_start"))
    values["frequency"] = _frequency(given.get("frequency"), problems)
    values["contact_url"] = _web_address(
        str(given.get("contact_uri") or ""), "contact_uri", problems
    )
    return values


def package_values(data: dict, partial: bool, creating: bool) -> dict:
    """Model field values from a package dict: with `partial`, only those of the keys given;
    otherwise every field, a missing one cleared or defaulted as CKAN does."""
    problems = Problems()
    given = (lambda *keys: any(key in data for key in keys)) if partial else (lambda *keys: True)
    values: dict = {}
    if given("name"):
        if creating or data.get("name") is not None:
            values["slug"] = slug_name(text(data, "name", problems), problems)
    if given("title"):
        values["title"] = text(data, "title", problems) or text(data, "name", problems)
    if given("notes"):
        values["description"] = text(data, "notes", problems)
        if not values["description"]:
            problems.add("notes", _("Missing value"))
    if given("owner_org") and (creating or data.get("owner_org") is not None):
        values["publisher"] = _organisation(data.get("owner_org"), problems)
    if given("license_id") and (creating or data.get("license_id") is not None):
        values["licence"] = _licence(text(data, "license_id", problems), problems)
    if given("maintainer"):
        values["contact_name"] = text(data, "maintainer", problems)
    if given("maintainer_email"):
        email = text(data, "maintainer_email", problems)
        try:
            if email:
                validate_email(email)
        except DjangoValidationError:
            problems.add(
                "maintainer_email", _("Email %(email)s is not a valid format") % {"email": email}
            )
        values["contact_email"] = email
    if given("tags", "tag_string"):
        values["tags"] = _tags(data, problems)
    if given("groups"):
        values["themes"] = _themes(data, problems)
    if given("extras"):
        values.update(_extras(data, problems))
    if data.get("private") in {True, "true", "True"}:
        problems.add("private", _("Every dataset of this catalogue is public"))
    problems.raise_any()
    return values
