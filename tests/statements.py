"""What a captured statement ran, for tests that look for a table or a clause in the SQL a
page sent: a statement prepared on the server (apps.prepared.execute_prepared) is captured
as `EXECUTE pc_…(values)` after its first run, and its SQL is the server's to tell."""

from django.db import connection


def statement_sql(sql: str) -> str:
    """`sql`, or for an EXECUTE the statement it runs (call it after the capture: it asks
    the database)."""
    if not sql.startswith("EXECUTE "):
        return sql
    name = sql.split()[1].split("(")[0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [name])
        row = cursor.fetchone()
    assert row is not None, f"{name} is not prepared on this connection"
    return str(row[0])
