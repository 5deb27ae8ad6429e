"""Bare Django views over the same rows as the product's list pages: the yardstick of the
HTTP benchmark (benchmarks/run.py). Never routed in the product: only benchmarks/urls.py
(the bench's URLconf, served by the bench's gunicorn) maps them, under /bench-ref/.

Each is what a list page costs at the least in Django: the session and user lookups,
`login_required`, the workspace check, a count and the page's rows in plain SQL through a
cursor (the same ORDER BY as the product's selector, so the same rows in the same order),
and a plain template. benchmarks/wsgi.py serves them behind Django's standard middleware
only. Each row carries `data-id` and `data-name`, which run.py looks for, in order, in
the product's page.
"""

from __future__ import annotations

import math
import uuid
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpResponse
from django.template import Context, Engine
from django.views.decorators.http import require_GET

_ENGINE = Engine(dirs=[str(Path(__file__).resolve().parent / "templates")],
                 loaders=[("django.template.loaders.cached.Loader",
                           ["django.template.loaders.filesystem.Loader"])])

# The product's page sizes.
PER_PAGE = {"customers": 25, "resellers": 25, "orders": 25, "support": 25, "audit": 50,
            "incentives": 50, "providers": 25, "directory": 24}

_collation: dict[str, bool] = {}


def _name_order(column: str) -> str:
    """The product's name order (apps.i18n.name_order): pinyin where the database has it."""
    if connection.vendor != "postgresql":
        return column
    key = str(connection.settings_dict["NAME"])
    if key not in _collation:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'zh_pinyin'")
            _collation[key] = cursor.fetchone() is not None
    return f'{column} COLLATE "zh_pinyin"' if _collation[key] else column


_columns: dict[tuple[str, str], set[str]] = {}


def _has_column(table: str, column: str) -> bool:
    """Whether the schema has a denormalized column yet (the customer's `name`, the
    subscription's `provider_id`): the reference then reads it, as the product does, so
    both use the same indexes."""
    key = (str(connection.settings_dict["NAME"]), table)
    if key not in _columns:
        with connection.cursor() as cursor:
            _columns[key] = {c.name for c in
                             connection.introspection.get_table_description(cursor, table)}
    return column in _columns[key]


def _customer_name() -> str:
    """The customer's name: its own column once the schema has it, else its organization's."""
    return "c.name" if _has_column("customers_customer", "name") else "o.name"


def _id(value):
    """An id as the database compares it (SQLite keeps UUIDs as 32 hex digits)."""
    parsed = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    return parsed.hex if connection.vendor == "sqlite" else parsed


def _id_text(value):
    """An id as the product's URLs show it (SQLite returns 32 hex digits)."""
    try:
        return str(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
    except ValueError:
        return str(value)


def _fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _workspace(request, slug, kind):
    """The organization's id when the signed-in user is a member of it, else 404."""
    rows = _fetch("SELECT o.id FROM organizations_organization o "
                  "JOIN organizations_membership m ON m.organization_id = o.id "
                  "WHERE o.slug = %s AND o.kind = %s AND o.is_active AND m.user_id = %s",
                  [slug, kind, request.user.pk])
    if not rows:
        raise Http404
    return rows[0][0]


def _page_number(request, count, per_page):
    """As the product's Paginator.get_page: junk gives the first page, past the end the last."""
    num_pages = max(1, math.ceil(count / per_page))
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    return min(max(number, 1), num_pages), num_pages


def _render(title, headers, rows, *, count, number, num_pages):
    """rows: (id, name, *cells)."""
    html = _ENGINE.get_template("bench_reference.html").render(Context({
        "title": title, "headers": headers, "count": count, "number": number,
        "num_pages": num_pages,
        "rows": [{"id": _id_text(row[0]), "name": row[1], "cells": row[1:]} for row in rows],
    }))
    return HttpResponse(html)


def _list(request, *, title, headers, count_sql, rows_sql, params, per_page,
          count_params=None):
    count = _fetch(count_sql, params if count_params is None else count_params)[0][0]
    number, num_pages = _page_number(request, count, per_page)
    rows = _fetch(f"{rows_sql} LIMIT %s OFFSET %s", [*params, per_page, (number - 1) * per_page])
    return _render(title, headers, rows, count=count, number=number, num_pages=num_pages)


_OPEN_SUBSCRIPTIONS = ("(SELECT count(*) FROM subscriptions_subscription s "
                       "WHERE s.customer_id = c.organization_id "
                       "AND s.status IN ('active', 'suspended'))")
_ACTIVE_LICENSES = ("(SELECT coalesce(sum(s.quantity), 0) FROM subscriptions_subscription s "
                    "WHERE s.customer_id = c.organization_id AND s.status = 'active')")


@require_GET
@login_required
def customers(request, org_slug):
    """The provider's Customers page, optionally filtered by `?reseller=<id>`."""
    provider = _workspace(request, org_slug, "provider")
    where, params = "c.provider_id = %s", [provider]
    if request.GET.get("reseller"):
        try:
            params.append(_id(request.GET["reseller"]))
        except ValueError:
            raise Http404 from None
        where += " AND c.reseller_id = %s"
    return _list(
        request, title="Customers", per_page=PER_PAGE["customers"], params=params,
        headers=["Company", "Domain", "Indirect reseller", "Subscriptions", "Licenses",
                 "Created"],
        count_sql=f"SELECT count(*) FROM customers_customer c WHERE {where}",
        rows_sql=f"SELECT c.organization_id, o.name, c.domain_prefix, r.name, "
                 f"{_OPEN_SUBSCRIPTIONS}, {_ACTIVE_LICENSES}, c.created_at "
                 f"FROM customers_customer c "
                 f"JOIN organizations_organization o ON o.id = c.organization_id "
                 f"LEFT JOIN organizations_organization r ON r.id = c.reseller_id "
                 f"WHERE {where} ORDER BY {_name_order(_customer_name())}, c.organization_id")


@require_GET
@login_required
def reseller_customers(request, org_slug):
    """A reseller's Customers page: the active customers delegated to it."""
    reseller = _workspace(request, org_slug, "reseller")
    where = "c.reseller_id = %s AND c.status = 'active'"
    return _list(
        request, title="Customers", per_page=PER_PAGE["customers"], params=[reseller],
        headers=["Company", "Domain", "Provider", "Subscriptions", "Licenses", "Created"],
        count_sql=f"SELECT count(*) FROM customers_customer c WHERE {where}",
        rows_sql=f"SELECT c.organization_id, o.name, c.domain_prefix, p.name, "
                 f"{_OPEN_SUBSCRIPTIONS}, {_ACTIVE_LICENSES}, c.created_at "
                 f"FROM customers_customer c "
                 f"JOIN organizations_organization o ON o.id = c.organization_id "
                 f"JOIN organizations_organization p ON p.id = c.provider_id "
                 f"WHERE {where} ORDER BY {_name_order(_customer_name())}, c.organization_id")


@require_GET
@login_required
def resellers(request, org_slug):
    """Indirect resellers: the provider's active partnerships with their customer counts,
    then the credited subscriptions of the page's resellers in one grouped query."""
    provider = _workspace(request, org_slug, "provider")
    where = "p.provider_id = %s AND p.status = 'active'"
    per_page = PER_PAGE["resellers"]
    count = _fetch(f"SELECT count(*) FROM resellers_partnership p WHERE {where}",
                   [provider])[0][0]
    number, num_pages = _page_number(request, count, per_page)
    rows = _fetch(f"SELECT p.id, o.name, x.partner_id, o.country, p.accepted_at, "
                  f"(SELECT count(*) FROM customers_customer c "
                  f" WHERE c.provider_id = p.provider_id AND c.reseller_id = p.reseller_id), "
                  f"p.reseller_id FROM resellers_partnership p "
                  f"JOIN organizations_organization o ON o.id = p.reseller_id "
                  f"LEFT JOIN resellers_reseller x ON x.organization_id = p.reseller_id "
                  f"WHERE {where} ORDER BY {_name_order('o.name')}, p.id LIMIT %s OFFSET %s",
                  [provider, per_page, (number - 1) * per_page])
    if _has_column("subscriptions_subscription", "provider_id"):
        credited_sql = ("SELECT s.reseller_of_record_id, count(*) "
                        "FROM subscriptions_subscription s WHERE s.provider_id = %s ")
    else:
        credited_sql = ("SELECT s.reseller_of_record_id, count(*) "
                        "FROM subscriptions_subscription s "
                        "JOIN customers_customer c ON c.organization_id = s.customer_id "
                        "WHERE c.provider_id = %s ")
    reseller_ids = [row[-1] for row in rows]
    marks = ", ".join(["%s"] * len(reseller_ids)) or "NULL"
    credited = dict(_fetch(f"{credited_sql} AND s.reseller_of_record_id IN ({marks}) "
                           "GROUP BY s.reseller_of_record_id", [provider, *reseller_ids]))
    return _render("Indirect resellers",
                   ["Name", "Partner ID", "Country", "Partnership since", "Customers",
                    "Subscriptions (reseller of record)"],
                   [(*row[:-1], credited.get(row[-1], 0)) for row in rows],
                   count=count, number=number, num_pages=num_pages)


@require_GET
@login_required
def orders(request, org_slug):
    provider = _workspace(request, org_slug, "provider")
    return _list(
        request, title="Orders", per_page=PER_PAGE["orders"], params=[provider],
        headers=["Customer", "Indirect reseller", "Kind", "Status", "Lines", "Submitted"],
        count_sql="SELECT count(*) FROM orders_order d WHERE d.provider_id = %s",
        rows_sql="SELECT d.id, o.name, r.name, d.kind, d.status, "
                 "(SELECT count(*) FROM orders_orderline l WHERE l.order_id = d.id), "
                 "d.submitted_at FROM orders_order d "
                 "JOIN organizations_organization o ON o.id = d.customer_id "
                 "LEFT JOIN organizations_organization r ON r.id = d.reseller_id "
                 "WHERE d.provider_id = %s ORDER BY d.submitted_at DESC, d.id")


@require_GET
@login_required
def support(request, org_slug):
    """The Support queue of the provider: the requests it handles, newest update first."""
    provider = _workspace(request, org_slug, "provider")
    return _list(
        request, title="Support", per_page=PER_PAGE["support"], params=[provider],
        headers=["Title", "Customer", "Severity", "Status", "Last update"],
        count_sql="SELECT count(*) FROM support_supportrequest t WHERE t.handled_by_id = %s",
        rows_sql="SELECT t.id, t.title, o.name, t.severity, t.status, t.updated_at "
                 "FROM support_supportrequest t "
                 "JOIN organizations_organization o ON o.id = t.customer_id "
                 "WHERE t.handled_by_id = %s ORDER BY t.updated_at DESC")


@require_GET
@login_required
def audit(request, org_slug):
    provider = _workspace(request, org_slug, "provider")
    return _list(
        request, title="Audit log", per_page=PER_PAGE["audit"], params=[provider],
        headers=["Target", "When", "Who", "Action"],
        count_sql="SELECT count(*) FROM audit_auditevent e WHERE e.organization_id = %s",
        rows_sql="SELECT e.id, e.target_repr, e.at, e.actor_email, e.action "
                 "FROM audit_auditevent e WHERE e.organization_id = %s ORDER BY e.at DESC")


@require_GET
@login_required
def incentives(request, org_slug):
    """The reseller's Incentives: subscriptions it is reseller of record for, with totals."""
    reseller = _workspace(request, org_slug, "reseller")
    count, licenses = _fetch("SELECT count(*), coalesce(sum(s.quantity), 0) "
                             "FROM subscriptions_subscription s "
                             "WHERE s.reseller_of_record_id = %s", [reseller])[0]
    number, num_pages = _page_number(request, count, PER_PAGE["incentives"])
    # The customer's name: the subscription's own copy once the schema has it (the
    # product's index then gives the order), else its organization's.
    order = ("s.customer_name" if _has_column("subscriptions_subscription", "customer_name")
             else "o.name")
    rows = _fetch("SELECT s.id, o.name, p.name, f.name, s.quantity, f.unit_price, f.currency, "
                  "s.quantity * f.unit_price, s.term_start, s.term_end "
                  "FROM subscriptions_subscription s "
                  "JOIN customers_customer c ON c.organization_id = s.customer_id "
                  "JOIN organizations_organization o ON o.id = c.organization_id "
                  "JOIN organizations_organization p ON p.id = c.provider_id "
                  "JOIN catalog_offer f ON f.id = s.offer_id "
                  f"WHERE s.reseller_of_record_id = %s ORDER BY {order}, f.name, s.id "
                  "LIMIT %s OFFSET %s",
                  [reseller, PER_PAGE["incentives"], (number - 1) * PER_PAGE["incentives"]])
    return _render(f"Incentives ({licenses} licenses)",
                   ["Customer", "Provider", "Offer", "Licenses", "Unit price", "Currency",
                    "Monthly value", "Term start", "Term end"],
                   rows, count=count, number=number, num_pages=num_pages)


@require_GET
@login_required
def providers(request, org_slug):
    """The reseller's Providers: its partnerships, active and ended."""
    reseller = _workspace(request, org_slug, "reseller")
    return _list(
        request, title="Providers", per_page=PER_PAGE["providers"], params=[reseller],
        headers=["Provider", "Status", "Partnership since", "Ended"],
        count_sql="SELECT count(*) FROM resellers_partnership p WHERE p.reseller_id = %s",
        rows_sql="SELECT p.id, o.name, p.status, p.accepted_at, p.ended_at "
                 "FROM resellers_partnership p "
                 "JOIN organizations_organization o ON o.id = p.provider_id "
                 "WHERE p.reseller_id = %s ORDER BY p.status, o.name, p.accepted_at DESC")


_LISTINGS = ("FROM providers_providerlisting l "
             "JOIN providers_provider v ON v.organization_id = l.provider_id "
             "JOIN organizations_organization o ON o.id = v.organization_id "
             "WHERE v.directory_published_at IS NOT NULL AND o.is_active "
             "AND v.directory_name <> ''")


@require_GET
def directory(request):
    """The public directory of providers: one row per published location (no sign-in)."""
    return _list(
        request, title="Directory", per_page=PER_PAGE["directory"], params=[],
        headers=["Provider", "Country", "Website"],
        count_sql=f"SELECT count(*) {_LISTINGS}",
        rows_sql=f"SELECT l.id, v.directory_name, l.country, l.target_url {_LISTINGS} "
                 f"ORDER BY lower(v.directory_name), l.provider_id, l.country")
