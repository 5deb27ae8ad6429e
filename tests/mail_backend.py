"""A test EMAIL_BACKEND whose SMTP server can go away: while `FlakyBackend.down` is set,
every send raises SMTPServerDisconnected (as smtplib would); otherwise messages land in
django.core.mail.outbox, as with the local-memory backend."""

import smtplib
from contextlib import contextmanager

from django.core.mail.backends.locmem import EmailBackend

PATH = "tests.mail_backend.FlakyBackend"


class FlakyBackend(EmailBackend):
    down = False
    refused = 0  # sends refused while down, all threads together

    def send_messages(self, messages):
        if FlakyBackend.down:
            FlakyBackend.refused += 1
            raise smtplib.SMTPServerDisconnected("mail server went away")
        return super().send_messages(messages)


@contextmanager
def smtp_server(settings):
    """Use FlakyBackend for the block; yields the class (set `.down` to refuse sends)."""
    settings.EMAIL_BACKEND = PATH
    FlakyBackend.down, FlakyBackend.refused = False, 0
    try:
        yield FlakyBackend
    finally:
        FlakyBackend.down = False
