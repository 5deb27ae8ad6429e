"""/api/v1/: the OpenAPI document, its docs page, and the resources (views.py)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from . import (
    views,
    views_billing,
    views_more,
    views_partners,
    views_setup,
    views_subscriptions,
    views_support,
)

app_name = "api"

_SUBSCRIPTION = "customers/<uuid:customer_id>/subscriptions/<uuid:subscription_id>/"

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
    # Partners and partnership requests (provider).
    path("partners/", views_partners.PartnerList.as_view(), name="partners"),
    path("partners/<uuid:partnership_id>/end/", views_partners.PartnerEnd.as_view(),
         name="partner_end"),
    path("partnership-invitations/", views_partners.InvitationList.as_view(),
         name="invitations"),
    path("partnership-invitations/<uuid:invitation_id>/resend/",
         views_partners.InvitationResend.as_view(), name="invitation_resend"),
    path("partnership-invitations/<uuid:invitation_id>/revoke/",
         views_partners.InvitationRevoke.as_view(), name="invitation_revoke"),
    # A customer's subscriptions (provider, delegated reseller).
    path("customers/<uuid:customer_id>/subscriptions/",
         views_subscriptions.SubscriptionList.as_view(), name="subscriptions"),
    path(_SUBSCRIPTION, views_subscriptions.SubscriptionDetail.as_view(), name="subscription"),
    *[path(f"{_SUBSCRIPTION}{change.replace('_', '-')}/", view.as_view(),
           name=f"subscription_{change}")
      for change, view in views_subscriptions.CHANGE_VIEWS.items()],
    # The new customer admin's temporary password, once.
    path("orders/<uuid:order_id>/setup-info/reveal/", views_setup.SetupInfoReveal.as_view(),
         name="order_setup_info_reveal"),
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
    # Billing: invoices (credit notes, statements) and charges.
    path("invoices/", views_billing.InvoiceList.as_view(), name="invoices"),
    path("invoices/<uuid:invoice_id>/", views_billing.InvoiceDetail.as_view(), name="invoice"),
    path("invoices/<uuid:invoice_id>/pdf/", views_billing.InvoicePdf.as_view(),
         name="invoice_pdf"),
    path("invoices/<uuid:invoice_id>/csv/", views_billing.InvoiceCsv.as_view(),
         name="invoice_csv"),
    path("invoices/<uuid:invoice_id>/mark-paid/", views_billing.InvoiceMarkPaid.as_view(),
         name="invoice_mark_paid"),
    path("charges/", views_billing.ChargeList.as_view(), name="charges"),
    # Any other path under /api/v1/ (a malformed id too): a problem 404, not the HTML page.
    re_path(r"^", views.not_found, name="not_found"),
]
