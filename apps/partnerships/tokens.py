"""The personalized link of a partnership request: a signed token naming the invitation.

The token carries the invitation id and its expiry, signed with the secret key under
its own salt. Nothing secret is stored: the same invitation always gives the same
link (resending sends the same link), and changing a byte breaks the signature.
"""

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from apps.links import portal_url

# Named after the app the links were first signed in: a new salt would break every link sent.
SALT = "resellers.partnership-invitation"


def invitation_token(invitation):
    payload = {"i": str(invitation.pk), "x": int(invitation.expires_at.timestamp())}
    return signing.Signer(salt=SALT).sign_object(payload, compress=False)


def invitation_path(invitation):
    return reverse("partnership_invitation", kwargs={"token": invitation_token(invitation)})


def invitation_link(invitation):
    return portal_url(invitation_path(invitation))


def invitation_id_from_token(token):
    """(invitation id, expired?) for a good token; None for a tampered or malformed one."""
    if len(token) > 500:
        return None
    try:
        payload = signing.Signer(salt=SALT).unsign_object(token)
        invitation_id, expires = str(payload["i"]), int(payload["x"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return invitation_id, expires <= timezone.now().timestamp()
