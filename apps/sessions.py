"""The session engine: Django's database sessions, ignoring cookies it could never have issued.

Django's keys are 32 lower-case letters and digits. A cookie holding anything else (a NUL
byte, which PostgreSQL refuses in a query) is no session at all, as if it were not sent.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key):
        # Django's own check is "at least 8 characters"; ours adds the characters it issues.
        return bool(key) and 8 <= len(key) <= 64 and key.isascii() and key.isalnum()
