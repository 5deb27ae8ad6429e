"""Keeping the daily figures: one order at a time (the outbox task) or all at once
(`manage.py rebuild_analytics`), both from the same SQL, so they cannot disagree.

The figures are set-based SQL over the lines `apps.orders.selectors.order_line_facts`
returns (the orders that took effect): one INSERT … SELECT for a rebuild, an upsert that
adds to the existing rows for one order. `AppliedOrder` remembers which orders are counted:
a task delivered twice, or an order counted by a rebuild meanwhile, adds nothing.

The SQL is assembled from this module's constants (table and column names) and the
selector's compiled query; every value is a parameter (hence the S608 noqa marks).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.utils import timezone

from apps.orders.selectors import order_line_facts
from apps.outbox.services import enqueue

from . import tasks
from .models import (
    FLOWS,
    AppliedOrder,
    DailyRollup,
    ProviderDay,
    ResellerDay,
    ResellerMonth,
    RollupMove,
    RunningTotal,
)

ROLLUP = DailyRollup._meta.db_table
TOTAL = RunningTotal._meta.db_table
APPLIED = AppliedOrder._meta.db_table
MONTH = ResellerMonth._meta.db_table
MOVES = RollupMove._meta.db_table
ALL_ROLLUPS = f"SELECT * FROM {ROLLUP}"  # noqa: S608  (a table name of ours)
PROVIDER_DAY = ProviderDay._meta.db_table
RESELLER_DAY = ResellerDay._meta.db_table
RESELLER_DAY_FLOWS = ("new_subscriptions", "licences_sold", "cancelled")
SUMMARIES = f"{APPLIED}, {ROLLUP}, {TOTAL}, {MONTH}, {PROVIDER_DAY}, {RESELLER_DAY}"
MONTH_FLOWS = ("new_subscriptions", "licences_sold", "cancelled", "suspended")
DAY_FLOWS = ("new_subscriptions", "cancelled", "suspended")
KEY = ("provider_id", "reseller_id", "offer_id")

# What each line adds to its (provider, reseller of record, offer, day): the actions of
# apps.orders (OrderLine.Action), and those of the term engine ("renewal", "expire").
# Live subscriptions are the open ones (active or suspended): a suspension keeps them.
_FLOW_SQL = {
    "new_subscriptions": "CASE WHEN action = 'purchase' THEN 1 ELSE 0 END",
    "licences_sold": "CASE WHEN action = 'purchase' THEN quantity"
                     " WHEN action = 'add_licenses' THEN quantity - COALESCE(previous_quantity, 0)"
                     " ELSE 0 END",
    "licences_added": "CASE WHEN action = 'add_licenses'"
                      " THEN quantity - COALESCE(previous_quantity, 0) ELSE 0 END",
    "licences_removed": "CASE WHEN action = 'remove_licenses'"
                        " THEN COALESCE(previous_quantity, quantity) - quantity ELSE 0 END",
    "upgraded": "CASE WHEN action = 'upgrade' THEN 1 ELSE 0 END",
    "suspended": "CASE WHEN action = 'suspend' THEN 1 ELSE 0 END",
    "reactivated": "CASE WHEN action = 'reactivate' THEN 1 ELSE 0 END",
    "cancelled": "CASE WHEN action = 'cancel' THEN 1 ELSE 0 END",
    "renewed": "CASE WHEN action = 'renewal' THEN 1 ELSE 0 END",
    "expired": "CASE WHEN action = 'expire' THEN 1 ELSE 0 END",
    # A new customer's order counts the customer once: on its first line.
    "new_customers": "CASE WHEN kind = 'new_customer' AND line_no = 1 THEN 1 ELSE 0 END",
    "subscriptions_net": "CASE WHEN action IN ('purchase', 'upgrade') THEN 1"
                         " WHEN action IN ('cancel', 'expire') THEN -1 ELSE 0 END",
    "licences_net": "CASE WHEN action IN ('purchase', 'upgrade') THEN quantity"
                    " WHEN action IN ('cancel', 'expire') THEN -quantity"
                    " WHEN action IN ('add_licenses', 'remove_licenses', 'renewal')"
                    " THEN quantity - COALESCE(previous_quantity, quantity) ELSE 0 END",
    # Customers the reseller manages: a new one through an order; moves (RollupMove) too.
    "customers_net": "CASE WHEN kind = 'new_customer' AND line_no = 1 THEN 1 ELSE 0 END",
}
# An upgrade also takes the subscription and its licences away from the offer it replaced.
_UPGRADED_AWAY = {"subscriptions_net": "-1",
                  "licences_net": "-COALESCE(previous_quantity, quantity)"}
assert tuple(_FLOW_SQL) == FLOWS


def _day_sql() -> tuple[str, list[Any]]:
    """The local day an order took effect, in the project's time zone."""
    if connection.vendor == "postgresql":
        return "CAST(completed_at AT TIME ZONE %s AS date)", [timezone.get_default_timezone_name()]
    return "date(completed_at)", []


_FACT_COLUMNS = ("order_id, provider_id, reseller_id, offer_id, previous_offer_id, action,"
                 " quantity, previous_quantity, kind, completed_at")


def _facts(order_ids: list[str] | None = None) -> tuple[str, list[Any]]:
    """SELECT provider_id, reseller_id, offer_id, day, <FLOWS…>: the rows to add."""
    inner, inner_params = order_line_facts(order_ids=order_ids).query.sql_with_params()
    day, day_params = _day_sql()
    flows = ", ".join(f"{sql} AS {name}" for name, sql in _FLOW_SQL.items())
    away = ", ".join(f"{_UPGRADED_AWAY.get(name, '0')} AS {name}" for name in FLOWS)
    sums = ", ".join(f"SUM({name}) AS {name}" for name in FLOWS)
    sql = (
        f"WITH f ({_FACT_COLUMNS}) AS (" + inner + "),"  # noqa: S608
        " g AS (SELECT f.*, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY offer_id)"
        " AS line_no FROM f)"
        f" SELECT provider_id, reseller_id, offer_id, day, {sums} FROM ("
        f" SELECT provider_id, reseller_id, offer_id, {day} AS day, {flows} FROM g"
        f" UNION ALL SELECT provider_id, reseller_id, previous_offer_id, {day} AS day, {away}"
        " FROM g WHERE action = 'upgrade' AND previous_offer_id IS NOT NULL"
        ") x GROUP BY provider_id, reseller_id, offer_id, day")
    return sql, [*inner_params, *day_params, *day_params]


def _move_facts(move_id: UUID | str | None = None) -> tuple[str, list[Any]]:
    """SELECT provider_id, reseller_id, offer_id, day, <FLOWS…> of the changes of credit
    (one, or all): what the new reseller gains and the previous one loses, live
    subscriptions, licences and customers only."""
    where, params = ("WHERE id = %s", [str(move_id)]) if move_id is not None else ("", [])
    nets = {"subscriptions_net": "subscriptions", "licences_net": "licences",
            "customers_net": "customers"}
    gains = ", ".join(f"SUM({nets[name]}) AS {name}" if name in nets else f"0 AS {name}"
                      for name in FLOWS)
    sql = (f"SELECT provider_id, reseller_id, offer_id, day, {gains} FROM ("  # noqa: S608
           f" SELECT provider_id, reseller_id, offer_id, day, subscriptions, licences,"
           f" customers FROM {MOVES} {where}"
           f" UNION ALL SELECT provider_id, previous_id, offer_id, day, -subscriptions,"
           f" -licences, -customers FROM {MOVES} {where}"
           ") m GROUP BY provider_id, reseller_id, offer_id, day")
    return sql, params * 2


def _upsert_sql(table: str, key: tuple[str, ...], columns: tuple[str, ...],
                select: str) -> str:
    """INSERT … SELECT that adds to the rows already there (WHERE true: SQLite's parser
    needs it before ON CONFLICT)."""
    names = ", ".join((*key, *columns))
    insert = f"INSERT INTO {table} ({names}) SELECT {names} FROM ({select}) s WHERE true"  # noqa: S608
    if "reseller_id" in key and connection.vendor != "postgresql":
        # SQLite (make run) has no NULLS NOT DISTINCT, hence no unique index on a key with a
        # reseller: a key's rows add up as separate rows there, and every read sums them.
        return insert
    adds = ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in columns)
    return f"{insert} ON CONFLICT ({', '.join(key)}) DO UPDATE SET {adds}"


def _totals_select(source: str) -> str:
    return (f"SELECT provider_id, reseller_id, offer_id, SUM(subscriptions_net) AS subscriptions,"  # noqa: S608
            f" SUM(licences_net) AS licences, SUM(customers_net) AS customers FROM ({source}) t"
            " GROUP BY provider_id, reseller_id, offer_id")


def _month_sql() -> str:
    """The first day of a rollup row's month."""
    if connection.vendor == "postgresql":
        return "CAST(date_trunc('month', day) AS date)"
    return "date(day, 'start of month')"


def _months_select(source: str) -> str:
    sums = ", ".join(f"SUM({c}) AS {c}" for c in MONTH_FLOWS)
    return (f"SELECT provider_id, reseller_id, {_month_sql()} AS month, {sums}"  # noqa: S608
            f" FROM ({source}) t GROUP BY provider_id, reseller_id, {_month_sql()}")


def _provider_days_select(source: str) -> str:
    sums = ", ".join(f"SUM({c}) AS {c}" for c in DAY_FLOWS)
    return (f"SELECT provider_id, day, {sums} FROM ({source}) t"  # noqa: S608
            " GROUP BY provider_id, day")


def _reseller_days_select(source: str) -> str:
    sums = ", ".join(f"SUM({c}) AS {c}" for c in RESELLER_DAY_FLOWS)
    return (f"SELECT provider_id, reseller_id, day, {sums} FROM ({source}) t"  # noqa: S608
            " GROUP BY provider_id, reseller_id, day")


def _upserts(source: str) -> list[str]:
    """Add the rows of `source` (the facts) to the day, total, month and summary tables."""
    return [
        _upsert_sql(ROLLUP, (*KEY, "day"), FLOWS, source),
        _upsert_sql(TOTAL, KEY, ("subscriptions", "licences", "customers"),
                    _totals_select(source)),
        _upsert_sql(MONTH, ("provider_id", "reseller_id", "month"), MONTH_FLOWS,
                    _months_select(source)),
        _upsert_sql(PROVIDER_DAY, ("provider_id", "day"), DAY_FLOWS,
                    _provider_days_select(source)),
        _upsert_sql(RESELLER_DAY, ("provider_id", "reseller_id", "day"), RESELLER_DAY_FLOWS,
                    _reseller_days_select(source)),
    ]


def rollup_enqueue(order_ids: list[str]) -> None:
    """Registered with apps.orders.hooks: orders' lines took effect; the figures count them
    once the transaction commits, through one outbox row for the whole list (a chunk of
    the term engine's renewals is one row, not one per order)."""
    ids = sorted({str(order_id) for order_id in order_ids})
    if len(ids) == 1:
        key = f"order:{ids[0]}:analytics"
    else:
        key = f"orders:{hashlib.sha256(','.join(ids).encode()).hexdigest()}:analytics"
    enqueue(tasks.rollup_orders, key=key, order_ids=ids)


def rollup_apply(*, order_id: UUID | str) -> bool:
    """Add one order to the daily figures and the running totals; False when it was counted
    already (or has not taken effect)."""
    return rollup_apply_many(order_ids=[order_id]) == 1


@transaction.atomic
def rollup_apply_many(*, order_ids: Iterable[UUID | str]) -> int:
    """Add the orders to the daily figures and the running totals; returns how many were
    counted now (those counted already, or not taken effect yet, add nothing)."""
    ids = sorted({str(order_id) for order_id in order_ids})
    if not ids:
        return 0
    inner, inner_params = order_line_facts(order_ids=ids).query.sql_with_params()
    with connection.cursor() as cursor:
        # The orders that took effect and are not counted yet: remembered, and only their
        # lines are added (an order not completed is left to be counted when it is).
        cursor.execute(f"WITH f ({_FACT_COLUMNS}) AS ({inner})"  # noqa: S608
                       f" INSERT INTO {APPLIED} (order_id, applied_at)"
                       " SELECT DISTINCT order_id, %s FROM f WHERE true"
                       " ON CONFLICT (order_id) DO NOTHING RETURNING order_id",
                       [*inner_params, timezone.now()])
        new = [str(row[0]) for row in cursor.fetchall()]
        if not new:
            return 0
        facts, params = _facts(new)
        if connection.vendor == "postgresql":
            # One round trip: the facts once, every table's upsert as a data-modifying CTE.
            writes = ", ".join(f"w{n} AS ({sql} RETURNING 1)"
                               for n, sql in enumerate(_upserts("SELECT * FROM facts")))
            cursor.execute(f"WITH facts AS MATERIALIZED ({facts}), {writes}"  # noqa: S608
                           " SELECT COUNT(*) FROM facts", params)
        else:
            for sql in _upserts(facts):
                cursor.execute(sql, params)
    return len(new)


def rollup_move_enqueue(*, subscription: Any, previous_id: Any) -> None:
    """Registered with apps.subscriptions.hooks: an open subscription's reseller of record
    changed without an order; its subscription and licences change reseller in the
    figures once the transaction commits."""
    _move(provider_id=subscription.provider_id, previous_id=previous_id,
          reseller_id=subscription.reseller_of_record_id, offer_id=subscription.offer_id,
          subject=subscription.pk, subscriptions=1, licences=subscription.quantity)


def rollup_customers_move_enqueue(*, provider_id: Any, customer_ids: list[Any],
                                  previous_id: Any, reseller_id: Any) -> None:
    """Registered with apps.customers.hooks: active customers are managed by another
    reseller (or by none); the customers' counts follow once the transaction commits."""
    for customer_id in customer_ids:
        _move(provider_id=provider_id, previous_id=previous_id, reseller_id=reseller_id,
              offer_id=None, subject=customer_id, customers=1)


def _move(*, provider_id: Any, previous_id: Any, reseller_id: Any, offer_id: Any,
          subject: Any, subscriptions: int = 0, licences: int = 0, customers: int = 0) -> None:
    if previous_id == reseller_id:
        return
    move = RollupMove.objects.create(
        provider_id=provider_id, previous_id=previous_id, reseller_id=reseller_id,
        offer_id=offer_id, subject=subject, day=timezone.localdate(),
        subscriptions=subscriptions, licences=licences, customers=customers)
    enqueue(tasks.rollup_move, key=f"rollup-move:{move.pk}:count", move_id=str(move.pk))


@transaction.atomic
def rollup_move_apply(*, move_id: UUID | str) -> bool:
    """Count one change of credit in the figures; False when it was counted already (a
    task delivered twice, or a rebuild meanwhile)."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {MOVES} SET counted = %s WHERE id = %s AND NOT counted",  # noqa: S608
                       [True, str(move_id)])
        if cursor.rowcount == 0:
            return False
        facts, params = _move_facts(move_id)
        for sql in _upserts(facts):
            cursor.execute(sql, params)
    return True


@transaction.atomic
def rollup_rebuild() -> dict[str, float]:
    """Count every order again from scratch, in set-based statements; the tables are
    locked meanwhile, so an order applied concurrently waits and is then found counted."""
    started = time.monotonic()
    facts, params = _facts()
    inner, inner_params = order_line_facts().query.sql_with_params()
    names = ", ".join((*KEY, "day", *FLOWS))
    moves, moves_params = _move_facts()
    with connection.cursor() as cursor:
        # Every change of credit is counted below: a task still to come counts none again.
        # Claimed before the tables are locked, as a task claims it before writing them.
        cursor.execute(f"UPDATE {MOVES} SET counted = %s WHERE NOT counted", [True])  # noqa: S608
        if connection.vendor == "postgresql":
            # Checks deferred until commit would keep TRUNCATE out: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"LOCK TABLE {SUMMARIES} IN EXCLUSIVE MODE")
            cursor.execute(f"TRUNCATE {SUMMARIES}")
        else:
            for table in (APPLIED, ROLLUP, TOTAL, MONTH, PROVIDER_DAY, RESELLER_DAY):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        # The orders' facts and the changes of credit's, one row per key.
        sums = ", ".join(f"SUM({name})" for name in FLOWS)
        cursor.execute(f"INSERT INTO {ROLLUP} ({names}) SELECT {', '.join(KEY)}, day, {sums}"  # noqa: S608
                       f" FROM ({facts} UNION ALL {moves}) x"
                       f" GROUP BY {', '.join(KEY)}, day", [*params, *moves_params])
        rows = cursor.rowcount
        cursor.execute(f"INSERT INTO {TOTAL} (provider_id, reseller_id, offer_id, subscriptions,"  # noqa: S608
                       f" licences, customers) {_totals_select(f'SELECT * FROM {ROLLUP}')}")  # noqa: S608
        month_names = ", ".join(("provider_id", "reseller_id", "month", *MONTH_FLOWS))
        cursor.execute(f"INSERT INTO {MONTH} ({month_names})"
                       f" {_months_select(ALL_ROLLUPS)}")
        day_names = ", ".join(("provider_id", "day", *DAY_FLOWS))
        cursor.execute(f"INSERT INTO {PROVIDER_DAY} ({day_names})"
                       f" {_provider_days_select(ALL_ROLLUPS)}")
        reseller_day_names = ", ".join(("provider_id", "reseller_id", "day",
                                        *RESELLER_DAY_FLOWS))
        cursor.execute(f"INSERT INTO {RESELLER_DAY} ({reseller_day_names})"
                       f" {_reseller_days_select(ALL_ROLLUPS)}")
        cursor.execute(f"INSERT INTO {APPLIED} (order_id, applied_at)"  # noqa: S608
                       f" SELECT DISTINCT order_id, %s FROM ({inner}) o",
                       [timezone.now(), *inner_params])
        orders = cursor.rowcount
    return {"rows": rows, "orders": orders, "seconds": time.monotonic() - started}


def rollup_vacuum() -> None:
    """VACUUM ANALYZE the rollups after a rebuild (outside a transaction; PostgreSQL only):
    fresh statistics, and a visibility map for index-only scans."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {SUMMARIES}")
