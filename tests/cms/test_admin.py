import pytest
from wagtail.models import Page

from participation.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(demo_site, client):
    client.force_login(User.objects.create_superuser("admin", "admin@private.example", "x"))
    return client


def test_every_demo_page_opens_in_the_editor_with_an_easy_language_tab(admin_client):
    for page in Page.objects.exclude(depth=1):
        response = admin_client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200, page
        assert "easy_language_body" in response.content.decode(), page


def test_site_settings_open_in_the_admin(admin_client):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    assert admin_client.get(f"/admin/settings/cms/sitesettings/{site.pk}/").status_code == 200


def test_editor_can_publish_a_content_page_with_easy_language(admin_client):
    from cms.models import ContentPage, HomePage

    home = HomePage.objects.get()
    page = ContentPage(
        title="Spielplatz",
        easy_language_body=[{"type": "paragraph", "value": "<p>Ein neuer Spiel-Platz.</p>"}],
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    assert admin_client.get("/spielplatz/leichte-sprache/").status_code == 200
    assert b"/spielplatz/leichte-sprache/" in admin_client.get("/sitemap.xml").content
