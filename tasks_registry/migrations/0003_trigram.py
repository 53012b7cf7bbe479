"""pg_trgm and trigram indexes on titles, for the duplicate check while filing (PostgreSQL only)."""

from django.db import migrations

INDEXES = [
    ("tasks_registry_taskitem", "task_item_title_trgm"),
    ("tasks_registry_admissionrequest", "request_title_trgm"),
]


def forwards(apps, schema_editor):  # noqa: ANN001, ANN201
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite: the check falls back to plain matching
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, name in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (title gin_trgm_ops)")


def backwards(apps, schema_editor):  # noqa: ANN001, ANN201
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("tasks_registry", "0002_admission_requests")]

    operations = [migrations.RunPython(forwards, backwards)]
