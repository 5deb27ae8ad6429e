"""A queryset of a fixed shape, compiled to SQL once per process and database connection.

Building and compiling a queryset costs the ORM far more than running it: the user's
memberships (with their organizations and resellers) take about 2,000 Python calls to
compile and 500 to fetch, on every request. `Prepared` compiles the queryset that
`build(*args)` makes once, finds where each argument lands among the statement's
parameters, and then only runs the kept SQL with this call's arguments and turns the rows
into model instances as Django's own ModelIterable does (select_related included).

Only for querysets whose arguments each land in exactly one parameter, unchanged (filters
on exact values): anything else, or an argument equal to another parameter, is not kept
and simply runs as the queryset it is.

`execute_prepared` goes one step further on PostgreSQL: the statement is also prepared on
the server, once per connection (PREPARE, then EXECUTE with each call's values), so the
server neither parses nor plans it again. For a list page's rows (two correlated
subqueries and a join) that is 0.8 of 1.5 ms; for the memberships 0.35 of 0.55 ms.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

_M = TypeVar("_M", bound=Model)

MAX_KEPT = 64  # connections per process (one per thread that asks)


class _Compiled:
    def __init__(self, compiler: Any, sql: str, params: list[Any],
                 positions: list[int]) -> None:
        self.compiler = compiler
        self.sql = sql
        self.params = params
        self.positions = positions
        select, klass_info = compiler.select, compiler.klass_info
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [f[0].target.attname for f in select[self.start:self.end]]
        self.annotations = list((compiler.annotation_col_map or {}).items())
        self.populators = get_related_populators(  # type: ignore[call-arg]
            klass_info, select, compiler.using)


class Prepared(Generic[_M]):
    """`Prepared(build)`: `prepared(*args)` is `list(build(*args))`, compiled once per
    connection of the database `using` (the queryset's)."""

    def __init__(self, build: Callable[..., QuerySet[_M]], *, using: str = "default") -> None:
        self.build = build
        self.using = using
        self._kept: dict[int, _Compiled | None] = {}

    def _compile(self, queryset: QuerySet[_M], args: tuple[Any, ...]) -> _Compiled | None:
        if (queryset._known_related_objects  # type: ignore[attr-defined]
                or queryset._prefetch_related_lookups):  # type: ignore[attr-defined]
            return None
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        params = list(params)
        positions = []
        for arg in args:
            found = [i for i, param in enumerate(params) if param == arg]
            if len(found) != 1 or type(params[found[0]]) is not type(arg):
                return None
            positions.append(found[0])
        return _Compiled(compiler, sql, params, positions)

    def __call__(self, *args: Any) -> list[_M]:
        queryset = None
        connection = connections[self.using]
        key = id(connection)
        if key not in self._kept:
            queryset = self.build(*args)
            if queryset.db != connection.alias:
                return list(queryset)
            if len(self._kept) >= MAX_KEPT:
                self._kept.clear()
            self._kept[key] = self._compile(queryset, args)
        compiled = self._kept[key]
        if compiled is None:
            return list(queryset if queryset is not None else self.build(*args))
        params = list(compiled.params)
        for position, arg in zip(compiled.positions, args, strict=True):
            params[position] = arg
        with connection.cursor() as cursor:
            execute_prepared(cursor, compiled.sql, params)
            rows = cursor.fetchall()
        objects = []
        model, init_list, start, end = (compiled.model, compiled.init_list, compiled.start,
                                        compiled.end)
        for row in compiled.compiler.results_iter([rows]):
            obj = model.from_db(self.using, init_list, row[start:end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            for name, position in compiled.annotations:
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects


# ------------------------------------------------------------ prepared on the server

MAX_SERVER_PREPARED = 200  # statements per connection; past it, plain statements
_PLACEHOLDER = re.compile(r"%%|%s")


class _ServerPrepared:
    """The statements prepared on one server connection: their names by SQL."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw  # the driver's connection: a new one has none prepared
        self.names: dict[str, str] = {}
        self.made = 0


def _numbered(sql: str) -> str:
    """The statement with PostgreSQL's $1, $2… for the driver's %s (a %% stays %%: the
    driver turns it into % when it fills the EXECUTE's values in)."""
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        if match.group() == "%%":
            return "%%"
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(number, sql)


def execute_prepared(cursor: Any, sql: str, params: Sequence[Any]) -> None:
    """`cursor.execute(sql, params)`, as a statement prepared on the server on PostgreSQL
    (PORTAL_DB_SERVER_PREPARE): the first time on a connection PREPARE and EXECUTE go in
    one round trip, after that only EXECUTE. The types of the parameters are the server's
    inference from the statement. A statement that failed is prepared afresh under
    another name next time (whether its PREPARE took is not known)."""
    db = cursor.db
    if db.vendor != "postgresql" or not settings.PORTAL_DB_SERVER_PREPARE:
        cursor.execute(sql, params)
        return
    kept = getattr(db, "_server_prepared", None)
    if kept is None or kept.raw is not db.connection:
        kept = db._server_prepared = _ServerPrepared(db.connection)
    values = ", ".join(["%s"] * len(params))
    name = kept.names.get(sql)
    if name is not None:
        cursor.execute(f"EXECUTE {name}({values})" if params else f"EXECUTE {name}", params)
        return
    if kept.made >= MAX_SERVER_PREPARED:
        cursor.execute(sql, params)
        return
    kept.made += 1
    digest = hashlib.blake2b(sql.encode(), digest_size=6).hexdigest()
    name = f"pc_{digest}_{kept.made}"
    execute = f"EXECUTE {name}({values})" if params else f"EXECUTE {name}"
    cursor.execute(f"PREPARE {name} AS {_numbered(sql)}; {execute}", params)
    kept.names[sql] = name  # not when it failed: the next call prepares it under a new name
