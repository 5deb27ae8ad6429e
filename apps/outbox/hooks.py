"""What apps above outbox ask to hear of: outbox cannot import them, so they register here
(in their AppConfig.ready()) and outbox calls them."""

from __future__ import annotations

from typing import Protocol


class MailOutcomeHandler(Protocol):
    def __call__(self, *, event: str, sent: bool, error: str) -> None: ...


# {event prefix: handler}: partnerships shows a request's delivery state on the request.
mail_outcome_handlers: dict[str, MailOutcomeHandler] = {}


def register_mail_outcome(prefix: str, handler: MailOutcomeHandler) -> None:
    """Call `handler(event=..., sent=..., error=...)` each time a mail of an event starting
    with `prefix` is sent (error "") or fails a try (sent False, the error)."""
    mail_outcome_handlers[prefix] = handler


def mail_outcome(*, event: str, sent: bool, error: str) -> None:
    for prefix, handler in mail_outcome_handlers.items():
        if event.startswith(prefix):
            handler(event=event, sent=sent, error=error)
