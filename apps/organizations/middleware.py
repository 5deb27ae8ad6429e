"""Resolves the organization named in a workspace URL, only through the user's memberships."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from .models import Membership


class ActiveOrganizationMiddleware:
    """Sets request.organization and request.membership for /o/<org_slug>/ URLs.

    An organization the user does not belong to answers 404, whether it exists or not.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organization = None
        request.membership = None
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("org_slug")
        if slug is None:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = (
            Membership.objects.select_related("organization", "organization__reseller")
            .filter(user=request.user, organization__slug=slug, organization__is_active=True)
            .first()
        )
        if membership is None:
            raise Http404
        request.membership = membership
        request.organization = membership.organization
        if request.user.last_organization_id != membership.organization_id:
            request.user.last_organization = membership.organization
            request.user.save(update_fields=["last_organization"])
        return None
