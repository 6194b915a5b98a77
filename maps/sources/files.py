"""Reading any reference file: bytes, text, and the error every reader raises."""

import csv
from pathlib import Path

from django.utils.translation import gettext as _


class SourceError(ValueError):
    """A reference file that cannot be used; the message names the file and the place."""


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as error:
        raise SourceError(_("%(file)s: file not found") % {"file": path}) from error
    except OSError as error:
        raise SourceError(
            _("%(file)s: cannot be read (%(reason)s)") % {"file": path, "reason": error.strerror}
        ) from error


def read_text(path: Path) -> str:
    return decode(read_bytes(path), path)


def decode(raw: bytes, path: Path) -> str:
    if not raw.strip():
        raise SourceError(_("%(file)s: the file is empty") % {"file": path.name})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(
            _("%(file)s: not UTF-8 text (byte %(position)s)")
            % {"file": path.name, "position": error.start}
        ) from error
    if "\x00" in text:
        raise SourceError(_("%(file)s: contains NUL bytes; not a text file") % {"file": path.name})
    return text


def has_control_characters(value: str) -> bool:
    return any(ord(character) < 32 or ord(character) == 127 for character in value)


# The longest CSV field accepted: Python's csv default, checked here because the limit is
# process-wide and libraries (frictionless) raise it on import.
MAX_FIELD_CHARS = 131_072


def checked_rows(reader):
    """The rows of a csv reader (lists or dicts), refusing a field longer than MAX_FIELD_CHARS
    with csv.Error, as Python's csv module does at its default limit."""
    for row in reader:
        values = row.values() if isinstance(row, dict) else row
        if any(isinstance(v, str) and len(v) > MAX_FIELD_CHARS for v in values):
            raise csv.Error(f"field larger than field limit ({MAX_FIELD_CHARS})")
        yield row
