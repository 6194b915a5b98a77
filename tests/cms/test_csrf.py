import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

TEXT = "Die Schrift auf der Karte ist zu klein, ich kann sie nicht vergrößern."


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


def test_form_sent_without_a_valid_token_keeps_the_typed_text(demo_site, strict_client):
    response = strict_client.post(
        "/barrierefreiheit/",
        {"category": "display", "message": TEXT, "website": "", "password": "geheim"},
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert TEXT in html
    assert 'href="/barrierefreiheit/"' in html
    assert "geheim" not in html

    form = strict_client.get("/barrierefreiheit/").content.decode()
    assert TEXT in form
    assert 'id="form-recovered"' in form
    assert re.search(r'<input[^>]*value="display"[^>]*checked', form)
    # Offered once: the next visit starts with an empty form.
    assert TEXT not in strict_client.get("/barrierefreiheit/").content.decode()


def test_kept_text_is_offered_only_on_the_page_it_came_from(demo_site, strict_client):
    strict_client.post("/barrierefreiheit/", {"message": TEXT})
    assert TEXT not in strict_client.get("/suche/").content.decode()
    assert TEXT in strict_client.get("/barrierefreiheit/").content.decode()


def test_passwords_are_never_kept(demo_site, strict_client):
    strict_client.post("/barrierefreiheit/", {"message": TEXT, "new_password": "geheim"})
    assert "geheim" not in str(dict(strict_client.session))


def test_html_in_kept_text_is_escaped(demo_site, strict_client):
    html = strict_client.post("/barrierefreiheit/", {"message": "<b>fett</b>"}).content.decode()
    assert "&lt;b&gt;fett&lt;/b&gt;" in html
