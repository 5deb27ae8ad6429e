"""Chinese names: found by any part, sorted by pinyin on PostgreSQL (the zh_pinyin ICU
collation), and long names cut short in table cells with the full name in a tooltip."""

import pytest
from django.db import connection

from apps.i18n import name_collation_available
from tests import factories

PINYIN = pytest.mark.skipif(connection.vendor != "postgresql",
                            reason="the ICU collation is PostgreSQL's; SQLite sorts by code point")


def _customers(provider, *names):
    for name in names:
        factories.CustomerFactory(provider=provider, reseller=None, organization__name=name)


@PINYIN
def test_the_customers_page_sorts_chinese_names_by_pinyin(client, provider, provider_admin):
    assert name_collation_available()
    # By code point 上 (U+4E0A) comes before 北 (U+5317); by pinyin bei < shang.
    _customers(provider, "上海贸易有限公司", "北京科技有限公司", "Contoso Shop")
    client.force_login(provider_admin)
    html = client.get("/o/contoso/customers/").content.decode()
    assert html.index("北京科技有限公司") < html.index("上海贸易有限公司")
    html = client.get("/o/contoso/customers/?sort=-company").content.decode()
    assert html.index("上海贸易有限公司") < html.index("北京科技有限公司")


@PINYIN
def test_the_indirect_resellers_page_sorts_chinese_names_by_pinyin(client, provider,
                                                                   provider_admin):
    for name in ("上海云计算", "北京云计算"):
        factories.PartnershipFactory(provider=provider,
                                     reseller=factories.ResellerFactory(name=name))
    client.force_login(provider_admin)
    rows = client.get("/o/contoso/resellers/").context["list"].rows
    assert [r.name for r in rows] == ["北京云计算", "上海云计算"]
    rows = client.get("/o/contoso/resellers/?sort=-name").context["list"].rows
    assert [r.name for r in rows] == ["上海云计算", "北京云计算"]


def test_long_names_are_cut_short_with_the_full_name_as_title(client, provider,
                                                              provider_admin):
    long_name = "北京市海淀区中关村科技园区云计算与大数据服务有限责任公司"
    _customers(provider, long_name)
    factories.PartnershipFactory(provider=provider,
                                 reseller=factories.ResellerFactory(name=long_name + "（经销）"))
    client.force_login(provider_admin)
    customers = client.get("/o/contoso/customers/").content.decode()
    assert f'class="name-cell" title="{long_name}"' in customers
    resellers = client.get("/o/contoso/resellers/").content.decode()
    assert f'class="name-cell" title="{long_name}（经销）"' in resellers


@pytest.mark.parametrize("part", ["北京", "科技", "有限公司", "京科"])
def test_the_customers_page_finds_a_chinese_name_by_any_part(client, provider, provider_admin,
                                                           part):
    _customers(provider, "北京科技有限公司", "上海贸易集团")
    client.force_login(provider_admin)
    html = client.get("/o/contoso/customers/", {"q": part}).content.decode()
    assert "北京科技有限公司" in html
    assert "上海贸易集团" not in html


@pytest.mark.parametrize("part", ["上海", "云计算", "海云"])
def test_the_indirect_resellers_page_finds_a_chinese_name_by_any_part(client, provider,
                                                                      provider_admin, part):
    for name in ("上海云计算", "北京数据"):
        factories.PartnershipFactory(provider=provider,
                                     reseller=factories.ResellerFactory(name=name))
    client.force_login(provider_admin)
    rows = client.get("/o/contoso/resellers/", {"q": part}).context["list"].rows
    assert [r.name for r in rows] == ["上海云计算"]
