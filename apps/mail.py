"""E-mails as three templates: emails/<name>_subject.txt, _body.txt and _body.html."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def sender_on_behalf_of(name: str) -> str:
    """'<name> via Partner Center <noreply@…>': the organization's name, our address."""
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((f"{name} via Partner Center", address))


def send_templated(name: str, context: Mapping[str, Any], *, to: Sequence[str],
                   from_email: str | None = None, reply_to: Sequence[str] | None = None) -> None:
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{name}_body.txt", context),
        from_email=from_email,
        to=to,
        reply_to=reply_to,
    )
    message.attach_alternative(render_to_string(f"emails/{name}_body.html", context),
                               "text/html")
    message.send()
