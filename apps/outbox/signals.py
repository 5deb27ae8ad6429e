"""An outbox message is done when its task has run: the relay sends the row's id as a
message header (services.OUTBOX_HEADER) and this handler, in the worker, marks the row done
once the task returned (whatever it returned: "skipped" means the work was already done). A
task that raised, was retried or was lost with its worker leaves the row sent, and the relay
sends it again after PORTAL_OUTBOX_REDELIVER_SECONDS."""

from __future__ import annotations

import logging
from typing import Any

from celery.signals import task_success

from .services import OUTBOX_HEADER, outbox_done

logger = logging.getLogger(__name__)


def outbox_id_of(request: Any) -> str | None:
    """The outbox row's id a task's request carries, if any."""
    value = getattr(request, OUTBOX_HEADER, None) or (
        getattr(request, "headers", None) or {}).get(OUTBOX_HEADER)
    return str(value) if value else None


@task_success.connect
def _outbox_task_done(sender: Any = None, **kwargs: Any) -> None:
    message_id = outbox_id_of(getattr(sender, "request", None))
    if message_id is None:
        return
    try:
        outbox_done(message_id)
    except Exception as error:  # the task's work is saved; the relay will send it again
        logger.warning("outbox: %s not marked done: %s: %s", message_id,
                       type(error).__name__, error)
