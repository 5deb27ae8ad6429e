"""The one error type services raise: a message a user can read, and the field it concerns."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.forms import BaseForm


class DomainError(Exception):
    def __init__(self, message: str, *, field: str | None = None,
                 code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def add_to_form(self, form: BaseForm) -> None:
        """Show the error next to its field (or at the top of the form)."""
        field = self.field if self.field in getattr(form, "fields", {}) else None
        form.add_error(field, self.message)


class FieldErrors(DomainError):
    """A form's errors, by field, for callers without a page to show the form on (the API):
    the same messages the page shows next to each field."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        first = next((m for messages in errors.values() for m in messages), "")
        super().__init__(first)
        self.errors = errors
