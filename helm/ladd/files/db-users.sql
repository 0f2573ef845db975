-- One PostgreSQL role per LADD service, each the owner of its service's schema (docs/adr/002, 011): a service's
-- Flyway migrations run as that role, and no service can read or change another's tables.
--
-- Run it as a superuser (or the database owner with CREATEROLE) on the platform's database, with the roles' names and
-- passwords as the session settings ladd.user_<service> and ladd.password_<service> (service: gateway, teacher,
-- trainer, eval, inference). db-users.psql sets them from the environment; docker-compose.yml's db-users service and
-- the chart's db-users Job run it that way:
--
--   LADD_DB_USER_GATEWAY=ladd_gateway LADD_DB_PASSWORD_GATEWAY=... (and the other four) \
--     psql -h HOST -U postgres -d ladd -f db-users.psql
--
-- Idempotent, so it runs on every start: it creates what is missing, sets the passwords (changing a password is
-- running it again), and hands a schema that another role owns — a database set up with one shared user — and
-- everything in it to the schema's service role.
DO $$
DECLARE
    service  text;
    username text;
    password text;
    object   record;
BEGIN
    FOREACH service IN ARRAY ARRAY['gateway', 'teacher', 'trainer', 'eval', 'inference'] LOOP
        username := current_setting('ladd.user_' || service, true);
        password := current_setting('ladd.password_' || service, true);
        IF username IS NULL OR username !~ '^[a-z_][a-z0-9_]{0,62}$' THEN
            RAISE EXCEPTION 'ladd.user_% (LADD_DB_USER_%) is not set or not a plain lower-case name', service, upper(service);
        END IF;
        IF password IS NULL OR length(password) < 16 THEN
            RAISE EXCEPTION 'ladd.password_% (LADD_DB_PASSWORD_%) is not set or shorter than 16 characters',
                service, upper(service);
        END IF;
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = username) THEN
            EXECUTE format('CREATE ROLE %I', username);
            RAISE NOTICE 'created role %', username;
        END IF;
        EXECUTE format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD %L',
            username, password);
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), username);
        EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', service, username);
        EXECUTE format('ALTER SCHEMA %I OWNER TO %I', service, username);
        -- tables, views and their column sequences first, then sequences of their own
        FOR object IN
            SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = service AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
              AND pg_get_userbyid(c.relowner) <> username
              AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                       AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
            ORDER BY c.relkind = 'S'
        LOOP
            EXECUTE format('ALTER %s %I.%I OWNER TO %I',
                CASE object.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                    WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
                service, object.relname, username);
        END LOOP;
    END LOOP;
    -- PostgreSQL before 15 let every role create tables in schema public: no service needs to
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
END
$$;
