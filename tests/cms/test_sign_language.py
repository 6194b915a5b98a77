import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents.models import Document

from cms.models import ContentPage, HomePage

pytestmark = pytest.mark.django_db

CAPTIONS = b"WEBVTT\n\n00:00.000 --> 00:02.000\nWillkommen bei Quartier.\n"


def document(name: str, content: bytes = b"\x1a\x45\xdf\xa3 not really a video") -> Document:
    return Document.objects.create(title=name, file=SimpleUploadedFile(name, content))


@pytest.fixture
def signed_page(demo_site):
    page = ContentPage.objects.get(slug="ueber-quartier")
    page.sign_language_video = document("ueber-quartier.webm")
    page.sign_language_captions = document("ueber-quartier.vtt", CAPTIONS)
    page.full_clean()
    page.save_revision().publish()
    return page


def test_sign_language_version_plays_the_video_with_german_captions(signed_page, client):
    html = client.get("/ueber-quartier/gebaerdensprache/").content.decode()
    assert '<source src="/dokumente/' in html and 'type="video/webm"' in html
    assert '<track kind="captions"' in html and 'srclang="de"' in html
    assert 'href="/ueber-quartier/"' in html


def test_header_links_to_the_page_own_video_or_the_home_page_video(signed_page, client):
    html = client.get("/ueber-quartier/").content.decode()
    assert 'href="/ueber-quartier/gebaerdensprache/" lang="de">Gebärdensprache' in html
    assert "Gebärdensprache" not in client.get("/impressum/").content.decode()
    home = HomePage.objects.get()
    home.sign_language_video = document("start.mp4")
    home.sign_language_captions = document("start.vtt", CAPTIONS)
    home.save_revision().publish()
    assert 'href="/gebaerdensprache/"' in client.get("/impressum/").content.decode()


def test_page_without_video_has_no_sign_language_route(demo_site, client):
    assert client.get("/impressum/gebaerdensprache/").status_code == 404


def test_sign_language_version_is_in_the_sitemap(signed_page, client):
    assert b"/ueber-quartier/gebaerdensprache/" in client.get("/sitemap.xml").content


@pytest.mark.parametrize(
    ("video", "captions", "field"),
    [
        ("clip.webm", None, "sign_language_captions"),
        ("clip.avi", "clip.vtt", "sign_language_video"),
        ("clip.mp4", "clip.srt", "sign_language_captions"),
    ],
)
def test_video_needs_a_supported_format_and_webvtt_captions(demo_site, video, captions, field):
    page = ContentPage.objects.get(slug="impressum")
    page.sign_language_video = document(video)
    page.sign_language_captions = document(captions, CAPTIONS) if captions else None
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert field in error.value.message_dict
