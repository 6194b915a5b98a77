import re

import pytest
from wagtail.models import Page

from cms.models import ContentPage, HomePage
from participation.selectors.review import consultations_hidden_in_review
from tests.helpers import sitemap_paths

pytestmark = pytest.mark.django_db


def site_paths(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    return sitemap_paths(response.content)


def test_sitemap_lists_every_live_page_its_easy_language_version_and_every_area(demo_site, client):
    paths = site_paths(client)
    in_review = set(consultations_hidden_in_review().values_list("pk", flat=True))
    assert len(in_review) == 1  # the demo's consultation in its review phase
    for page in Page.objects.live().public().specific().exclude(depth=1):
        if page.pk in in_review:
            assert page.url not in paths  # seen by its invited groups and editors only
            continue
        assert page.url in paths
        if getattr(page, "has_easy_language", False):
            assert page.easy_language_url in paths
    assert "/leichte-sprache/" in paths
    assert "/impressum/leichte-sprache/" not in paths  # it has no easy-language version
    area_paths = [path for path in paths if path.startswith("/gebiete/")]
    assert len(area_paths) == 1 + 12 + 58 + 143 + 542  # the overview and every area


def test_every_sitemap_page_renders_with_landmarks_and_skip_link(demo_site, client):
    for path in site_paths(client)[:40]:
        html = client.get(path).content.decode()
        assert '<a class="skip-link" href="#main">' in html, path
        assert '<main id="main"' in html and "<header" in html and "<footer" in html, path
        assert re.search(r'<html lang="de"', html), path


def test_every_page_header_links_to_easy_language(demo_site, client):
    # A page with its own version links to it; a page without links to the site's overview.
    assert (
        'href="/ueber-quartier/leichte-sprache/"' in client.get("/ueber-quartier/").content.decode()
    )
    assert 'href="/leichte-sprache/"' in client.get("/impressum/").content.decode()
    assert 'href="/leichte-sprache/"' in client.get("/gebiete/01/").content.decode()
    easy = client.get("/ueber-quartier/leichte-sprache/").content.decode()
    assert "Wie geht Mit-Reden?" in easy
    assert 'href="/ueber-quartier/"' in easy  # and back to standard language


def test_page_without_easy_language_content_has_no_easy_language_route(demo_site, client):
    assert client.get("/impressum/leichte-sprache/").status_code == 404


def test_home_page_shows_the_twelve_districts_in_a_list_and_as_map_data(demo_site, client):
    html = client.get("/").content.decode()
    assert html.count('href="/gebiete/') >= 12
    assert 'id="districts-map-data" type="application/json"' in html
    assert "Friedrichshain-Kreuzberg" in html


def test_home_page_query_count_does_not_depend_on_pages(demo_site, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/")  # the first request caches the site lookups
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    home = HomePage.objects.get()
    for number in range(10):
        home.add_child(instance=ContentPage(title=f"Seite {number}", show_in_menus=True))
    with CaptureQueriesContext(connection) as after:
        assert client.get("/").status_code == 200
    assert len(after) == len(before) <= 15


def test_unknown_address_gives_the_404_page(demo_site, client):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_main_navigation_marks_the_current_page(demo_site, client):
    html = client.get("/ueber-quartier/").content.decode()
    assert '<a href="/ueber-quartier/" aria-current="page" lang="de">' in html


def test_server_error_page_stands_alone_in_german_and_english(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Technischer Fehler" in html and 'lang="en"' in html


def test_footer_links_to_the_barrier_report_form_with_the_current_page(demo_site, client):
    html = client.get("/gebiete/01/").content.decode()
    assert 'href="/barrierefreiheit/?seite=/gebiete/01/#feedback-heading"' in html
    form = client.get("/barrierefreiheit/", {"seite": "/gebiete/01/"}).content.decode()
    assert 'value="/gebiete/01/"' in form


def test_a_participant_is_never_named_by_username(db):
    from participation.models import User

    user = User.objects.create_user("erika.mustermann@private.example", password="x")
    assert "erika" not in str(user)
    user.display_name = "Kiezfreundin"
    assert str(user) == "Kiezfreundin"


def test_home_page_editor_requires_its_easy_language_overview():
    form_class = HomePage.get_edit_handler().get_form_class()
    assert form_class.base_fields["easy_language_body"].required
    assert (
        not ContentPage.get_edit_handler()
        .get_form_class()
        .base_fields["easy_language_body"]
        .required
    )
