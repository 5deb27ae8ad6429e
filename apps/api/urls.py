"""/api/v1/: the OpenAPI document, its docs page, and the resources (views.py)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from . import views, views_more, views_support

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularJSONAPIView.as_view(authentication_classes=[],
                                               permission_classes=[], throttle_classes=[]),
         name="schema"),
    # The split view serves its start script from this URL (?script=): no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema",
                                                 template_name="api/swagger_ui.html",
                                                 authentication_classes=[],
                                                 permission_classes=[], throttle_classes=[]),
         name="docs"),
    path("offers/", views.OfferList.as_view(), name="offers"),
    path("customers/", views.CustomerList.as_view(), name="customers"),
    path("customers/<uuid:customer_id>/", views.CustomerDetail.as_view(), name="customer"),
    path("orders/", views.OrderList.as_view(), name="orders"),
    path("orders/<uuid:order_id>/", views.OrderDetail.as_view(), name="order"),
    path("support-requests/", views_support.SupportRequestList.as_view(),
         name="support_requests"),
    path("support-requests/<uuid:request_id>/", views_support.SupportRequestDetail.as_view(),
         name="support_request"),
    path("support-requests/<uuid:request_id>/replies/", views_support.SupportReply.as_view(),
         name="support_request_reply"),
    path("support-requests/<uuid:request_id>/status/", views_support.SupportStatus.as_view(),
         name="support_request_status"),
    path("audit-events/", views_more.AuditEventList.as_view(), name="audit_events"),
    path("providers/", views_more.ProviderList.as_view(), name="providers"),
    path("incentives/", views_more.IncentiveList.as_view(), name="incentives"),
    # Any other path under /api/v1/ (a malformed id too): a problem 404, not the HTML page.
    re_path(r"^", views.not_found, name="not_found"),
]
