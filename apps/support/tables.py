"""The support list's rows: support/list.html draws them in one loop, each row made here with
format_html from the plain values of `selectors.support_request_rows` (no model instances,
no `{% url %}` or template lookups per cell)."""

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime

from .models import SupportRequest

_ROW = (
    '<tr>\n'
    '      <td><a href="{list_url}{pk}/">{title}</a></td>\n'
    '      <td>{party}</td>\n'
    '      <td>{offer}</td>\n'
    '      <td>{severity}</td>\n'
    '      <td>{status}</td>\n'
    '      <td>{updated}</td>\n'
    '    </tr>'
)


class SupportRows:
    """Draws the rows of a support list: the other party is who handles the request for a
    customer, the customer for a provider or reseller. `list_url` is the list's URL (a
    request's page is under it)."""

    def __init__(self, *, list_url, is_customer):
        self.list_url, self.is_customer = list_url, is_customer
        self.severities = {key: str(label) for key, label in SupportRequest.Severity.choices}
        self.statuses = {key: str(label) for key, label in SupportRequest.Status.choices}

    def html(self, row):
        """One request's row (a dict of selectors.SUPPORT_ROW_FIELDS), escaped."""
        return format_html(
            _ROW, list_url=self.list_url, pk=row["pk"], title=row["title"],
            party=row["handled_by_name"] if self.is_customer else row["customer_name"],
            offer=row["offer_name"] or "—",
            severity=self.severities.get(row["severity"], row["severity"]),
            status=self.statuses.get(row["status"], row["status"]),
            updated=date_format(localtime(row["updated_at"]), "SHORT_DATETIME_FORMAT"))
