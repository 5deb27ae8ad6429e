"""Logging filters: a refused request (4xx) is one line in the log, never a traceback."""

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """Django logs a PermissionDenied (403) or a BadRequest (400) with the exception that
    raised it; that traceback tells an operator nothing the status and path do not."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
