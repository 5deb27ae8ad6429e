"""The source document's flows in 简体中文, found by the labels its zh-CN edition names:
请求建立合作关系 → 接受; 添加新客户 → 设置信息; 客户 → 筛选 → 添加订阅 → 指定支持联系人."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.fixture
def chinese_page(browser, live_server):
    """A Chinese browser (Accept-Language: zh-CN); each first sign-in saves 简体中文."""
    context = browser.new_context(locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page, live_server, email, password):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.get_by_label("电子邮件").fill(email)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def dashboard_menu(page, entry):
    page.get_by_role("button", name="仪表板").click()
    page.get_by_role("navigation", name="仪表板").get_by_role("link", name=entry).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(entry)


def test_request_a_partnership_then_accept(live_server, chinese_page, demo):
    from apps.partnerships.models import PartnershipInvitation
    from apps.partnerships.tokens import invitation_link

    sign_in(chinese_page, live_server, "provider@contoso.test", demo)
    dashboard_menu(chinese_page, "间接经销商")
    chinese_page.get_by_role("link", name="请求建立合作关系").click()
    dialog = chinese_page.get_by_role("dialog")
    dialog.get_by_label("经销商的电子邮件").fill("reseller@fabrikam.test")
    dialog.get_by_role("button", name="下一步：电子邮件草稿").click()
    # The draft is in the language the mail goes out in: the provider's, for a new address.
    expect(dialog.get_by_label("邮件内容")).to_have_value(re.compile("希望与你建立合作关系"))
    expect(dialog.get_by_role("link", name="在电子邮件中打开")).to_be_visible()
    dialog.get_by_role("button", name="复制到剪贴板").click()
    expect(dialog.get_by_role("button", name="已复制")).to_be_visible()
    dialog.get_by_role("button", name="发送").click()
    expect(dialog.get_by_text("合作关系请求正在发送给 reseller@fabrikam.test")).to_be_visible()
    dialog.get_by_role("link", name="完成").click()

    invitation = PartnershipInvitation.objects.get(email="reseller@fabrikam.test")
    sign_in(chinese_page, live_server, "reseller@fabrikam.test", demo)
    chinese_page.goto(live_server.url + invitation_link(invitation).split("127.0.0.1:8000", 1)[1])
    expect(chinese_page.get_by_role("heading", level=1)).to_have_text(
        "Contoso Distribution 邀请你成为其间接经销商")
    chinese_page.get_by_role("button", name="接受").click()
    expect(chinese_page.get_by_role("heading", level=1)).to_have_text("提供商")
    expect(chinese_page.get_by_text("Fabrikam Solutions 和 Contoso Distribution 现在是合作伙伴。")
           ).to_be_visible()


def test_add_new_customer_to_setup_info_then_add_subscription_and_support_contact(
        live_server, chinese_page, demo):
    sign_in(chinese_page, live_server, "provider@contoso.test", demo)
    dashboard_menu(chinese_page, "间接经销商")
    chinese_page.get_by_role("link", name="添加新客户 为 Northwind Traders").click()
    expect(chinese_page.get_by_role("heading", level=1)).to_have_text("新建客户")
    chinese_page.get_by_label("公司名称").fill("北京云科技有限公司")
    chinese_page.get_by_label("域前缀").fill("beijingcloud")
    chinese_page.get_by_label("联系人名字").fill("伟")
    chinese_page.get_by_label("联系人姓氏").fill("王")
    chinese_page.get_by_label("联系人电子邮件").fill("wang@beijingcloud.example")
    chinese_page.get_by_label("国家/地区").select_option("CN")
    chinese_page.get_by_label("城市").fill("北京")
    chinese_page.get_by_label("街道地址").fill("朝阳区建国路 1 号")
    expect(chinese_page.get_by_role("combobox", name="语言")).to_have_value("zh-hans")
    chinese_page.get_by_role("button", name="下一步：订阅").click()
    expect(chinese_page.get_by_role("heading", level=1)).to_have_text("新订阅")
    box = chinese_page.get_by_label("Microsoft 365 Business Basic", exact=True)
    box.check()
    chinese_page.locator("tr", has=box).get_by_label("许可证").fill("5")
    chinese_page.get_by_role("button", name="下一步：审阅").click()
    expect(chinese_page.get_by_role("heading", level=1)).to_have_text("审阅")
    expect(chinese_page.get_by_role("row", name=re.compile("订单合计"))
           ).to_contain_text("30.00 USD")
    chinese_page.get_by_role("button", name="提交").click()
    expect(chinese_page.get_by_role("heading", level=1)).to_have_text("确认")
    expect(chinese_page.get_by_role("heading", name="设置信息")).to_be_visible()
    chinese_page.get_by_role("link", name="完成").click()

    # 客户 → filter by the reseller → expand the record → 添加订阅.
    expect(chinese_page.get_by_role("heading", level=1)).to_have_text("客户")
    chinese_page.wait_for_load_state("load")  # htmx is set up: the filter reloads the table
    expect(chinese_page.locator("#customers-count")).to_have_text("4 个客户")
    chinese_page.get_by_label("间接经销商").select_option(label="Northwind Traders")
    expect(chinese_page.locator("#customers-count")).to_have_text("3 个客户")
    arrow = chinese_page.get_by_role("button", name="展开 北京云科技有限公司")
    arrow.click()
    details = chinese_page.locator(f"#{arrow.get_attribute('aria-controls')}")
    details.get_by_role("link", name="添加订阅").click()
    expect(chinese_page.get_by_role("heading", level=1)).to_have_text("新订阅")
    box = chinese_page.get_by_label("Microsoft Teams Essentials", exact=True)
    box.check()
    chinese_page.locator("tr", has=box).get_by_label("许可证").fill("3")
    chinese_page.get_by_role("button", name="提交").click()
    expect(chinese_page.get_by_role("heading", level=1)).to_have_text("北京云科技有限公司")
    expect(chinese_page).to_have_url(re.compile(r"/o/contoso/customers/"))
    chinese_page.get_by_role("row", name=re.compile("Microsoft Teams Essentials")).get_by_role(
        "link", name="Microsoft Teams Essentials").click()

    # 指定支持联系人 → the other organization → 提交.
    current = chinese_page.locator("#subscription-support-contact").inner_text().strip()
    other = "Northwind Traders" if current == "Contoso Distribution" else "Contoso Distribution"
    chinese_page.get_by_role("combobox", name="指定支持联系人").select_option(label=other)
    chinese_page.get_by_role("region", name="指定支持联系人").get_by_role(
        "button", name="提交").click()
    expect(chinese_page.get_by_text(f"{other} 现在是指定支持联系人。")).to_be_visible()
