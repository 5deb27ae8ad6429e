"""The subscription pages under /customers/... (and the customer workspace's Subscriptions
list): the customers app's pages, under the `subscriptions` namespace their links use."""

from django.urls import path

from . import subscription_views as views

app_name = "subscriptions"

_ONE = "customers/<uuid:customer_id>/subscriptions/<uuid:subscription_id>/"

urlpatterns = [
    path("subscriptions/", views.subscriptions, name="list"),
    path(_ONE, views.subscription_detail, name="detail"),
    path(f"{_ONE}support-contact/", views.support_contact, name="support_contact"),
    path(f"{_ONE}reseller-of-record/", views.reseller_of_record, name="reseller_of_record"),
    path(f"{_ONE}licenses/", views.licenses, name="licenses"),
    path(f"{_ONE}upgrade/", views.upgrade, name="upgrade"),
    path(f"{_ONE}suspend/", views.suspend, name="suspend"),
    path(f"{_ONE}reactivate/", views.reactivate, name="reactivate"),
    path(f"{_ONE}auto-renew/", views.auto_renew, name="auto_renew"),
    path(f"{_ONE}cancel/", views.cancel, name="cancel"),
]
