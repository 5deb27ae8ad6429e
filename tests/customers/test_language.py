"""The customer's Language: the portal's languages, shown by name, given to its admin."""

import re

from django.contrib.auth import get_user_model

from apps.orders.models import Order
from tests.customers.conftest import admin_of


def test_language_offers_the_portals_languages_by_their_own_names(wizard):
    wizard.start()
    html = wizard.client.get(wizard.url("details")).content.decode()
    select = html.split('name="details-language"', 1)[1].split("</select>", 1)[0]
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    assert options == [("en", "English"), ("zh-hans", "简体中文")]
    assert 'value="en" selected' in select  # the page's language comes first


def test_a_chinese_customer_and_its_admin_speak_chinese(wizard, offers,
                                                       django_capture_on_commit_callbacks):
    wizard.start()
    wizard.details(language="zh-hans")
    review = wizard.client.get(wizard.url("review"))
    assert review.status_code == 302 or "简体中文" in review.content.decode()
    wizard.subscriptions({offers["basic"]: 5})
    assert "简体中文" in wizard.client.get(wizard.url("review")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        wizard.submit()
    customer = Order.objects.get().customer
    assert customer.language == "zh-hans"
    admin = get_user_model().objects.get(email=admin_of(customer.domain_prefix))
    assert admin.language == "zh-hans"
    html = wizard.client.get(f"/o/contoso/customers/{customer.pk}/").content.decode()
    assert '<dd class="col-sm-9" lang="zh-Hans">简体中文</dd>' in html
    assert ">zh-hans<" not in html
