import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from wagtail.models import Page, Site

from cms.models import HomePage, SiteSettings
from cms.settings.base import database_from_url
from maps.models import Area
from participation.models import User

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[2]


def load_demo(**options) -> str:
    out = io.StringIO()
    call_command("load_demo", no_progress=True, no_addresses=True, stdout=out, **options)
    return out.getvalue()


def test_load_demo_builds_the_site_and_is_idempotent(settings):
    settings.DEMO_PASSWORD = "demo-passwort-123"
    first = load_demo()
    assert "pages created: Beteiligung und offene Daten für Berlin" in first
    counts = (Page.objects.count(), Area.objects.count(), User.objects.count())
    second = load_demo()
    assert "pages created: none" in second
    assert (Page.objects.count(), Area.objects.count(), User.objects.count()) == counts
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific_class is HomePage
    assert SiteSettings.for_site(site).accessibility_page.slug == "barrierefreiheit"
    assert Area.objects.filter(level="bezirk", geometry__isnull=False).count() == 12


def test_demo_accounts_use_the_demo_password_and_roles(settings):
    settings.DEMO_PASSWORD = "demo-passwort-123"
    load_demo()
    editor = User.objects.get(username="editor")
    assert editor.check_password("demo-passwort-123")
    assert editor.has_perm("wagtailadmin.access_admin")
    assert not User.objects.get(username="resident").has_perm("wagtailadmin.access_admin")


def test_without_demo_password_no_accounts_are_created(settings):
    settings.DEMO_PASSWORD = ""
    assert "no demo accounts" in load_demo()
    assert not User.objects.exists()


def test_editor_changes_survive_a_second_load(settings):
    load_demo()
    page = Page.objects.get(slug="impressum")
    page.title = "Impressum (geändert)"
    page.save()
    load_demo()
    assert Page.objects.get(slug="impressum").title == "Impressum (geändert)"


def test_load_demo_works_on_an_emptied_database():
    Page.objects.all().delete()
    load_demo()
    assert HomePage.objects.count() == 1


@pytest.mark.parametrize("url", ["postgres://u@h/db", "sqlite:///x.db", "mysql://u@h/db"])
def test_database_url_without_spatial_support_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="spatialite:// or postgis://"):
        database_from_url(url)


def test_postgis_connections_disable_parallel_workers():
    config = database_from_url("postgis://user@127.0.0.1:5432/quartier")
    assert config["ENGINE"] == "django.contrib.gis.db.backends.postgis"
    assert "max_parallel_workers_per_gather=0" in config["OPTIONS"]["options"]


def test_production_settings_refuse_to_start_without_secrets():
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SECRET_KEY", "ALLOWED_HOSTS")}
    env["DJANGO_SETTINGS_MODULE"] = "cms.settings.production"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_load_demo_imports_the_addresses_too(tmp_path, monkeypatch):
    import gzip

    from maps.management.commands import import_addresses
    from maps.models import Address

    sample = "hnr,hnr_zusatz,str_name,plz,ort_name,PLR_NAME,PLR_ID\n"
    sample += "1,,Ackerstraße,10115,Mitte,Oranienburger Straße,01100309\n"
    (tmp_path / "adressen.csv.gz").write_bytes(gzip.compress(sample.encode()))
    monkeypatch.setattr(import_addresses, "FIXTURES", tmp_path)
    call_command("load_demo", no_progress=True, stdout=io.StringIO())
    assert Address.objects.get().area.code == "01100309"


def test_demo_accounts_can_log_in_with_their_email(db, client, settings):
    settings.DEMO_PASSWORD = "demo-passwort-123"
    call_command("load_demo", no_progress=True, no_addresses=True, stdout=io.StringIO())
    resident = User.objects.get(username="resident")
    response = client.post(
        "/konto/login/", {"login": resident.email, "password": "demo-passwort-123"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
