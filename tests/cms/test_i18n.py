import os
import shutil
import subprocess
from pathlib import Path

from django.core.management import call_command

BASE_DIR = Path(__file__).resolve().parents[2]
SOURCES = ("cms", "maps", "participation", "opendata", "templates")


def test_every_ui_string_has_a_german_translation(tmp_path, settings, monkeypatch):
    """Extract the strings afresh, in a copy of the sources and the catalogue so the real one
    is not touched: none may be new (untranslated) or fuzzy."""
    for name in SOURCES:
        shutil.copytree(BASE_DIR / name, tmp_path / name, ignore=shutil.ignore_patterns("*.mo"))
    catalogue = tmp_path / "cms" / "locale" / "de" / "LC_MESSAGES" / "django.po"
    settings.LOCALE_PATHS = [tmp_path / "cms" / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["de"], no_location=True, verbosity=0)
    for option in ("--untranslated", "--only-fuzzy"):
        found = subprocess.run(  # noqa: S603
            ["msgattrib", option, "--no-obsolete", str(catalogue)],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "LC_ALL": "C.UTF-8"},
        ).stdout
        assert found == "", f"{option} strings:\n{found}"
