"""The one error type services raise: a message a user can read, and the field it concerns."""


class DomainError(Exception):
    def __init__(self, message, *, field=None, code=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def add_to_form(self, form):
        """Show the error next to its field (or at the top of the form)."""
        field = self.field if self.field in getattr(form, "fields", {}) else None
        form.add_error(field, self.message)
