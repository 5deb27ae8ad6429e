"""E-mails as three templates: emails/<name>_subject.txt, _body.txt and _body.html, each
rendered in its recipient's language (never the worker process's)."""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from apps.i18n import recipient_languages


class OnBehalfOf:
    """'<name> via Partner Center <noreply@…>': the organization's name, our address, in the
    language of the mail it heads (rendered when the mail is)."""

    def __init__(self, name):
        self.name = name

    def __str__(self):
        _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        return formataddr((gettext("%(name)s via Partner Center") % {"name": self.name},
                           address))


def sender_on_behalf_of(name):
    return OnBehalfOf(name)


def send_templated(name, context, *, to, from_email=None, reply_to=None, language=None):
    """Send the mail `name` to the addresses `to`, one message per language among them.

    Each address gets the language saved on its account; an address without an account (an
    invitation to someone new) gets `language`, the sender's, else the default language.
    """
    groups = {}
    for address, address_language in recipient_languages(to, fallback=language).items():
        groups.setdefault(address_language, []).append(address)
    for group_language, addresses in groups.items():
        with translation.override(group_language):
            subject = " ".join(
                render_to_string(f"emails/{name}_subject.txt", context).split())
            message = EmailMultiAlternatives(
                subject=subject,
                body=render_to_string(f"emails/{name}_body.txt", context),
                from_email=str(from_email) if from_email is not None else None,
                to=addresses,
                reply_to=reply_to,
            )
            message.attach_alternative(
                render_to_string(f"emails/{name}_body.html", context), "text/html")
            message.send()
