import pytest

from apps.webhooks import services
from tests import factories

from .receiver import Receiver


@pytest.fixture(autouse=True)
def local_webhooks(settings):
    """Deliveries to 127.0.0.1 allowed, as in development (production refuses them; the
    SSRF tests turn it off again)."""
    settings.PORTAL_WEBHOOKS_ALLOW_LOCAL = True
    settings.DEBUG = False


@pytest.fixture
def production(settings):
    """Production's rule: no delivery to this computer or a private network."""
    settings.DEBUG = False
    settings.PORTAL_WEBHOOKS_ALLOW_LOCAL = False


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.stop()


def endpoint_for(organization, receiver, events, *, path="/hooks"):
    """An endpoint of `organization` at the receiver, the receiver knowing its secret."""
    admin = factories.member(organization)
    endpoint = services.endpoint_create(organization=organization, url=receiver.url(path),
                                        description="", events=events, actor=admin)
    receiver.secrets[path] = receiver.secret = services.endpoint_secret(endpoint)
    return endpoint
