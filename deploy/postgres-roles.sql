-- Two PostgreSQL roles for 新赛道培育库, so that the site's own role cannot erase the audit log.
--
--   owner role   (DATABASE_OWNER_URL)  owns the database, its schema objects and every table; runs `migrate`,
--                                      `restore` and `archive_audit`. Never used by the web processes.
--   runtime role (DATABASE_URL)        what gunicorn connects as: owns nothing, may read and write the rows of the
--                                      tables (SELECT, INSERT, UPDATE, DELETE) and use their sequences, never
--                                      TRUNCATE, never change a table or its triggers, and on the audit log only
--                                      SELECT and INSERT (an insert whose "at" is not the database's current time
--                                      is refused by the audit trigger for every role but the owner).
--
-- Run it in the application's database (plain SQL, no psql meta-commands), with the two role names set first:
--
--   psql -d ntr -v ON_ERROR_STOP=1 \
--        -c "SET ntr.owner_role = 'ntr_owner'" -c "SET ntr.app_role = 'ntr_app'" -f deploy/postgres-roles.sql
--
-- ntr.schema (default public) names the schema Django uses. Idempotent: run it again after changing anything by
-- hand, or after a restore into a new database; it only adds what is missing and takes back what is too much.
-- As a superuser it also creates the roles (LOGIN, no password: set one with \password), makes the owner role the
-- database's owner and passes to it anything the runtime role owns here (REASSIGN OWNED: a database first migrated
-- by a single role). The owner role itself may run it too (the test suite does, in each new test database): then
-- the steps that need a superuser are skipped when nothing needs doing, and fail loudly when something does.
-- Tables created later by `migrate` (as the owner) get the runtime role's privileges from the default privileges
-- set here; the audit app's migrations take UPDATE, DELETE and TRUNCATE on the audit log back from every role but
-- the owner.
--
-- A PostgreSQL superuser is above all of this: it can disable triggers, truncate, or change any row.

DO $roles$
DECLARE
    owner_role text := coalesce(current_setting('ntr.owner_role', true), '');
    app_role text := coalesce(current_setting('ntr.app_role', true), '');
    app_schema text := coalesce(nullif(current_setting('ntr.schema', true), ''), 'public');
    db text := current_database();
    owner_oid oid;
    app_oid oid;
    audit_table text;
BEGIN
    IF owner_role = '' OR app_role = '' THEN
        RAISE EXCEPTION 'set ntr.owner_role and ntr.app_role first, e.g. SET ntr.owner_role = ''ntr_owner''';
    END IF;
    IF owner_role = app_role THEN
        RAISE EXCEPTION 'the owner role and the runtime role must be two different roles';
    END IF;

    -- The roles. The runtime role never has an attribute that bypasses privileges or makes objects elsewhere.
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = owner_role) THEN
        EXECUTE format('CREATE ROLE %I LOGIN', owner_role);
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = app_role) THEN
        EXECUTE format('CREATE ROLE %I LOGIN', app_role);
    END IF;
    SELECT oid INTO owner_oid FROM pg_roles WHERE rolname = owner_role;
    SELECT oid INTO app_oid FROM pg_roles WHERE rolname = app_role;
    IF EXISTS (
        SELECT FROM pg_roles WHERE oid = app_oid
        AND (rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls)
    ) THEN
        EXECUTE format('ALTER ROLE %I NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', app_role);
    END IF;
    -- Nor may it borrow the owner's rights, or write every table through a predefined role.
    IF EXISTS (SELECT FROM pg_auth_members WHERE member = app_oid AND roleid = owner_oid) THEN
        EXECUTE format('REVOKE %I FROM %I', owner_role, app_role);
    END IF;
    IF EXISTS (
        SELECT FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
        WHERE m.member = app_oid AND r.rolname = 'pg_write_all_data'
    ) THEN
        EXECUTE format('REVOKE pg_write_all_data FROM %I', app_role);
    END IF;

    -- The owner role owns the database and everything in it that the runtime role used to own.
    IF (SELECT datdba FROM pg_database WHERE datname = db) <> owner_oid THEN
        EXECUTE format('ALTER DATABASE %I OWNER TO %I', db, owner_role);
    END IF;
    IF EXISTS (
        SELECT FROM pg_shdepend d
        WHERE d.refobjid = app_oid AND d.deptype = 'o'
        AND d.dbid = (SELECT oid FROM pg_database WHERE datname = db)
    ) THEN
        EXECUTE format('REASSIGN OWNED BY %I TO %I', app_role, owner_role);
    END IF;

    -- Database and schema: the runtime role connects and uses the schema, but creates nothing in it.
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', db, app_role);
    EXECUTE format('REVOKE CREATE ON DATABASE %I FROM PUBLIC, %I', db, app_role);
    EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC, %I', app_schema, app_role);
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', app_schema, app_role);

    -- Tables and sequences the owner creates from now on (migrations) ...
    EXECUTE format(
        'ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I',
        owner_role, app_schema, app_role
    );
    EXECUTE format(
        'ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I REVOKE TRUNCATE, REFERENCES, TRIGGER ON TABLES FROM %I',
        owner_role, app_schema, app_role
    );
    EXECUTE format(
        'ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO %I',
        owner_role, app_schema, app_role
    );
    -- ... and those that exist already.
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', app_schema, app_role);
    EXECUTE format(
        'REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA %I FROM %I', app_schema, app_role
    );
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I', app_schema, app_role);

    -- The audit log: read and append only.
    audit_table := format('%I.audit_auditevent', app_schema);
    IF to_regclass(audit_table) IS NOT NULL THEN
        EXECUTE format(
            'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON %s FROM PUBLIC, %I', audit_table, app_role
        );
    END IF;

    -- Check the result rather than trust it.
    IF EXISTS (
        SELECT FROM pg_roles WHERE oid = app_oid AND (rolsuper OR rolbypassrls OR rolcreaterole)
    ) THEN
        RAISE EXCEPTION 'role % must not be a superuser or bypass privileges', app_role;
    END IF;
    IF pg_has_role(app_role, owner_role, 'MEMBER') THEN
        RAISE EXCEPTION 'role % is a member of % (perhaps through another role): revoke that membership',
            app_role, owner_role;
    END IF;
    IF EXISTS (
        SELECT FROM pg_shdepend d
        WHERE d.refobjid = app_oid AND d.deptype = 'o'
        AND d.dbid = (SELECT oid FROM pg_database WHERE datname = db)
    ) THEN
        RAISE EXCEPTION 'role % still owns objects in database %', app_role, db;
    END IF;
    IF to_regclass(audit_table) IS NOT NULL AND (
        has_table_privilege(app_role, audit_table, 'UPDATE')
        OR has_table_privilege(app_role, audit_table, 'DELETE')
        OR has_table_privilege(app_role, audit_table, 'TRUNCATE')
    ) THEN
        RAISE EXCEPTION 'role % can still change or remove audit rows (through another role?)', app_role;
    END IF;
    RAISE NOTICE 'database %: owner role %, runtime role % (schema %)', db, owner_role, app_role, app_schema;
END
$roles$;
