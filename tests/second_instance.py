"""A second Quartier for tests of harvesting and publishing over real HTTP: the same code started
as another process (`manage.py runserver`), with a SpatiaLite database and a media folder of
its own, so that neither instance sees the other's data except through the CKAN Action API.

The database is migrated once per test session into a template (migrating takes most of the
start-up time); every test that asks for `second_instance` gets a fresh copy of it, a server on
a free port, and the server is stopped after the test. The template holds the catalogue page
and an editor with an API key, so the instance can be written to at once: a moderator
(Wagtail's group, which may publish pages) who may also create publishers and publish file
versions, as an editor of the catalogue is set up."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

MANAGE = Path(settings.BASE_DIR) / "manage.py"
START_TIMEOUT = 60
EDITOR = "harvest-editor"

SETUP = f"""
from django.contrib.auth.models import Group, Permission
from wagtail.models import Site

from opendata.models import DatasetIndexPage
from participation.models import User
from participation.services.tokens import api_token_create

home = Site.objects.get(is_default_site=True).root_page
index = DatasetIndexPage(title="Daten", slug="daten")
home.add_child(instance=index)
index.save_revision().publish()
editor = User.objects.create_user(username="{EDITOR}", email="editor@example.org")
editor.groups.set(Group.objects.filter(name="Moderators"))
editor.user_permissions.set(
    Permission.objects.filter(
        content_type__app_label="opendata",
        codename__in=["add_organisation", "add_resourceversion"],
    )
)
token, secret = api_token_create(user=editor, name="tests")
print("API-KEY", secret)
"""


@dataclass(frozen=True)
class Template:
    database: Path
    api_key: str


@dataclass
class SecondInstance:
    """A running second Quartier: its address, an editor's API key, and its folder."""

    url: str
    api_key: str
    directory: Path


def _environment(directory: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": f"spatialite:///{directory / 'second.sqlite3'}",
        "QUARTIER_VAR_DIR": str(directory / "var"),
        # The test settings put their media folder in a new temporary folder: this one.
        "TMPDIR": str(directory),
        "OPENDATA_FETCH_ALLOW_PRIVATE": "1",
        "PYTHONUNBUFFERED": "1",
    }


def _manage(directory: Path, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 (fixed arguments)
        [sys.executable, str(MANAGE), *args],
        capture_output=True,
        text=True,
        env=_environment(directory),
        cwd=settings.BASE_DIR,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed in the second instance:\n{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/3/action/status_show", timeout=2) as response:  # noqa: S310 (a local test server)
            return json.load(response)["success"] is True
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
        return False


# By the session's temporary folder: each test module that imports the fixtures has a session
# fixture of its own, and the template is still made once.
_templates: dict[Path, Template] = {}


@pytest.fixture(scope="session")
def second_instance_template(tmp_path_factory) -> Template:
    """A migrated database with a catalogue page and an editor's API key, made once."""
    session = tmp_path_factory.getbasetemp()
    if session not in _templates:
        directory = tmp_path_factory.mktemp("second-template")
        _manage(directory, "migrate", "--no-input", "-v", "0")
        output = _manage(directory, "shell", "-c", SETUP)
        api_key = next(
            line.split()[1] for line in output.splitlines() if line.startswith("API-KEY")
        )
        _templates[session] = Template(database=directory / "second.sqlite3", api_key=api_key)
    return _templates[session]


@pytest.fixture
def second_instance(second_instance_template, tmp_path_factory):
    """A second Quartier answering on a free port, with a fresh copy of the template database;
    stopped after the test."""
    directory = tmp_path_factory.mktemp("second")
    (directory / "var").mkdir()
    shutil.copyfile(second_instance_template.database, directory / "second.sqlite3")
    url = f"http://127.0.0.1:{free_port()}"
    log = (directory / "server.log").open("w")
    server = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [
            sys.executable,
            str(MANAGE),
            "runserver",
            url.removeprefix("http://"),
            "--noreload",
            "--skip-checks",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=_environment(directory),
        cwd=settings.BASE_DIR,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(url):
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError(
                    "the second instance did not start:\n"
                    + (directory / "server.log").read_text(encoding="utf-8")
                )
            time.sleep(0.1)
        yield SecondInstance(
            url=url,
            api_key=second_instance_template.api_key,
            directory=directory,
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
