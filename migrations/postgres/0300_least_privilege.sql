-- Least privilege: only the owner, the roles the operator names (HEIMDEX_DB_GRANT_ROLE) and
-- heimdex_admin (EXECUTE on the metric functions) may use Heimdex's tables, sequences and functions.
--
-- Default privileges re-grant on every object created later (Supabase's give anon, authenticated
-- and service_role everything new in public, functions included), so one migration cannot settle
-- this: heimdex_lock_down runs here and again after every `migrate` (PgStore::migrate), once all
-- migrations are applied. It is re-runnable and changes the catalog only where the privileges,
-- row-level security or policy differ from what they should be, so a worker's start normally
-- writes nothing and takes no table lock.
-- Idempotent: CREATE OR REPLACE keeps each function's privileges.

-- Every object Heimdex keeps in this schema: its tables (listed here: a migration that adds a
-- table adds it to this list; postgres_least_privilege checks the list against what the
-- migrations create), the sequences those tables own, and its functions (heimdex_*, get_admin_*
-- and the origin's two time series). `acl` holds the table's column privileges too.
CREATE OR REPLACE FUNCTION heimdex_objects()
RETURNS TABLE (kind text, id oid, name text, owner oid, acl aclitem[], definer boolean)
LANGUAGE sql STABLE
AS $$
    WITH tables AS (
        SELECT c.oid
        FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace
          AND c.relkind IN ('r', 'p')
          AND c.relname = ANY (ARRAY['_sqlx_migrations', 'user_profiles', 'videos',
                                     'search_queries', 'video_stage_timings', 'jobs',
                                     'video_scenes'])
    )
    SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, c.oid, c.oid::regclass::text,
           c.relowner,
           coalesce(c.relacl, acldefault(CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END::"char",
                                         c.relowner))
             || coalesce((SELECT array_agg(x) FROM pg_attribute a, unnest(a.attacl) x
                          WHERE a.attrelid = c.oid AND NOT a.attisdropped), '{}'),
           false
    FROM pg_class c
    WHERE c.oid IN (SELECT oid FROM tables)
       OR c.relkind = 'S' AND EXISTS (
              SELECT 1 FROM pg_depend d
              WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
                AND d.refobjid IN (SELECT oid FROM tables))
    UNION ALL
    SELECT 'FUNCTION', p.oid, p.oid::regprocedure::text, p.proowner,
           coalesce(p.proacl, acldefault('f', p.proowner)), p.prosecdef
    FROM pg_proc p
    WHERE p.pronamespace = current_schema()::regnamespace
      AND (p.proname LIKE 'heimdex\_%' OR p.proname LIKE 'get\_admin\_%'
           OR p.proname IN ('get_throughput_timeseries', 'get_search_timeseries'))
$$;
COMMENT ON FUNCTION heimdex_objects() IS
    'The tables, sequences and functions Heimdex keeps in this schema, with owner and privileges';

-- Locks Heimdex's objects (those the caller may act on as owner) down to their owner, the roles
-- named in grant_roles (all data privileges; a permissive row-level policy so a role without
-- BYPASSRLS sees every row) and heimdex_admin (EXECUTE on the SECURITY DEFINER metric functions):
-- every other privilege, PUBLIC's included, is revoked. Row-level security is enabled on every
-- table as a second wall (the owner is not subject to it). An unknown role name raises 22023.
CREATE OR REPLACE FUNCTION heimdex_lock_down(grant_roles text[] DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    roles text[] := ARRAY(SELECT DISTINCT r FROM unnest(grant_roles) r
                          WHERE r IS NOT NULL ORDER BY 1);
    role_ids oid[];
    missing text;
    admin oid := (SELECT oid FROM pg_roles WHERE rolname = 'heimdex_admin');
    obj record;
    privs text[];
    have text[];
    want text[];
    pol text;
    want_pol text;
    r text;
BEGIN
    SELECT x INTO missing FROM unnest(roles) x
    WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = x) LIMIT 1;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
            MESSAGE = format('HEIMDEX_DB_GRANT_ROLE names the role "%s", which does not exist',
                             missing),
            HINT = 'Create the role first, or leave it out of the list.';
    END IF;
    role_ids := ARRAY(SELECT oid FROM pg_roles WHERE rolname = ANY (roles) ORDER BY 1);
    want_pol := CASE WHEN roles <> '{}' THEN format('%s %s %s', '*', true, role_ids) END;
    -- One lockdown at a time per database: workers starting together would otherwise update the
    -- same catalog rows at once ("tuple concurrently updated").
    PERFORM pg_advisory_xact_lock(4844869431076093);

    FOREACH r IN ARRAY roles LOOP
        IF NOT has_schema_privilege(r, current_schema(), 'USAGE') THEN
            EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), r);
        END IF;
    END LOOP;

    FOR obj IN SELECT * FROM heimdex_objects() o WHERE pg_has_role(o.owner, 'USAGE') LOOP
        privs := CASE obj.kind
            WHEN 'TABLE' THEN ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']
            WHEN 'SEQUENCE' THEN ARRAY['USAGE', 'SELECT', 'UPDATE']
            ELSE ARRAY['EXECUTE'] END;
        have := ARRAY(SELECT DISTINCT format('%s %s %s', a.grantee, a.privilege_type, a.is_grantable)
                      FROM aclexplode(obj.acl) a WHERE a.grantee <> obj.owner ORDER BY 1);
        want := ARRAY(SELECT DISTINCT format('%s %s %s', g, p, false)
                      FROM unnest(role_ids || CASE WHEN obj.definer THEN admin END) g,
                           unnest(privs) p
                      WHERE g IS NOT NULL AND g <> obj.owner ORDER BY 1);
        IF have IS DISTINCT FROM want THEN
            EXECUTE format('REVOKE ALL ON %s %s FROM PUBLIC CASCADE', obj.kind, obj.name);
            FOR r IN SELECT DISTINCT g.rolname FROM aclexplode(obj.acl) a
                     JOIN pg_roles g ON g.oid = a.grantee WHERE a.grantee <> obj.owner LOOP
                EXECUTE format('REVOKE ALL ON %s %s FROM %I CASCADE', obj.kind, obj.name, r);
            END LOOP;
            FOREACH r IN ARRAY roles LOOP
                EXECUTE format('GRANT %s ON %s %s TO %I',
                               array_to_string(privs, ', '), obj.kind, obj.name, r);
            END LOOP;
            IF obj.definer AND admin IS NOT NULL THEN
                EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO heimdex_admin', obj.name);
            END IF;
        END IF;

        CONTINUE WHEN obj.kind <> 'TABLE';
        IF NOT (SELECT relrowsecurity FROM pg_class WHERE oid = obj.id) THEN
            EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', obj.name);
        END IF;
        SELECT format('%s %s %s', polcmd, polpermissive,
                      ARRAY(SELECT x FROM unnest(polroles) x ORDER BY 1))
          INTO pol
          FROM pg_policy WHERE polrelid = obj.id AND polname = 'heimdex_granted_roles';
        IF pol IS DISTINCT FROM want_pol THEN
            IF pol IS NOT NULL THEN
                EXECUTE format('DROP POLICY heimdex_granted_roles ON %s', obj.name);
            END IF;
            IF roles <> '{}' THEN
                EXECUTE format('CREATE POLICY heimdex_granted_roles ON %s AS PERMISSIVE FOR ALL '
                               'TO %s USING (true) WITH CHECK (true)', obj.name,
                               (SELECT string_agg(format('%I', x), ', ') FROM unnest(roles) x));
            END IF;
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION heimdex_lock_down(text[]) IS
    'Revokes every privilege on Heimdex objects but the owner''s, grant_roles'' and heimdex_admin''s; enables row-level security';

-- Both read the catalog of this schema whatever the caller's search_path.
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION heimdex_objects() SET search_path = %I, pg_temp',
                   current_schema());
    EXECUTE format('ALTER FUNCTION heimdex_lock_down(text[]) SET search_path = %I, pg_temp',
                   current_schema());
END
$$;

SELECT heimdex_lock_down();
