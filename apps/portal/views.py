"""The workspace pages that gather several apps: the dashboard of each kind of organization
and the audit log of a provider or reseller."""

from django.shortcuts import render
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format, localize
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext

from apps.audit.selectors import audit_event_list
from apps.lists import paginate
from apps.organizations.access import workspace_view
from apps.organizations.roles import Kind

from .activity import activities
from .dashboard import dashboard_context


@workspace_view(kinds=(Kind.PROVIDER, Kind.RESELLER, Kind.CUSTOMER), permission="dashboard.view")
def dashboard(request):
    context = dashboard_context(request)
    return render(request, f"portal/dashboard_{request.organization.kind}.html", context)


@workspace_view(kinds=(Kind.PROVIDER, Kind.RESELLER), permission="audit.view")
def audit_log(request):
    page = paginate(request, audit_event_list(organization=request.organization), per_page=50)
    # Each row's sentence next to its recorded code (links checked once per kind of object).
    rows = activities(page.object_list, organization=request.organization,
                      membership=request.membership, user_id=request.user.pk)
    return render(request, "portal/audit_log.html",
                  {"page": page, "rows": rows, "html_rows": _audit_rows(rows)})


# A row of the audit log, escaped in one pass (format_html) rather than by the template
# engine value by value (lookups, filters, localisation: about fifty Python calls each).
_AUDIT_ROW = ('<tr>\n      <td><time datetime="{iso}">{when}</time></td>\n      <td>{who}</td>\n'
              '      <td>{sentence} <code class="d-block small">{action}</code></td>\n'
              '      <td>{target}</td>\n      <td>{details}</td>\n      <td>{ip}</td>\n    </tr>')
_DETAIL = '<span class="me-2">{}: {}</span>'


def _audit_rows(rows):
    """Each event's row: when (in the viewer's time zone), who, the sentence and the
    recorded code, the target, the details as recorded, the IP address."""
    portal = gettext("The portal")
    when_format = get_format("DATETIME_FORMAT")
    html = []
    for row in rows:
        event = row.event
        at = localtime(event.at)
        data = event.data if isinstance(event.data, dict) else {}
        html.append(format_html(
            _AUDIT_ROW, iso=at.isoformat(), when=date_format(at, when_format),
            who=event.actor_email or portal, sentence=row.sentence, action=event.action,
            target=event.target_repr,
            details=format_html_join("", _DETAIL, ((key, localize(value))
                                                   for key, value in data.items())),
            ip=event.ip or ""))
    return html
