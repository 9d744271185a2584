from django.db import migrations, transaction


def add_trigram_index(apps, schema_editor):
    """On PostgreSQL, a trigram index lets "search by name" (icontains) use an index
    instead of reading every school. Elsewhere, or without the right to create the
    extension, the search still works, only slower."""
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                "CREATE INDEX IF NOT EXISTS school_name_trigram ON schools_school "
                "USING gin (UPPER(name::text) gin_trgm_ops)"
            )
    except Exception:  # noqa: BLE001 - an optional speed-up must not stop the migration
        pass


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS school_name_trigram")


class Migration(migrations.Migration):
    dependencies = [("schools", "0004_expertise_vocabulary")]

    operations = [migrations.RunPython(add_trigram_index, drop_trigram_index)]
