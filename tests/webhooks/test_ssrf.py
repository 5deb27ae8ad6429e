"""No delivery to this computer or a private network in production: refused when the
endpoint is saved (a literal address, localhost, http://) and again after DNS resolution
when delivering; the connection goes to the address that was checked, with the URL's host
in the Host header."""

import socket
import ssl

import pytest

from apps.webhooks import http, services
from apps.webhooks.models import WebhookDelivery

from .conftest import endpoint_for
from .receiver import Receiver, self_signed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
    "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "fe80::1", "fc00::1",
    "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::",
])
def test_private_loopback_link_local_multicast_and_reserved_addresses_are_forbidden(address):
    assert http.forbidden_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700:4700::1111", "8.8.8.8"])
def test_public_addresses_are_allowed(address):
    assert not http.forbidden_address(address)


@pytest.mark.parametrize(("url", "message"), [
    ("http://hooks.example.com/", "The URL must start with https://."),
    ("ftp://hooks.example.com/", "The URL must start with https://."),
    ("http://localhost:8000/", "The URL must start with https://."),
    ("https://localhost/hooks", "Webhooks cannot be sent to this computer or a private network."),
    ("https://127.0.0.1/hooks", "Webhooks cannot be sent to this computer or a private network."),
    ("https://10.0.0.5/hooks",
     "Webhooks cannot be sent to a private, loopback or reserved address."),
    ("https://[::1]/hooks", "Webhooks cannot be sent to this computer or a private network."),
    ("https://user:pw@hooks.example.com/", "The URL may not contain a user name or password."),
    ("https://hooks.example.com:99999/", "Enter a valid URL."),
    ("https:///nohost", "Enter a valid URL."),
])
def test_urls_refused_in_production(production, url, message):
    assert http.check_url(url) == message


def test_local_http_is_allowed_with_debug_or_the_test_setting(settings):
    settings.DEBUG, settings.PORTAL_WEBHOOKS_ALLOW_LOCAL = True, False
    assert http.check_url("http://localhost:8000/hooks") is None
    settings.DEBUG, settings.PORTAL_WEBHOOKS_ALLOW_LOCAL = False, True
    assert http.check_url("http://127.0.0.1:8000/hooks") is None
    # Plain http stays refused for hosts on the internet.
    assert http.check_url("http://hooks.example.com/") == "The URL must start with https://."


def fake_dns(monkeypatch, mapping):
    """DNS is outside the system: names resolve as `mapping` says."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in mapping:
            family = socket.AF_INET6 if ":" in mapping[host] else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (mapping[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_name_resolving_to_a_private_address_is_refused_when_delivering(
        production, monkeypatch, contoso, adatum, receiver, settings,
        django_capture_on_commit_callbacks):
    fake_dns(monkeypatch, {"hooks.rebind.test": "127.0.0.1", "metadata.rebind.test":
                           "169.254.169.254"})
    settings.PORTAL_WEBHOOKS_ALLOW_LOCAL = True  # to save it; the name looks public
    endpoint = endpoint_for(contoso, receiver, ["customer.created"])
    endpoint.url = f"https://hooks.rebind.test:{receiver.port}/hooks"
    endpoint.save()
    settings.PORTAL_WEBHOOKS_ALLOW_LOCAL = False
    with django_capture_on_commit_callbacks(execute=True):
        services.emit("customer.created", adatum, organizations=[contoso], key=adatum.pk)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending"  # tried again later, maybe the DNS changes
    assert delivery.last_error == ("Refused: refused address 127.0.0.1 (private, loopback, "
                                   "link-local, multicast or reserved)")
    assert not receiver.received
    with pytest.raises(http.Refused, match=r"169\.254\.169\.254"):
        http.post("https://metadata.rebind.test/latest", b"{}", {})


def test_the_connection_goes_to_the_checked_address_with_the_urls_host_and_sni(
        monkeypatch, tmp_path, contoso, adatum, django_capture_on_commit_callbacks):
    """One lookup per delivery: the name resolves to the receiver's address, then (a
    rebinding DNS) to a private one; the request reaches the checked address, with the URL's
    host in the Host header and as the TLS server name (the certificate is checked for it)."""
    context, ca = self_signed("hooks.partner.test", tmp_path)
    receiver = Receiver(tls=context)
    lookups = []
    real_getaddrinfo, real_context = socket.getaddrinfo, ssl.create_default_context

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "hooks.partner.test":
            lookups.append(host)
            address = "127.0.0.1" if len(lookups) == 1 else "10.9.9.9"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    # The test's own certificate authority is trusted (the rest of the check is the real one).
    monkeypatch.setattr(ssl, "create_default_context", lambda: real_context(cafile=str(ca)))
    try:
        endpoint = endpoint_for(contoso, receiver, ["customer.created"])
        endpoint.url = f"https://hooks.partner.test:{receiver.port}/hooks"
        endpoint.save()
        with django_capture_on_commit_callbacks(execute=True):
            services.emit("customer.created", adatum, organizations=[contoso], key=adatum.pk)
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.response_code) == ("succeeded", 204)
        [got] = receiver.received
        assert got.verified
        assert got.host == f"hooks.partner.test:{receiver.port}"
        assert lookups == ["hooks.partner.test"]
    finally:
        receiver.stop()


def test_a_certificate_for_another_name_is_refused(monkeypatch, tmp_path, contoso, adatum,
                                                   django_capture_on_commit_callbacks):
    context, ca = self_signed("other.partner.test", tmp_path)
    receiver = Receiver(tls=context)
    fake_dns(monkeypatch, {"hooks.partner.test": "127.0.0.1"})
    real_context = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context", lambda: real_context(cafile=str(ca)))
    try:
        endpoint = endpoint_for(contoso, receiver, ["customer.created"])
        endpoint.url = f"https://hooks.partner.test:{receiver.port}/hooks"
        endpoint.save()
        with django_capture_on_commit_callbacks(execute=True):
            services.emit("customer.created", adatum, organizations=[contoso], key=adatum.pk)
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == "pending"
        assert "CERTIFICATE_VERIFY_FAILED" in delivery.last_error
        assert not receiver.received
    finally:
        receiver.stop()
