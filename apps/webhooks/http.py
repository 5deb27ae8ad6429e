"""POST a webhook without server-side request forgery.

The host is resolved once; every address it resolves to must be public (not private,
loopback, link-local, multicast, reserved or unspecified, IPv4-mapped included) unless
local delivery is allowed (DEBUG, or PORTAL_WEBHOOKS_ALLOW_LOCAL for tests and
development). The connection then goes to that checked address (no second lookup that a
rebinding DNS could answer differently), with the URL's host in the Host header and as the
TLS server name (SNI and certificate check). No redirects are followed; the whole exchange
has PORTAL_WEBHOOKS_TIMEOUT_SECONDS; at most 1 KB of the answer is read.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

BODY_LIMIT = 1024


class Refused(Exception):
    """The URL may not be called (its scheme, or an address it resolves to)."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    duration_ms: int


def local_allowed() -> bool:
    return bool(settings.DEBUG or settings.PORTAL_WEBHOOKS_ALLOW_LOCAL)


def forbidden_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified or not ip.is_global)


def check_url(url: str) -> str | None:
    """Why `url` cannot be an endpoint's (scheme and host, before any lookup), or None."""
    try:
        parts = urlsplit(url)
        _port = parts.port  # raises on a junk port
    except ValueError:
        return _("Enter a valid URL.")
    if not parts.hostname:
        return _("Enter a valid URL.")
    if parts.username or parts.password:
        return _("The URL may not contain a user name or password.")
    plain_local = (parts.scheme == "http" and local_allowed()
                   and _is_local_name(parts.hostname))
    if parts.scheme != "https" and not plain_local:
        return _("The URL must start with https://.")
    if not local_allowed() and _is_local_name(parts.hostname):
        return _("Webhooks cannot be sent to this computer or a private network.")
    try:
        if not local_allowed() and forbidden_address(parts.hostname):
            return _("Webhooks cannot be sent to a private, loopback or reserved address.")
    except ValueError:
        pass  # a host name: checked after resolution, when delivering
    return None


def _is_local_name(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve(host: str, port: int) -> str:
    """The address to connect to: the first the name resolves to, once all are checked."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Refused(f"DNS lookup failed: {error}") from error
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise Refused("DNS lookup returned no address")
    if not local_allowed():
        bad = [address for address in addresses if forbidden_address(address)]
        if bad:
            raise Refused(f"refused address {bad[0]} (private, loopback, link-local, "
                          "multicast or reserved)")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, timeout, context):
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._context = context

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # The URL's host name for SNI and the certificate, though we dialled the address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST `body`; the answer, whatever its status. Raises Refused, or OSError-like errors
    (http.client.HTTPException, TimeoutError, ssl.SSLError) when no answer came."""
    parts = urlsplit(url)
    if check_url(url) is not None:
        raise Refused(check_url(url))
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    timeout = float(settings.PORTAL_WEBHOOKS_TIMEOUT_SECONDS)
    started = time.monotonic()
    address = resolve(host, port)
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = _PinnedHTTPSConnection(host, port, address, timeout,
                                            ssl.create_default_context())
    else:
        connection = _PinnedHTTPConnection(host, port, address, timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request("POST", path, body=body, headers={
            **headers, "Content-Type": "application/json",
            "User-Agent": "PartnerCenter-Webhooks/1"})
        remaining = timeout - (time.monotonic() - started)
        if remaining <= 0:
            raise TimeoutError("timed out")
        if connection.sock is not None:
            connection.sock.settimeout(remaining)
        response = connection.getresponse()
        text = response.read(BODY_LIMIT).decode("utf-8", errors="replace")
    finally:
        connection.close()
    return Answer(status=response.status, body=text,
                  duration_ms=int((time.monotonic() - started) * 1000))
