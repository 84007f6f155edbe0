"""Migration operations for the large tables (the change log, activities, measurements…)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db.migrations.operations import AddIndex


class AddIndexWithoutLocking(AddIndex):
    """`AddIndex`, built on PostgreSQL without blocking writes meanwhile (CREATE INDEX
    CONCURRENTLY: a rolling deploy keeps taking writes while a table of millions of rows is
    indexed; docs/deployment.md). The migration must say `atomic = False`. SQLite builds it as
    usual."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            concurrently = AddIndexConcurrently(self.model_name, self.index)
            return concurrently.database_forwards(app_label, schema_editor, from_state, to_state)
        return super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            concurrently = AddIndexConcurrently(self.model_name, self.index)
            return concurrently.database_backwards(app_label, schema_editor, from_state, to_state)
        return super().database_backwards(app_label, schema_editor, from_state, to_state)
