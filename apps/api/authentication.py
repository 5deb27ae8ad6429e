"""Authorization: Bearer <key>. The request then acts as the key's organization with the
key's role: request.organization and request.membership are set as the workspace
middleware sets them for the pages, so the same selectors and role checks apply."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .selectors import api_key_for_secret, key_role_capped
from .services import api_key_touch


@dataclass(frozen=True)
class KeyMembership:
    """What has_permission() reads of a membership: the organization and the role."""

    organization: object
    user: object
    role: str


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        scheme, _sep, secret = header.partition(" ")
        if scheme.lower() != "bearer":
            return None  # no key: anonymous (401 from the permission check)
        key = api_key_for_secret(secret.strip())
        if key is None:
            raise exceptions.AuthenticationFailed(_("This API key is not valid."))
        if key.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API key was revoked."))
        if not key.is_usable():
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
        # A key never outlives its creator's place in the organization, nor outranks it.
        if not key.created_by.is_active:
            raise exceptions.AuthenticationFailed(_(
                "This API key no longer works: the account of the person who created it "
                "is deactivated."))
        creator_role = getattr(key, "creator_role", None)
        if creator_role is None:
            raise exceptions.AuthenticationFailed(_(
                "This API key no longer works: the person who created it left the "
                "organization."))
        api_key_touch(key=key)
        raw = request._request
        raw.organization = key.organization
        raw.membership = KeyMembership(organization=key.organization, user=key.created_by,
                                       role=key_role_capped(key.role, creator_role))
        raw.api_key = key  # audit events name the key (apps.audit.services.record)
        return key.created_by, key

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """The OpenAPI document's security scheme: HTTP bearer (the API key)."""

    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "An API key from the workspace's API keys page."}
