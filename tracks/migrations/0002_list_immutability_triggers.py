"""PostgreSQL triggers that keep published lists immutable below the ORM (domain.md, Publication).

* ``tracks_listentry``: no INSERT, UPDATE or DELETE of an entry whose list is published or superseded.
* ``tracks_parklist``: no DELETE of a published or superseded list; no UPDATE of one, except the superseded mark
  the correction service sets (status published → superseded with superseded_at, every other column unchanged).

The ORM guards in tracks/models/lists.py refuse the same on every database; these catch raw SQL and anything
else that bypasses the models. Only on PostgreSQL: on SQLite the migration does nothing. TRUNCATE is left alone
(a test database is flushed with it).
"""

from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION tracks_listentry_immutable() RETURNS trigger AS $$
    DECLARE
        frozen boolean;
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            SELECT status IN ('published', 'superseded') INTO frozen FROM tracks_parklist WHERE id = OLD.park_list_id;
            IF frozen THEN
                RAISE EXCEPTION 'ntr: entries of published list % are immutable (%)', OLD.park_list_id, TG_OP
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            SELECT status IN ('published', 'superseded') INTO frozen FROM tracks_parklist WHERE id = NEW.park_list_id;
            IF frozen THEN
                RAISE EXCEPTION 'ntr: published list % takes no new entries', NEW.park_list_id
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END IF;
        RETURN OLD;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    DROP TRIGGER IF EXISTS tracks_listentry_immutable ON tracks_listentry;
    CREATE TRIGGER tracks_listentry_immutable
        BEFORE INSERT OR UPDATE OR DELETE ON tracks_listentry
        FOR EACH ROW EXECUTE FUNCTION tracks_listentry_immutable();
    """,
    """
    CREATE OR REPLACE FUNCTION tracks_parklist_immutable() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            IF OLD.status IN ('published', 'superseded') THEN
                RAISE EXCEPTION 'ntr: published list % cannot be deleted', OLD.id
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN OLD;
        END IF;
        IF OLD.status IN ('published', 'superseded') THEN
            -- The one change allowed: the correction service marks a published version superseded.
            IF OLD.status = 'published' AND NEW.status = 'superseded' AND NEW.superseded_at IS NOT NULL
               AND (to_jsonb(NEW) - 'status' - 'superseded_at') = (to_jsonb(OLD) - 'status' - 'superseded_at') THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'ntr: published list % is immutable; publish a correction instead', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    DROP TRIGGER IF EXISTS tracks_parklist_immutable ON tracks_parklist;
    CREATE TRIGGER tracks_parklist_immutable
        BEFORE UPDATE OR DELETE ON tracks_parklist
        FOR EACH ROW EXECUTE FUNCTION tracks_parklist_immutable();
    """,
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS tracks_parklist_immutable ON tracks_parklist;",
    "DROP FUNCTION IF EXISTS tracks_parklist_immutable();",
    "DROP TRIGGER IF EXISTS tracks_listentry_immutable ON tracks_listentry;",
    "DROP FUNCTION IF EXISTS tracks_listentry_immutable();",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("tracks", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
