import pytest

pytestmark = pytest.mark.django_db


def test_german_is_the_default_whatever_the_browser_asks_for(demo_site, client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "de"
    assert '<html lang="de"' in response.content.decode()
    assert "Zum Inhalt springen" in response.content.decode()


def test_language_switch_sets_english_and_returns_to_the_same_page(demo_site, client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/ueber-quartier/"})
    assert response.status_code == 302
    assert response["Location"] == "/ueber-quartier/"
    html = client.get("/ueber-quartier/").content.decode()
    assert '<html lang="en"' in html
    assert "Skip to content" in html
    # Editorial content stays German and says so.
    assert '<article class="page-content" lang="de">' in html


def test_unknown_language_cookie_falls_back_to_german(demo_site, client):
    client.cookies["quartier_language"] = "xx"
    assert '<html lang="de"' in client.get("/").content.decode()
