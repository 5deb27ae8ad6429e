"""An invoice as PDF (ReportLab, with a bundled CJK font: Chinese names and the Chinese
interface render) and as CSV; the reconciliation CSV of a month's charges."""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from apps.i18n import format_money

FONT = "DroidSansFallback"
FONT_FILE = Path(__file__).resolve().parent / "fonts" / "DroidSansFallbackFull.ttf"


@cache
def _font():
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE)))
    return FONT


def _cell(text):
    """Spreadsheets run cells that start with = + - @ as formulas: neutralise them."""
    text = str(text)
    return "'" + text if text[:1] in ("=", "+", "@") or (
        text[:1] == "-" and not _is_number(text)) else text


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Line:
    """One line of an invoice, a statement or a credit note: its charge (customer, offer,
    subscription, period, licences) at the document's unit price, and its amount (a credit
    note's: what it gives back of the charge, negative)."""

    charge: Any  # a Charge
    unit: Decimal
    amount: Decimal
    credited: bool = False


def invoice_title(invoice):
    if invoice.kind == invoice.Kind.STATEMENT:
        if not invoice.number:
            return _("Statement (draft)")
        return _("Statement %(number)s") % {"number": invoice.display_number}
    if invoice.kind == invoice.Kind.CREDIT_NOTE:
        return _("Credit note %(number)s") % {"number": invoice.display_number}
    return _("Invoice %(number)s") % {"number": invoice.display_number}


def unit_of(invoice, charge):
    return charge.customer_unit if invoice.kind == invoice.Kind.STATEMENT \
        else charge.reseller_unit


def amount_of(invoice, charge):
    return charge.customer_amount if invoice.kind == invoice.Kind.STATEMENT \
        else charge.reseller_amount


def invoice_pdf(invoice, lines):
    font = _font()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                                 topMargin=15 * mm, bottomMargin=15 * mm,
                                 title=invoice_title(invoice), author=invoice.issuer_name)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12)
    heading = ParagraphStyle("heading", fontName=font, fontSize=16, leading=20)
    small = ParagraphStyle("small", fontName=font, fontSize=8, leading=10)

    def money(value):
        return format_money(value, invoice.currency)

    parties = [
        [Paragraph(_("From"), small), Paragraph(_("To"), small)],
        [Paragraph(invoice.issuer_name, body), Paragraph(invoice.recipient_name, body)],
        [Paragraph(" ".join(filter(None, [invoice.issuer_country, invoice.issuer_tax_id])),
                   small),
         Paragraph(" ".join(filter(None, [invoice.recipient_country,
                                          invoice.recipient_tax_id])), small)],
    ]
    facts = _("Month: %(month)s · Issued: %(issued)s · Due: %(due)s") % {
        "month": date_format(invoice.month, "YEAR_MONTH_FORMAT"),
        "issued": date_format(invoice.issued_on, "SHORT_DATE_FORMAT"),
        "due": date_format(invoice.due_on, "SHORT_DATE_FORMAT")}
    rows = [[_("Customer"), _("Offer"), _("Period"), _("Licenses"), _("Unit price"),
             _("Amount")]]
    for line in lines:
        charge = line.charge
        rows.append([
            Paragraph(charge.customer.name, small), Paragraph(charge.offer.name, small),
            Paragraph(f"{charge.period_start:%Y-%m-%d} .. {charge.period_end:%Y-%m-%d} "
                      f"({charge.days}/{charge.period_days})", small),
            str(charge.quantity), money(line.unit), money(line.amount)])
    lines = Table(rows, colWidths=[40 * mm, 38 * mm, 42 * mm, 15 * mm, 22 * mm, 23 * mm],
                  repeatRows=1)
    lines.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
        ("ALIGN", (3, 0), (-1, -1), "RIGHT"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    tax_label = (_("Reverse charge: VAT to be accounted for by the recipient")
                 if invoice.reverse_charge
                 else _("Tax %(rate)s%%") % {"rate": invoice.tax_rate})
    totals = Table([[_("Subtotal"), money(invoice.subtotal)], [tax_label, money(invoice.tax)],
                    [_("Total"), money(invoice.total)]], colWidths=[120 * mm, 60 * mm])
    totals.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("LINEABOVE", (0, -1), (-1, -1), 0.5,
                                             colors.black)]))
    story = [Paragraph(invoice_title(invoice), heading), Spacer(1, 4 * mm),
             Table(parties, colWidths=[90 * mm, 90 * mm]), Spacer(1, 3 * mm),
             Paragraph(facts, body), Spacer(1, 5 * mm), lines, Spacer(1, 5 * mm), totals]
    document.build(story)
    return buffer.getvalue()


INVOICE_CSV_HEADER = ["invoice_number", "month", "issuer", "recipient", "customer",
                      "subscription_id", "offer_code", "offer", "kind", "licenses",
                      "period_start", "period_end", "days", "period_days", "unit_price",
                      "amount", "currency"]


def invoice_csv(invoice, lines):
    out = io.StringIO()
    out.write("\ufeff")  # Excel on Windows then reads UTF-8 (Chinese names) correctly.
    writer = csv.writer(out)
    writer.writerow(INVOICE_CSV_HEADER)
    for line in lines:
        charge = line.charge
        writer.writerow([
            invoice.display_number if invoice.number else "", f"{invoice.month:%Y-%m}",
            _cell(invoice.issuer_name), _cell(invoice.recipient_name),
            _cell(charge.customer.name), charge.subscription_id, charge.offer.code,
            _cell(charge.offer.name), "credit_note" if line.credited else charge.kind,
            charge.quantity, charge.period_start.isoformat(), charge.period_end.isoformat(),
            charge.days, charge.period_days, f"{line.unit:.2f}", f"{line.amount:.2f}",
            charge.currency])
    writer.writerow([])
    writer.writerow(["subtotal", f"{invoice.subtotal:.2f}", invoice.currency])
    writer.writerow(["tax", f"{invoice.tax:.2f}", f"{invoice.tax_rate}%",
                     "reverse_charge" if invoice.reverse_charge else ""])
    writer.writerow(["total", f"{invoice.total:.2f}", invoice.currency])
    return out.getvalue()


RECONCILIATION_HEADER = ["customer", "subscription_id", "offer_code", "offer", "kind",
                         "licenses", "period_start", "period_end", "days", "unit_price",
                         "margin", "amount", "currency", "reseller_of_record",
                         "invoice_number"]


def reconciliation_rows(charges, *, as_provider):
    """One row per charge. The provider sees what it bills (the reseller's price; a direct
    customer's) and its margin over cost; a reseller what it pays and its margin on what
    its customer pays."""
    for charge in charges:
        if as_provider:
            unit, amount = charge.reseller_unit, charge.reseller_amount
            margin = charge.reseller_amount - charge.cost_amount
        else:
            unit, amount = charge.reseller_unit, charge.reseller_amount
            margin = charge.customer_amount - charge.reseller_amount
        invoice = charge.invoice
        yield [_cell(charge.customer.name), charge.subscription_id, charge.offer.code,
               _cell(charge.offer.name), charge.kind, charge.quantity,
               charge.period_start.isoformat(), charge.period_end.isoformat(), charge.days,
               f"{unit:.2f}", f"{margin:.2f}", f"{amount:.2f}", charge.currency,
               _cell(charge.reseller.name) if charge.reseller else "",
               invoice.display_number if invoice is not None else ""]


def credit_rows(lines, *, as_provider):
    """Reconciliation rows of credit-note lines (kind `credit_note`): the amount given back
    (negative) against the charge's licences and unit price. The provider's margin shrinks
    by it; the reseller's, which pays less for what its customer pays, grows by it."""
    for line in lines:
        charge = line.charge
        note = line.credit_note
        yield [_cell(charge.customer.name), charge.subscription_id, charge.offer.code,
               _cell(charge.offer.name), "credit_note", charge.quantity,
               charge.period_start.isoformat(), charge.period_end.isoformat(), charge.days,
               f"{charge.reseller_unit:.2f}",
               f"{-line.amount if as_provider else line.amount:.2f}", f"{-line.amount:.2f}",
               charge.currency, _cell(charge.reseller.name) if charge.reseller else "",
               note.display_number]
