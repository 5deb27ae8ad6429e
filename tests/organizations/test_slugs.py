"""Workspace URLs for names in any script: pinyin for Chinese, never `org`, `org-2`."""

import re

from apps.organizations.roles import Kind
from apps.organizations.services import organization_create, slug_base


def test_chinese_names_are_spelled_in_pinyin(db):
    first = organization_create(kind=Kind.RESELLER, name="北京云科技有限公司")
    second = organization_create(kind=Kind.RESELLER, name="北京云科技有限公司")
    assert first.slug == "bei-jing-yun-ke-ji-you-xian-gong-si"
    assert second.slug == "bei-jing-yun-ke-ji-you-xian-gong-si-2"
    assert first.get_absolute_url() == "/o/bei-jing-yun-ke-ji-you-xian-gong-si/"


def test_mixed_and_latin_names():
    assert slug_base("Contoso 中国") == "contoso-zhong-guo"
    assert slug_base("Wide World Importers") == "wide-world-importers"


def test_long_names_are_cut_at_a_syllable():
    slug = slug_base("上海" * 40)
    assert len(slug) <= 60
    assert not slug.endswith("-")
    assert slug.endswith("hai")


def test_names_with_nothing_to_spell_get_a_short_stable_id(db):
    one = organization_create(kind=Kind.CUSTOMER, name="Москва")
    two = organization_create(kind=Kind.CUSTOMER, name="Москва")
    assert re.fullmatch(r"o-[0-9a-f]{6}", one.slug)
    assert one.slug != two.slug
    assert "org" not in (one.slug, two.slug)
