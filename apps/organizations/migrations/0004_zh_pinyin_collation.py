"""The zh_pinyin ICU collation names are sorted by (apps.i18n.name_order).

PostgreSQL only, and only where the server is built with ICU: elsewhere nothing is created
and names sort by the database's own order (SQLite: by code point).
"""

from django.db import migrations

CREATE = ("CREATE COLLATION IF NOT EXISTS zh_pinyin "
          "(provider = icu, locale = 'zh-u-co-pinyin')")


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collprovider = 'i' LIMIT 1")
        if cursor.fetchone() is None:
            return  # a server built without ICU
        cursor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP COLLATION IF EXISTS zh_pinyin")


class Migration(migrations.Migration):

    dependencies = [("organizations", "0003_alter_organization_country")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
