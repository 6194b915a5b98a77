"""The errors of CKAN's Action API, each with its HTTP status and `__type`, and the parsing of
parameters that raises them the way CKAN's validators do."""

import json


class ActionError(Exception):
    """An action that cannot answer; `error()` is the envelope's `error` object."""

    status = 400
    type = "Bad Request"

    def error(self) -> dict:
        return {"__type": self.type, "message": str(self)}


class BadRequest(ActionError):
    def error(self) -> dict:
        return {"__type": self.type, "message": f"Bad request - {self}"}


class NotFound(ActionError):
    status = 404
    type = "Not Found Error"


class NotAuthorized(ActionError):
    status = 403
    type = "Authorization Error"


class SearchQueryError(ActionError):
    status = 400
    type = "Search Query Error"

    def error(self) -> dict:
        return {"__type": self.type, "message": f"Search Query is invalid: {self}"}


class ValidationFailed(ActionError):
    """Messages by field, `{field: [message, …]}`, as CKAN's schema validation reports them."""

    status = 409
    type = "Validation Error"

    def __init__(self, fields: dict[str, list]):
        summary = (f"{field}: {' '.join(map(str, messages))}" for field, messages in fields.items())
        super().__init__("; ".join(summary))
        # Messages are text; a list's entries (package_create's resources) are dicts of them.
        self.fields = {
            field: [item if isinstance(item, dict) else str(item) for item in messages]
            for field, messages in fields.items()
        }

    def error(self) -> dict:
        return {"__type": self.type, **self.fields}


class ValidationError(ValidationFailed):
    """One parameter's problem."""

    def __init__(self, field: str, message: str):
        super().__init__({field: [message]})


def integer(params: dict, name: str, default: int, *, maximum: int | None = None) -> int:
    """A natural number (0 included); a larger one than `maximum` is cut to it, as CKAN does."""
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(name, "Must be an integer") from None
    if number < 0:
        raise ValidationError(name, "Must be a natural number")
    return min(number, maximum) if maximum is not None else number


def boolean(params: dict, name: str, default: bool) -> bool:
    value = params.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if str(value).lower() in {"true", "1", "yes", "on"}:
        return True
    if str(value).lower() in {"false", "0", "no", "off"}:
        return False
    raise ValidationError(name, "Value must be one of: true, false")


def json_value(params: dict, name: str, kinds: type | tuple[type, ...]):
    """A parameter that may be given as JSON text (from a query string or form) or as a value
    of the JSON body; None when it is missing."""
    value = params.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, str) and not isinstance("", kinds):
        try:
            value = json.loads(value)
        except ValueError:
            raise ValidationError(name, "Could not parse as valid JSON") from None
    if not isinstance(value, kinds):
        raise ValidationError(name, "Invalid value")
    return value


def text(params: dict, name: str) -> str:
    value = params.get(name)
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise ValidationError(name, "Must be a string")
    return str(value).strip()
