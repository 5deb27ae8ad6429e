"""A customer's Users pages: in the customer's own workspace (users/…) and among the
customer's pages of its provider and delegated reseller (customers/<id>/users/…)."""

from django.urls import path

from . import user_views as views

app_name = "users"

_ONE = "<uuid:membership_id>/"
_THEIRS = "customers/<uuid:customer_id>/users/"

urlpatterns = [
    path("users/", views.users, name="list"),
    path("users/new/", views.user_new, name="new"),
    path(f"users/{_ONE}reset-password/", views.user_reset_password, name="reset_password"),
    path(f"users/{_ONE}disable/", views.user_disable, name="disable"),
    path(f"users/{_ONE}enable/", views.user_enable, name="enable"),
    path("users/setup-info/<uuid:handover_id>/", views.setup_info, name="setup_info"),
    path(_THEIRS, views.customer_users, name="customer_list"),
    path(f"{_THEIRS}new/", views.customer_user_new, name="customer_new"),
    path(f"{_THEIRS}{_ONE}reset-password/", views.customer_user_reset_password_view,
         name="customer_reset_password"),
    path(f"{_THEIRS}{_ONE}disable/", views.customer_user_disable_view, name="customer_disable"),
    path(f"{_THEIRS}{_ONE}enable/", views.customer_user_enable_view, name="customer_enable"),
    path(f"{_THEIRS}setup-info/<uuid:handover_id>/", views.customer_setup_info,
         name="customer_setup_info"),
]
