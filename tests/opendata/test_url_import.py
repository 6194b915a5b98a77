"""A new version fetched from a web address: a real HTTP server on 127.0.0.1 stands in for the
open-data portals, and every address that leads into a local or private network is refused."""

import hashlib
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from maps.sources.files import SourceError
from opendata.models import Resource
from opendata.sources.fetch import FetchTooLarge, fetch_url
from tests.factories import make_dataset

pytestmark = pytest.mark.django_db

CSV = b"Gebiet,Einwohner\nA,100\nB,200\n"
RAGGED_CSV = b"Gebiet,Einwohner\nA,100\nB\n"
HUGE = 5000
PUBLIC_ADDRESS = "93.184.215.14"


class Handler(BaseHTTPRequestHandler):
    """The portal: files, redirects, errors and a slow answer, by path."""

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/einwohner.csv":
            self.reply(CSV, "text/csv; charset=utf-8")
        elif path == "/ragged.csv":
            self.reply(RAGGED_CSV, "text/csv")
        elif path == "/export":
            self.reply(CSV, "text/csv")
        elif path == "/download":
            self.reply(CSV, "text/csv", disposition='attachment; filename="Einwohner 2022.csv"')
        elif path == "/traversal":
            self.reply(CSV, "text/csv", disposition='attachment; filename="../../etc/passwd.csv"')
        elif path == "/redirect":
            self.redirect("/einwohner.csv")
        elif path.startswith("/chain/"):
            hops = int(path.rsplit("/", 1)[1])
            self.redirect(f"/chain/{hops - 1}" if hops else "/einwohner.csv")
        elif path == "/to-metadata":
            self.redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/to-loopback":
            self.redirect(f"http://127.0.0.1:{self.server.server_port}/einwohner.csv")
        elif path == "/huge":
            self.reply(b"a,b\n" + b"1,2\n" * HUGE, "text/csv")
        elif path == "/huge-streamed":
            # HTTP/1.0 without Content-Length: the body ends when the connection closes.
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.end_headers()
            self.wfile.write(b"a,b\n" + b"1,2\n" * HUGE)
        elif path == "/slow":
            time.sleep(1.5)
            self.reply(CSV, "text/csv")
        else:
            self.send_error(404, "Not Found")

    def reply(self, body: bytes, media_type: str, disposition: str = ""):
        self.send_response(200)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        if disposition:
            self.send_header("Content-Disposition", disposition)
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    def redirect(self, location: str):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def portal():
    """The base URL of a portal on 127.0.0.1 with a random port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def allow_private(settings):
    settings.OPENDATA_FETCH_ALLOW_PRIVATE = True


@pytest.fixture
def public_portal(portal, monkeypatch):
    """`daten.example.org` resolves to a public address, and connections to that address reach
    the portal: the checks see a public host, the test server answers. Returns the lookups and
    the addresses connected to."""
    real_getaddrinfo, real_create_connection = socket.getaddrinfo, socket.create_connection
    port = int(portal.rsplit(":", 1)[1])
    seen = {"lookups": [], "connections": []}

    def getaddrinfo(host, *args, **kwargs):
        if host != "daten.example.org":
            return real_getaddrinfo(host, *args, **kwargs)
        seen["lookups"].append(host)
        # A rebinding name server: public at the check, loopback for any later lookup.
        address = PUBLIC_ADDRESS if len(seen["lookups"]) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 80))]

    def create_connection(address, *args, **kwargs):
        seen["connections"].append(address[0])
        if address[0] == PUBLIC_ADDRESS:
            return real_create_connection(("127.0.0.1", port), *args, **kwargs)
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    return seen


def fetch(url: str, *, max_bytes: int = 10_000, timeout: float = 5):
    return fetch_url(url, max_bytes=max_bytes, timeout=timeout)


# Fetching ---------------------------------------------------------------------------------------


def test_fetch_follows_a_redirect_and_keeps_the_final_address(portal, allow_private):
    fetched = fetch(f"{portal}/redirect")
    assert fetched.data == CSV
    assert fetched.url == f"{portal}/einwohner.csv"
    assert fetched.filename == "einwohner.csv"
    assert fetched.media_type == "text/csv"


def test_file_name_comes_from_content_disposition_made_safe(portal, allow_private):
    assert fetch(f"{portal}/download").filename == "Einwohner_2022.csv"
    assert fetch(f"{portal}/traversal").filename == "passwd.csv"


def test_file_name_without_a_known_extension_gets_one_from_the_media_type(portal, allow_private):
    assert fetch(f"{portal}/export?id=7").filename == "export.csv"


def test_three_redirects_are_followed_and_a_fourth_is_refused(portal, allow_private):
    assert fetch(f"{portal}/chain/2").data == CSV  # three redirects in all
    with pytest.raises(SourceError, match="more than 3 redirects"):
        fetch(f"{portal}/chain/3")


def test_an_error_status_is_named(portal, allow_private):
    with pytest.raises(SourceError, match=r"/missing\.csv: .*status 404"):
        fetch(f"{portal}/missing.csv")


@pytest.mark.parametrize("path", ["/huge", "/huge-streamed"])
def test_a_file_over_the_limit_is_refused(portal, allow_private, path):
    with pytest.raises(FetchTooLarge, match="limit"):
        fetch(portal + path, max_bytes=1000)


def test_a_slow_server_runs_into_the_timeout(portal, allow_private):
    with pytest.raises(SourceError, match=r"within 0\.3 seconds"):
        fetch(f"{portal}/slow", timeout=0.3)


def test_an_unknown_host_is_named():
    with pytest.raises(SourceError, match="cannot be found"):
        fetch("http://quartier-does-not-exist.invalid/daten.csv")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/einwohner.csv",
        "http://localhost:{port}/einwohner.csv",
        "http://[::1]:{port}/einwohner.csv",
        "http://[::ffff:127.0.0.1]/einwohner.csv",
        "http://2130706433/einwohner.csv",
        "http://0.0.0.0/einwohner.csv",
        "http://10.1.2.3/einwohner.csv",
        "http://192.168.1.1/einwohner.csv",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/einwohner.csv",
        "http://[fd00::1]/einwohner.csv",
        "http://224.0.0.1/einwohner.csv",
        "http://[64:ff9b::a00:1]/einwohner.csv",
    ],
)
def test_local_and_private_addresses_are_refused_by_default(portal, url):
    url = url.format(port=portal.rsplit(":", 1)[1])
    with pytest.raises(SourceError, match="local or private network address"):
        fetch(url)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://daten.example.org/a.csv", "gopher://example.org/"]
)
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(SourceError, match="only http and https"):
        fetch(url)


def test_an_address_with_credentials_is_refused():
    with pytest.raises(SourceError, match="user name or password"):
        fetch("https://editor:secret@daten.example.org/a.csv")


def test_a_public_host_is_fetched_from_the_address_that_was_checked(public_portal):
    fetched = fetch("http://daten.example.org/einwohner.csv")
    assert fetched.data == CSV
    # One lookup, and the connection went to its answer, not to a second (rebound) one.
    assert public_portal["lookups"] == ["daten.example.org"]
    assert public_portal["connections"] == [PUBLIC_ADDRESS]


@pytest.mark.parametrize(
    ("path", "address"), [("/to-metadata", "169.254.169.254"), ("/to-loopback", "127.0.0.1")]
)
def test_a_redirect_to_a_private_address_is_refused(public_portal, path, address):
    with pytest.raises(
        SourceError, match=re.escape(f"{address} is a local or private network address")
    ):
        fetch("http://daten.example.org" + path)
    assert public_portal["connections"] == [PUBLIC_ADDRESS]


# The admin --------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def resource():
    page = make_dataset()
    return Resource.objects.create(dataset=page, title="Tabelle", slug="tabelle", kind="table")


@pytest.fixture
def editor_client(client, user_factory):
    client.force_login(user_factory(is_staff=True, is_superuser=True))
    return client


def publish(client, resource, **fields):
    return client.post(f"/admin/daten/ressourcen/{resource.pk}/version/", fields)


def test_editor_publishes_a_version_from_a_web_address(
    editor_client, resource, portal, allow_private
):
    response = publish(editor_client, resource, url=f"{portal}/redirect", note="Vom Portal")
    assert response.status_code == 302
    version = resource.versions.get()
    assert version.source_url == f"{portal}/einwohner.csv"
    assert version.sha256 == hashlib.sha256(CSV).hexdigest()
    assert version.filename == "einwohner.csv"
    assert version.note == "Vom Portal"
    assert version.file.read() == CSV


def test_the_name_from_content_disposition_is_kept(editor_client, resource, portal, allow_private):
    assert publish(editor_client, resource, url=f"{portal}/download").status_code == 302
    assert resource.versions.get().filename == "Einwohner_2022.csv"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/einwohner.csv",
        "http://localhost:{port}/einwohner.csv",
        "http://[::1]:{port}/einwohner.csv",
        "http://10.0.0.8/einwohner.csv",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_a_private_address_is_refused_and_nothing_is_stored(editor_client, resource, portal, url):
    url = url.format(port=portal.rsplit(":", 1)[1])
    response = publish(editor_client, resource, url=url)
    assert response.status_code == 422
    page = response.content.decode()
    assert "is a local or private network address; only public addresses can be fetched" in page
    assert 'href="#id_url"' in page
    assert not resource.versions.exists()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://daten.example.org/a.csv"])
def test_other_schemes_are_refused_in_the_form(editor_client, resource, url):
    response = publish(editor_client, resource, url=url)
    assert response.status_code == 422
    assert "Enter a web address that starts with http:// or https://." in response.content.decode()
    assert not resource.versions.exists()


def test_a_redirect_to_the_metadata_service_is_refused(editor_client, resource, public_portal):
    response = publish(editor_client, resource, url="http://daten.example.org/to-metadata")
    assert response.status_code == 422
    assert "169.254.169.254 is a local or private network address" in response.content.decode()
    assert not resource.versions.exists()


def test_a_file_too_large_gets_413_and_nothing_is_stored(
    editor_client, resource, portal, allow_private, settings
):
    settings.OPENDATA_MAX_UPLOAD_BYTES = 1000
    response = publish(editor_client, resource, url=f"{portal}/huge-streamed")
    assert response.status_code == 413
    assert "the limit of 1000" in response.content.decode()
    assert not resource.versions.exists()


def test_an_error_status_is_shown_at_the_address_field(
    editor_client, resource, portal, allow_private
):
    response = publish(editor_client, resource, url=f"{portal}/missing.csv")
    assert response.status_code == 422
    assert "status 404" in response.content.decode()
    assert not resource.versions.exists()


def test_an_invalid_table_is_shown_linked_to_the_address_field(
    editor_client, resource, portal, allow_private
):
    response = publish(editor_client, resource, url=f"{portal}/ragged.csv")
    assert response.status_code == 422
    page = response.content.decode()
    assert 'href="#id_url"' in page
    assert "line 3" in page
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_url-errors id_url-helptext"' in page
    assert 'id="id_url-errors"' in page
    assert not resource.versions.exists()


def test_both_a_file_and_an_address_is_a_form_error(editor_client, resource, portal):
    response = publish(
        editor_client,
        resource,
        file=SimpleUploadedFile("a.csv", CSV, "text/csv"),
        url=f"{portal}/einwohner.csv",
    )
    assert response.status_code == 422
    assert "Choose a file or enter a web address (URL), not both." in response.content.decode()
    assert not resource.versions.exists()


def test_neither_a_file_nor_an_address_is_a_form_error(editor_client, resource):
    response = publish(editor_client, resource, note="Nichts")
    assert response.status_code == 422
    page = response.content.decode()
    assert "Choose a file to upload or enter a web address (URL) to fetch it." in page
    assert 'href="#id_file"' in page
    assert not resource.versions.exists()
