"""Fetching a data file from a web address an editor typed in, treating the address as hostile.

The site must not become a way into the networks it runs in (server-side request forgery). So:
only http and https, no user name or password in the address; the host is resolved once and
every address it resolves to must be public (unless OPENDATA_FETCH_ALLOW_PRIVATE); the
connection then goes to one of exactly those addresses — there is no second lookup that a
rebinding name server could answer differently — while the request keeps the host name for the
Host header and, over TLS, for SNI and the certificate check. Redirects are followed by hand, at
most MAX_REDIRECTS, each target checked like the first. Proxies from the environment are not
used: they would connect to a host we never checked. The body is read in chunks up to a limit,
and one deadline covers the whole fetch.
"""

import http.client
import ipaddress
import re
import socket
import ssl
import time
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _

from maps.sources.files import SourceError

MAX_REDIRECTS = 3
# As long as ResourceVersion.source_url holds.
MAX_URL_CHARS = 1000
CHUNK_BYTES = 64 * 1024
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
DEFAULT_PORTS = {"http": 80, "https": 443}
USER_AGENT = "Quartier open data (new resource version)"
KNOWN_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".geojson", ".json", ".gpkg", ".zip"}
SUFFIXES_BY_MEDIA_TYPE = {
    "text/csv": ".csv",
    "application/csv": ".csv",
    "text/tab-separated-values": ".tsv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/geo+json": ".geojson",
    "application/vnd.geo+json": ".geojson",
    "application/json": ".json",
    "application/geopackage+sqlite3": ".gpkg",
    "application/zip": ".zip",
    "application/x-zip-compressed": ".zip",
}
# IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64, RFC 6052).
NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchTooLarge(SourceError):
    """The file at the address is larger than the limit (HTTP 413 for the editor)."""


@dataclass(frozen=True)
class Fetched:
    """A downloaded file, with a safe name to store it under."""

    data: bytes
    filename: str
    url: str
    """The address the file came from, after redirects."""
    media_type: str


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str
    port: int
    path: str
    addresses: list[IPAddress]


def fetch_url(url: str, *, max_bytes: int, timeout: float) -> Fetched:
    """Download `url` (http or https, public addresses only unless
    OPENDATA_FETCH_ALLOW_PRIVATE) following at most MAX_REDIRECTS redirects, within `timeout`
    seconds in all. Raises FetchTooLarge above `max_bytes`, SourceError naming the address for
    every other problem (refused address, unreachable host, an error status)."""
    deadline = time.monotonic() + timeout
    allow_private = settings.OPENDATA_FETCH_ALLOW_PRIVATE
    first_url = url
    for _attempt in range(MAX_REDIRECTS + 1):
        target = _checked_target(url, allow_private=allow_private)
        connection = _connection(target, deadline, timeout)
        try:
            response, sock = _request(connection, target, deadline, timeout)
            if response.status in REDIRECT_STATUSES:
                location = response.getheader("Location", "").strip()
                if not location:
                    raise SourceError(
                        _("%(url)s: a redirect without a target address") % {"url": url}
                    )
                url = urljoin(target.url, location)
                continue
            if not 200 <= response.status < 300:
                raise SourceError(
                    _("%(url)s: the server answered with status %(status)s (%(reason)s)")
                    % {"url": url, "status": response.status, "reason": response.reason}
                )
            data = _read_body(response, sock, target, max_bytes, deadline, timeout)
        finally:
            connection.close()
        media_type = _media_type(response)
        return Fetched(
            data=data,
            filename=_filename(response, target.url, media_type),
            url=target.url,
            media_type=media_type,
        )
    raise SourceError(
        _("%(url)s: more than %(count)s redirects") % {"url": first_url, "count": MAX_REDIRECTS}
    )


# Checking the address --------------------------------------------------------------------------


def _checked_target(url: str, *, allow_private: bool) -> _Target:
    if len(url) > MAX_URL_CHARS:
        raise SourceError(
            _("%(url)s…: the address is longer than %(count)s characters")
            % {"url": url[:80], "count": MAX_URL_CHARS}
        )
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise SourceError(_("%(url)s: only http and https addresses can be fetched") % {"url": url})
    if "@" in parts.netloc:
        raise SourceError(
            _("%(url)s: the address must not contain a user name or password") % {"url": url}
        )
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError as error:
        raise SourceError(_("%(url)s: the port is not valid") % {"url": url}) from error
    host = parts.hostname
    if not host:
        raise SourceError(_("%(url)s: the address has no host name") % {"url": url})
    addresses = _resolve(url, host, port)
    if not allow_private:
        for address in addresses:
            if _forbidden(address):
                raise SourceError(
                    _(
                        "%(url)s: %(address)s is a local or private network address; only "
                        "public addresses can be fetched"
                    )
                    % {"url": url, "address": address}
                )
    path = iri_to_uri((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
    return _Target(url=url, scheme=scheme, host=host, port=port, path=path, addresses=addresses)


def _resolve(url: str, host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to, in the resolver's order, each once."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise SourceError(
            _("%(url)s: the host %(host)s cannot be found") % {"url": url, "host": host}
        ) from error
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        # IPv6 link-local results carry a zone ("fe80::1%eth0"); the address itself is checked.
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def _forbidden(address: IPAddress) -> bool:
    """Whether an address is anything but a public unicast one. IPv6 addresses that carry an
    IPv4 address (mapped, 6to4, Teredo, NAT64) are judged by that address too."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None and _forbidden(embedded):
            return True
    return (
        not address.is_global
        or address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


# Connecting to the checked address -------------------------------------------------------------


def _open_socket(addresses: list[IPAddress], port: int, timeout: float) -> socket.socket:
    """A TCP connection to the first of `addresses` that answers."""
    *others, last = addresses
    for address in others:
        try:
            return socket.create_connection((str(address), port), timeout=timeout)
        except OSError:
            continue
    return socket.create_connection((str(last), port), timeout=timeout)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to a host name, over a connection to addresses checked beforehand."""

    def __init__(self, host: str, port: int, *, addresses: list[IPAddress], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses

    def connect(self):
        self.sock = _open_socket(self.addresses, self.port, self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a host name (SNI and certificate checked against it), over a connection to
    addresses checked beforehand."""

    def __init__(self, host: str, port: int, *, addresses: list[IPAddress], timeout: float):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.addresses = addresses

    def connect(self):
        sock = _open_socket(self.addresses, self.port, self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def _connection(target: _Target, deadline: float, timeout: float) -> http.client.HTTPConnection:
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    return connection_class(
        target.host,
        target.port,
        addresses=target.addresses,
        timeout=_remaining(target, deadline, timeout),
    )


def _request(connection, target: _Target, deadline: float, timeout: float):
    """The response, and its socket (the connection lets go of it when the server closes)."""
    try:
        connection.request(
            "GET",
            target.path,
            headers={"User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Encoding": "identity"},
        )
        sock = connection.sock
        sock.settimeout(_remaining(target, deadline, timeout))
        return connection.getresponse(), sock
    except TimeoutError as error:
        raise _timed_out(target, timeout) from error
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise SourceError(
            _("%(url)s: cannot connect (%(reason)s)")
            % {"url": target.url, "reason": _reason(error)}
        ) from error


def _read_body(response, sock, target, max_bytes, deadline, timeout) -> bytes:
    length = (response.getheader("Content-Length") or "").strip()
    if length.isdigit() and int(length) > max_bytes:
        raise FetchTooLarge(
            _("%(url)s: the file is %(size)s; the limit is %(limit)s")
            % {
                "url": target.url,
                "size": filesizeformat(int(length)),
                "limit": filesizeformat(max_bytes),
            }
        )
    chunks, size = [], 0
    try:
        # The response closes itself (and the socket) once the body is complete.
        while not response.isclosed():
            sock.settimeout(_remaining(target, deadline, timeout))
            chunk = response.read(CHUNK_BYTES)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise FetchTooLarge(
                    _("%(url)s: the file is larger than the limit of %(limit)s")
                    % {"url": target.url, "limit": filesizeformat(max_bytes)}
                )
            chunks.append(chunk)
    except TimeoutError as error:
        raise _timed_out(target, timeout) from error
    except (OSError, http.client.HTTPException) as error:
        raise SourceError(
            _("%(url)s: the download broke off (%(reason)s)")
            % {"url": target.url, "reason": _reason(error)}
        ) from error
    return b"".join(chunks)


def _remaining(target: _Target, deadline: float, timeout: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _timed_out(target, timeout)
    return remaining


def _timed_out(target: _Target, timeout: float) -> SourceError:
    return SourceError(
        _("%(url)s: no complete answer within %(seconds)s seconds")
        % {"url": target.url, "seconds": f"{timeout:g}"}
    )


def _reason(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error) or error.__class__.__name__


# Naming the file -------------------------------------------------------------------------------


def _media_type(response) -> str:
    return (response.getheader("Content-Type") or "").split(";", 1)[0].strip().lower()


def _filename(response, url: str, media_type: str) -> str:
    """The name from Content-Disposition, else the address's last path segment, made safe,
    with an extension from the media type when it has none we read."""
    try:
        name = response.headers.get_filename() or ""
    except (TypeError, ValueError, LookupError):
        name = ""
    name = _safe_filename(name) or _safe_filename(unquote(urlsplit(url).path))
    if PurePosixPath(name).suffix.lower() not in KNOWN_SUFFIXES:
        name = (name or "download") + SUFFIXES_BY_MEDIA_TYPE.get(media_type, "")
    return name or "download"


def _safe_filename(name: str) -> str:
    """The last segment of a path, letters, digits, `-`, `_` and `.` only, without leading or
    trailing dots, at most 100 characters before its extension."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^\w.-]+", "_", name).strip("._ ")
    path = PurePosixPath(name) if name else None
    if path is None:
        return ""
    return path.stem[:100] + path.suffix[:10]
