"""Mail goes out in its recipient's language, never in the worker process's."""

from email.header import decode_header, make_header

import pytest
from django.core import mail
from django.utils import translation

from apps.organizations.roles import Role
from apps.organizations.services import team_invitation_create
from apps.outbox.models import OutboundMail
from apps.outbox.services import send_mail
from apps.partnerships.services import invitation_create, invitation_send
from tests import factories


@pytest.fixture
def chinese_reseller_admin(fabrikam):
    """Fabrikam's admin (reseller@fabrikam.test), who reads 简体中文."""
    return factories.member(fabrikam, Role.ADMIN, email="reseller@fabrikam.test",
                            language="zh-hans")


@pytest.fixture
def english_provider_admin(provider):
    return factories.member(provider, Role.ADMIN, email="admin@contoso.test", language="en")


def test_a_partnership_request_to_a_chinese_speaking_reseller_arrives_in_chinese(
        provider, english_provider_admin, chinese_reseller_admin, on_commit):
    # The provider's page (and the worker) speak English; the reseller reads Chinese.
    with translation.override("en"):
        invitation = invitation_create(provider=provider, email="reseller@fabrikam.test",
                                       name="", created_by=english_provider_admin)
        # The draft the provider sees, edits and sends is already in the reseller's language.
        assert "希望与你建立合作关系" in invitation.message
        with on_commit():
            invitation_send(invitation=invitation, subject=invitation.subject,
                            message=invitation.message, actor=english_provider_admin)
    message = mail.outbox[-1]
    assert message.to == ["reseller@fabrikam.test"]
    assert message.subject == "Contoso Distribution 邀请你作为间接经销商建立合作关系"
    assert "个性化链接" in message.body
    html = message.alternatives[0][0]
    assert '<html lang="zh-Hans">' in html
    assert "打开来自 Contoso Distribution 的合作关系请求" in html
    sender = str(make_header(decode_header(message.from_email.split(" <")[0])))
    assert sender == "Contoso Distribution（通过合作伙伴中心）"


def test_a_team_invitation_to_a_new_address_speaks_the_inviters_language(provider, on_commit):
    inviter = factories.member(provider, Role.ADMIN, email="li@contoso.test", language="zh-hans")
    with translation.override("en"), on_commit():
        team_invitation_create(organization=provider, email="new@contoso.test",
                               role=Role.SALES, invited_by=inviter)
    message = mail.outbox[-1]
    assert message.subject == "你受邀加入合作伙伴中心上的 Contoso Distribution"
    assert "销售代理" in message.body


def test_one_message_per_recipient_each_in_its_language(db, on_commit):
    factories.UserFactory(email="en@example.test", language="en")
    factories.UserFactory(email="zh@example.test", language="zh-hans")
    with translation.override("zh-hans"), on_commit():
        send_mail("test:1", "enrollment_account_exists", {"link": "https://x.test/"},
                  to=["en@example.test", "zh@example.test", "nobody@example.test"])
        # The worker's own language is back as it was.
        assert translation.get_language() == "zh-hans"
    by_to = {tuple(m.to): m for m in mail.outbox}
    assert set(by_to) == {("en@example.test",), ("nobody@example.test",), ("zh@example.test",)}
    assert "Partner Center" in by_to[("en@example.test",)].subject
    assert "Partner Center" in by_to[("nobody@example.test",)].subject
    assert "合作伙伴中心" in by_to[("zh@example.test",)].subject
    assert dict(OutboundMail.objects.values_list("recipient", "language")) == {
        "en@example.test": "en", "zh@example.test": "zh-hans", "nobody@example.test": "en"}
