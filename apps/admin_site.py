"""The operators' admin site: Django's, answering 400 to input it cannot look up by.

A NUL byte in a list filter or a search (`?status__exact=%00`) passes the admin's lookup
checks and then breaks the database query (PostgreSQL refuses NUL in text); an action's
selection that is no primary key (`_selected_action=junk`) fails while the admin builds
its query. Both are answered with 400, for our ModelAdmins and third-party ones alike.
"""

from functools import update_wrapper

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import BadRequest, ValidationError


def _has_nul(query):
    return any("\x00" in key or any("\x00" in value for value in values)
               for key, values in query.lists())


def _bad_selection(request, model):
    """True when an action's selection holds a value that is no primary key of `model`."""
    for value in request.POST.getlist(ACTION_CHECKBOX_NAME):
        try:
            model._meta.pk.to_python(value)
        except ValidationError:
            return True
    return False


class PortalAdminSite(AdminSite):
    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)
        model = getattr(getattr(view, "__self__", None), "model", None)  # a ModelAdmin's view

        def guarded(request, *args, **kwargs):
            if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
                raise BadRequest("NUL byte in the query string or the form")
            if model is not None and request.method == "POST" and _bad_selection(request, model):
                raise BadRequest("An action's selection holds something that is no key")
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)


class PortalAdminConfig(AdminConfig):
    default_site = "apps.admin_site.PortalAdminSite"
