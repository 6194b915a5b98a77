"""Reading any reference file: bytes, text, and the error every reader raises."""

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
