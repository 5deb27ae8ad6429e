"""The HTTP edge: who is asking (the client's address behind trusted proxies), the page
for a request refused by CSRF protection, and a file to download."""

import ipaddress

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render


def _address(value):
    """`value` as a canonical IP address, or None when it is not one ("unknown", a port…)."""
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1:value.index("]")]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request):
    """The address of the client, for rate limits and the audit log.

    With PORTAL_TRUSTED_PROXY_COUNT = N > 0 the portal runs behind N proxies of its own,
    each appending the address it was reached from to X-Forwarded-For: the N-th entry
    from the right is the one the outermost proxy saw, and nothing left of it can be
    trusted (the client writes it). A header shorter than N, or an entry that is no
    address, means the request did not come through our proxies: REMOTE_ADDR is used.
    """
    count = settings.PORTAL_TRUSTED_PROXY_COUNT
    if count > 0:
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                if hop.strip()]
        if len(hops) >= count:
            address = _address(hops[-count])
            if address:
                return address
    return _address(request.META.get("REMOTE_ADDR"))


def csrf_failure(request, reason=""):
    """A form sent with a missing or stale CSRF token (an old tab, a session that ended)."""
    return render(request, "403_csrf.html", {"reason": reason if settings.DEBUG else ""},
                  status=403)


def attachment(content, content_type, filename):
    """A response that the browser saves as `filename` (an invoice's PDF, a CSV export)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
