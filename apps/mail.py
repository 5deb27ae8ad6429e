"""E-mails as three templates: emails/<name>_subject.txt, _body.txt and _body.html, each
rendered in its recipient's language (never the worker process's).

This module only renders and builds messages: sending, recording and retrying each mail is
`apps.outbox.services.send_mail()`, the one outbound-mail path."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from typing import Any

from celery.contrib.django.task import DjangoTask
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext


class OnBehalfOf:
    """'<name> via Partner Center <noreply@…>': the organization's name, our address, in the
    language of the mail it heads (rendered when the mail is)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        return formataddr((gettext("%(name)s via Partner Center") % {"name": self.name},
                           address))


def sender_on_behalf_of(name: str) -> OnBehalfOf:
    return OnBehalfOf(name)


@dataclass(frozen=True)
class RenderedMail:
    """One mail as its recipient reads it: subject, sender, plain and HTML bodies."""

    language: str
    subject: str
    from_email: str
    body_text: str
    body_html: str


def render_templated(name: str, context: Mapping[str, Any], *, language: str,
                     from_email: str | OnBehalfOf | None = None) -> RenderedMail:
    """Render the mail `name` in `language` (the worker's own language is left as it was)."""
    with translation.override(language):
        return RenderedMail(
            language=language,
            subject=" ".join(render_to_string(f"emails/{name}_subject.txt", context).split()),
            from_email=str(from_email) if from_email is not None else "",
            body_text=render_to_string(f"emails/{name}_body.txt", context),
            body_html=render_to_string(f"emails/{name}_body.html", context),
        )


def build_message(*, to: str, subject: str, body_text: str, body_html: str,
                  from_email: str = "", reply_to: Sequence[str] = ()) -> EmailMultiAlternatives:
    """The message for one recipient, ready to send."""
    message = EmailMultiAlternatives(subject=subject, body=body_text,
                                     from_email=from_email or None, to=[to],
                                     reply_to=list(reply_to) or None)
    if body_html:
        message.attach_alternative(body_html, "text/html")
    return message


class MailTask(DjangoTask):
    """The base of a task that sends mail: its body runs in one transaction, so the task's
    claim (a "mail sent" mark on its row) and the mail rows it writes commit together. A
    worker killed in between leaves neither, and the redelivered task (acks_late) sends the
    mail; a delivery error stays on the mail row for the mail relay, never in the task."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with transaction.atomic():
            return super().__call__(*args, **kwargs)
