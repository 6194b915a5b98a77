import pytest

pytestmark = pytest.mark.django_db


def test_search_finds_published_pages(demo_site, client):
    html = client.get("/suche/", {"q": "Beteiligung"}).content.decode()
    assert 'href="/ueber-quartier/"' in html


def test_search_without_term_shows_only_the_form(demo_site, client):
    response = client.get("/suche/")
    assert response.status_code == 200
    assert "search-results" not in response.content.decode()


def test_too_long_search_term_is_reported_in_the_error_summary(demo_site, client):
    html = client.get("/suche/", {"q": "x" * 201}).content.decode()
    assert 'id="error-summary"' in html
    assert 'href="#id_q"' in html
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize("number", ["abc", "-1", "999999", ""])
def test_bad_page_numbers_do_not_fail(demo_site, client, number):
    assert client.get("/suche/", {"q": "Berlin", "seite": number}).status_code == 200


def test_html_in_search_term_is_escaped(demo_site, client):
    html = client.get("/suche/", {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize(
    "term",
    [
        '"',
        'Berlin"',
        '"Berlin',
        "*",
        "Berlin*",
        "(",
        ")",
        "AND",
        "OR Berlin",
        "NOT",
        "-Berlin",
        "a:b",
        "^",
        "Bezirk-Mitte",
        "'",
        "%",
        "\\",
        "{",
        "NEAR(a b)",
        "ä ö ü ß",
        "\U0001d518\U0001d52b",
        "\x00",
    ],
)
def test_search_with_query_syntax_characters_never_fails(demo_site, client, term):
    assert client.get("/suche/", {"q": term}).status_code == 200


def test_search_term_with_quotes_still_finds_pages(demo_site, client):
    html = client.get("/suche/", {"q": '"Beteiligung'}).content.decode()
    assert 'href="/ueber-quartier/"' in html
