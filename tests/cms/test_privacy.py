import re

import pytest

from cms.services import accessibility_feedback_create
from participation.models import User
from tests.helpers import sitemap_paths

pytestmark = pytest.mark.django_db
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def test_no_personal_e_mail_address_on_any_public_page(demo_site, client):
    accessibility_feedback_create(
        category="other", message="Bitte antworten Sie mir.", email="melderin@private.example"
    )
    private = set(User.objects.values_list("email", flat=True)) | {"melderin@private.example"}
    paths = sitemap_paths(client.get("/sitemap.xml").content)
    paths = [p for p in paths if not p.startswith("/gebiete/")] + ["/gebiete/", "/gebiete/01/"]
    paths += ["/suche/?q=Berlin", "/gibt-es-nicht/", "/sitemap.xml"]
    for path in paths:
        html = client.get(path).content.decode()
        found = set(EMAIL.findall(html))
        assert not found & private, path
        # The only address shown is the organisation's public office address.
        assert found <= {"beteiligung@quartier.example"}, (path, found)
