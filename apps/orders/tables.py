"""The Orders page's columns (apps.lists) and its rows' HTML: orders/partials/region.html
draws the page's rows in one loop, each row made here with format_html from the plain
values of `selectors.order_rows` (no model instances, no template lookups per cell)."""

from django.utils.formats import date_format, localize
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from apps.lists import Column

ORDER_COLUMNS = [
    Column("submitted_at", _("Submitted"), ("submitted_at", "pk")),
    Column("kind", _("Kind"), ("kind", "-submitted_at", "pk")),
    Column("customer", _("Customer"), ("customer__name", "-submitted_at", "pk")),
    Column("reseller", _("Indirect reseller"), ("reseller__name", "-submitted_at", "pk")),
    Column("submitted_by", _("Submitted by")),
    Column("line_count", _("Lines"), css="text-end"),
    Column("status", _("Status"), ("status", "-submitted_at", "pk")),
]

_ROW = (
    '<tr>\n'
    '    <td><a href="{orders_url}{pk}/confirmation/">{submitted}</a></td>\n'
    '    <td>{kind}</td>\n'
    '    <td><a href="{customers_url}{customer_id}/">{customer}</a></td>\n'
    '    <td>{reseller}</td>\n'
    '    <td>{submitted_by}</td>\n'
    '    <td class="text-end">{lines}</td>\n'
    '    <td><span class="badge {badge}">{status}</span>{failed}</td>\n'
    '  </tr>'
)
_FAILED = '<div class="small text-danger-emphasis mt-1">{error}</div>{retry}'
_RETRY = ('<form method="post" class="mt-1" action="{retry_head}{pk}{retry_tail}">'
          '<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
          '<button type="submit" class="btn btn-sm btn-outline-primary">{label}'
          '<span class="visually-hidden"> {hidden}</span></button></form>')
_BADGES = {"completed": "text-bg-success", "failed": "text-bg-danger"}


class OrderRows:
    """Draws the Orders page's rows: what every row shares (links, labels translated once,
    the CSRF token of the Retry forms when the viewer may retry) is worked out once."""

    def __init__(self, *, orders_url: str, customers_url: str, kinds, statuses,
                 retry_url: str | None = None, csrf_token: str | None = None) -> None:
        """`retry_url` is Retry's URL with `{pk}` in place of the order's id; with it (and
        `csrf_token`) failed orders get a Retry button."""
        self.orders_url, self.customers_url = orders_url, customers_url
        self.retry_head, _pk, self.retry_tail = (retry_url or "{pk}").partition("{pk}")
        self.kinds = {key: str(label) for key, label in kinds}
        self.statuses = {key: str(label) for key, label in statuses}
        self.csrf_token = csrf_token
        self.direct = str(_("none (direct)"))
        self.retry, self.retry_for = str(_("Retry")), str(_("the order for %(name)s"))

    def html(self, row):
        """One order's row (a dict of selectors.ORDER_ROW_FIELDS), escaped."""
        status = row["status"]
        failed = ""
        if status == "failed":
            retry = ""
            if self.csrf_token is not None:
                retry = format_html(_RETRY, retry_head=self.retry_head, pk=row["pk"],
                                    retry_tail=self.retry_tail,
                                    token=self.csrf_token, label=self.retry,
                                    hidden=self.retry_for % {"name": row["customer_name"]})
            failed = format_html(_FAILED, error=row["error"], retry=retry)
        return format_html(
            _ROW, orders_url=self.orders_url, pk=row["pk"],
            submitted=date_format(localtime(row["submitted_at"]), "SHORT_DATETIME_FORMAT"),
            kind=self.kinds.get(row["kind"], row["kind"]),
            customers_url=self.customers_url, customer_id=row["customer_id"],
            customer=row["customer_name"],
            reseller=row["reseller_name"] if row["reseller_id"] else self.direct,
            submitted_by=row["submitted_by_email"] or "—",
            lines=localize(row["line_count"]),
            badge=_BADGES.get(status, "text-bg-secondary"),
            status=self.statuses.get(status, status), failed=failed)
