from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("billing/", views.billing, name="list"),
    path("billing/invoices/<uuid:invoice_id>/", views.invoice_detail, name="invoice"),
    path("billing/invoices/<uuid:invoice_id>/pdf/", views.invoice_pdf, name="invoice_pdf"),
    path("billing/invoices/<uuid:invoice_id>/csv/", views.invoice_csv, name="invoice_csv"),
    path("billing/invoices/<uuid:invoice_id>/paid/", views.invoice_paid, name="invoice_paid"),
    path("billing/invoices/<uuid:invoice_id>/credit-note/", views.invoice_credit_note,
         name="invoice_credit_note"),
    path("billing/invoices/<uuid:invoice_id>/send/", views.statement_send,
         name="statement_send"),
    path("billing/reconciliation.csv", views.reconciliation, name="reconciliation"),
    path("billing/price-lists/", views.price_lists, name="price_lists"),
    path("billing/price-lists/<uuid:list_id>/", views.price_list, name="price_list"),
    path("billing/prices/<uuid:rule_id>/delete/", views.price_rule_delete,
         name="price_rule_delete"),
    path("billing/resellers/", views.reseller_terms, name="reseller_terms"),
    path("billing/resellers/<uuid:reseller_id>/", views.reseller_terms_edit,
         name="reseller_terms_edit"),
    path("billing/tax/", views.tax, name="tax"),
]
