"""On PostgreSQL the audit log holds against every role but the one that owns it (deploy/postgres-roles.sql; the
owner role runs migrate, restore and archive_audit, the site runs as a runtime role that owns nothing):

- UPDATE is refused for everyone (as before); DELETE only inside archive_audit's transaction
  (``ntr.audit_archive = 'on'``), only for rows older than the 180-day minimum retention, and now only for the
  owner role (or a role with its rights: a superuser, or a member);
- an INSERT whose ``at`` is not the database's current time (more than 5 minutes before the transaction began, or
  more than 5 minutes ahead of the clock) is refused for every role but the owner: no back-dated row that the
  archive could then take away, no row dated in the future;
- TRUNCATE is refused for every role but the owner (the owner's test-database flushes and restore need it);
- UPDATE, DELETE, TRUNCATE, REFERENCES and TRIGGER on the table are revoked from every role but the owner (the
  default privileges of deploy/postgres-roles.sql give the runtime role UPDATE and DELETE on new tables).

The owner can still disable or drop these triggers (it owns the table), and so can a superuser: the protection is
against the role the web processes use. SQLite has none of this; the ORM guard in audit.models applies on both."""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('ntr.audit_archive', true) = 'on' THEN
        IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
            RAISE EXCEPTION 'audit_auditevent is append-only: only its owner role may archive (delete) rows'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF OLD."at" < now() - interval '180 days' THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION audit_auditevent_current_time() RETURNS trigger AS $$
BEGIN
    IF NEW."at" BETWEEN now() - interval '5 minutes' AND clock_timestamp() + interval '5 minutes' THEN
        RETURN NEW;
    END IF;
    IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: "at" % is not the database''s current time %', NEW."at", now()
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION audit_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
    IF pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: TRUNCATE refused'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS audit_auditevent_current_time ON audit_auditevent;
CREATE TRIGGER audit_auditevent_current_time
    BEFORE INSERT ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_current_time();

DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
CREATE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_no_truncate();

DO $$
DECLARE
    grantee text;
BEGIN
    FOR grantee IN
        SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END
        FROM pg_class c
        CROSS JOIN LATERAL aclexplode(c.relacl) a
        LEFT JOIN pg_roles r ON r.oid = a.grantee
        WHERE c.oid = 'audit_auditevent'::regclass
          AND a.grantee <> c.relowner
          AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER')
    LOOP
        EXECUTE 'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON audit_auditevent FROM ' || grantee;
    END LOOP;
END
$$;
"""

# Back to 0002's trigger; privileges taken back stay taken back (deploy/postgres-roles.sql decides them).
BACKWARD = r"""
DROP TRIGGER IF EXISTS audit_auditevent_current_time ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_current_time();
DROP FUNCTION IF EXISTS audit_auditevent_no_truncate();

CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('ntr.audit_archive', true) = 'on'
       AND OLD."at" < now() - interval '180 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [migrations.RunPython(forwards, backwards)]
