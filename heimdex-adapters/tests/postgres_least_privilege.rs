//! After `migrate`, only the owner, the roles named in `HEIMDEX_DB_GRANT_ROLE` and `heimdex_admin`
//! (the metric functions) may use Heimdex's tables, sequences and functions: on plain PostgreSQL
//! and on a database whose default privileges grant Supabase's `anon`, `authenticated` and
//! `service_role` everything new in `public`.

use heimdex_testsupport as support;

use heimdex_adapters::StoreConfig;
use heimdex_core::Error;
use sqlx::{Connection, Executor, PgConnection, PgPool, Row};
use support::pg::{server_url, TestDb};

/// Per object of the schema (every table, view, sequence and function): whether `role` holds any
/// privilege on it, and whether it holds every data privilege (EXECUTE for a function).
const PRIVILEGES: &str = "
    SELECT c.oid::regclass::text AS name,
           CASE WHEN c.relkind = 'S' THEN has_sequence_privilege($1, c.oid, 'USAGE, SELECT, UPDATE')
                ELSE has_table_privilege($1, c.oid,
                         'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
                     OR has_any_column_privilege($1, c.oid, 'SELECT, INSERT, UPDATE, REFERENCES')
           END AS any,
           CASE WHEN c.relkind = 'S' THEN has_sequence_privilege($1, c.oid, 'USAGE')
                     AND has_sequence_privilege($1, c.oid, 'SELECT')
                     AND has_sequence_privilege($1, c.oid, 'UPDATE')
                ELSE has_table_privilege($1, c.oid, 'SELECT') AND has_table_privilege($1, c.oid, 'INSERT')
                     AND has_table_privilege($1, c.oid, 'UPDATE') AND has_table_privilege($1, c.oid, 'DELETE')
           END AS every
    FROM pg_class c
    WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
    UNION ALL
    SELECT p.oid::regprocedure::text, has_function_privilege($1, p.oid, 'EXECUTE'),
           has_function_privilege($1, p.oid, 'EXECUTE')
    FROM pg_proc p
    WHERE p.pronamespace = current_schema()::regnamespace
    ORDER BY 1";

/// Every grant, row-level security flag and policy in the schema, one line per object, sorted.
const ACCESS: &str = "
    SELECT string_agg(x, E'\\n' ORDER BY x) FROM (
        SELECT c.relname || ' ' || coalesce(c.relacl::text, '') || ' ' || c.relrowsecurity
        FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace
        UNION ALL
        SELECT p.oid::regprocedure::text || ' ' || coalesce(p.proacl::text, '')
        FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace
        UNION ALL
        SELECT polrelid::regclass::text || ' ' || polname || ' ' || polroles::regrole[]::text
        FROM pg_policy
    ) AS s(x)";

/// The objects `role` may use at all, and those it may not fully use; panics on an empty schema.
async fn access_of(pool: &PgPool, role: &str) -> (Vec<String>, Vec<String>) {
    let rows = sqlx::query(PRIVILEGES)
        .bind(role)
        .fetch_all(pool)
        .await
        .unwrap();
    assert!(rows.len() > 20, "the schema holds Heimdex's objects");
    let names = |f: &dyn Fn(&sqlx::postgres::PgRow) -> bool| {
        rows.iter()
            .filter(|r| f(r))
            .map(|r| r.get::<String, _>("name"))
            .collect::<Vec<_>>()
    };
    (
        names(&|r| r.get("any")),
        names(&|r| !r.get::<bool, _>("every")),
    )
}

/// Runs `heimdex migrate`'s code path on `db` with `HEIMDEX_DB_GRANT_ROLE` = `grant`.
async fn migrate(db: &TestDb, grant: &str) -> heimdex_core::Result<()> {
    let config = StoreConfig::new(Some(db.url().to_owned()), None).with_grant_roles(grant);
    heimdex_adapters::migrate(&config).await
}

/// Runs `sql` on the server's maintenance database (roles are cluster-wide).
async fn on_server(sql: &str) {
    let mut conn = PgConnection::connect(&server_url()).await.unwrap();
    conn.execute(sqlx::raw_sql(sql)).await.unwrap();
    conn.close().await.ok();
}

/// A new NOLOGIN role without BYPASSRLS, unique to the test.
async fn fresh_role() -> String {
    let role = format!("heimdex_lp_{}", uuid::Uuid::new_v4().simple());
    on_server(&format!("CREATE ROLE {role} NOLOGIN")).await;
    role
}

/// `db` as Supabase sets a project up: its three API roles (created when missing; other tests may
/// create them at the same time), and default privileges that grant them everything the
/// migrating role creates in `public`.
async fn supabase_like(db: &TestDb) {
    on_server(
        "DO $$
         DECLARE r text;
         BEGIN
             FOREACH r IN ARRAY ARRAY['anon', 'authenticated', 'service_role'] LOOP
                 BEGIN
                     IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
                         EXECUTE format('CREATE ROLE %I NOLOGIN %s', r,
                                        CASE r WHEN 'service_role' THEN 'BYPASSRLS' ELSE '' END);
                     END IF;
                 EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                 END;
             END LOOP;
         END $$",
    )
    .await;
    db.pool()
        .execute(sqlx::raw_sql(
            "GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
             ALTER DEFAULT PRIVILEGES IN SCHEMA public
                 GRANT ALL ON TABLES TO anon, authenticated, service_role;
             ALTER DEFAULT PRIVILEGES IN SCHEMA public
                 GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;
             ALTER DEFAULT PRIVILEGES IN SCHEMA public
                 GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;",
        ))
        .await
        .unwrap();
}

#[tokio::test]
async fn supabase_api_roles_get_nothing_and_the_named_service_role_gets_everything() {
    let db = TestDb::empty().await;
    supabase_like(&db).await;
    migrate(&db, "service_role").await.unwrap();
    let first = sqlx::query_scalar::<_, String>(ACCESS)
        .fetch_one(db.pool())
        .await
        .unwrap();
    let metric_functions: Vec<String> = sqlx::query_scalar(
        "SELECT oid::regprocedure::text FROM pg_proc
         WHERE pronamespace = current_schema()::regnamespace AND prosecdef ORDER BY 1",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    assert!(metric_functions.len() >= 12, "{metric_functions:?}");
    for run in ["first", "second"] {
        for role in ["anon", "authenticated"] {
            let (usable, _) = access_of(db.pool(), role).await;
            assert!(
                usable.is_empty(),
                "{run} migrate: {role} may use {usable:?}"
            );
        }
        let (_, lacking) = access_of(db.pool(), "service_role").await;
        assert!(
            lacking.is_empty(),
            "{run} migrate: service_role lacks {lacking:?}"
        );
        let (admin, _) = access_of(db.pool(), "heimdex_admin").await;
        assert_eq!(
            admin, metric_functions,
            "heimdex_admin keeps the metric functions"
        );
        migrate(&db, "service_role").await.unwrap();
    }
    let again = sqlx::query_scalar::<_, String>(ACCESS)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(again, first, "migrating again changes no grant or policy");

    let mut conn = PgConnection::connect(db.url()).await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    tx.execute("SET LOCAL ROLE anon").await.unwrap();
    let err = tx.execute("SELECT source FROM jobs").await.unwrap_err();
    let code = err.as_database_error().and_then(|e| e.code());
    assert_eq!(code.as_deref(), Some("42501"), "anon reads jobs: {err}");
}

#[tokio::test]
async fn an_object_created_after_a_migrate_is_locked_down_by_the_next() {
    let db = TestDb::empty().await;
    supabase_like(&db).await;
    migrate(&db, "").await.unwrap();
    // What a later migration adds gets the default privileges again.
    db.pool()
        .execute("CREATE FUNCTION heimdex_later() RETURNS int LANGUAGE sql AS 'SELECT 1'")
        .await
        .unwrap();
    let (usable, _) = access_of(db.pool(), "anon").await;
    assert_eq!(usable, ["heimdex_later()"], "the default privileges apply");
    migrate(&db, "").await.unwrap();
    for role in ["anon", "authenticated", "service_role"] {
        let (usable, _) = access_of(db.pool(), role).await;
        assert!(usable.is_empty(), "{role} may use {usable:?}");
    }
}

#[tokio::test]
async fn on_plain_postgres_public_and_a_role_without_grants_get_nothing() {
    let db = TestDb::empty().await;
    migrate(&db, "").await.unwrap();
    let role = fresh_role().await;
    for grantee in ["public", role.as_str()] {
        let (usable, _) = access_of(db.pool(), grantee).await;
        assert!(usable.is_empty(), "{grantee} may use {usable:?}");
    }
    drop(db);
    on_server(&format!("DROP ROLE {role}")).await;
}

#[tokio::test]
async fn row_level_security_is_on_for_every_table() {
    let db = TestDb::empty().await;
    migrate(&db, "").await.unwrap();
    let tables: Vec<(String, bool)> = sqlx::query_as(
        "SELECT relname::text, relrowsecurity FROM pg_class
         WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'p')",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    assert!(tables.len() >= 7, "{tables:?}");
    for (table, rls) in tables {
        assert!(rls, "row-level security is off on {table}");
    }
}

#[tokio::test]
async fn a_named_role_without_bypassrls_uses_every_row_until_it_is_no_longer_named() {
    let db = TestDb::empty().await;
    let role = fresh_role().await;
    migrate(&db, &format!("{role}, heimdex_admin"))
        .await
        .unwrap();
    db.pool()
        .execute(
            "INSERT INTO user_profiles (user_id, full_name)
             VALUES ('00000000-0000-0000-0000-00000000000a', 'Owner')",
        )
        .await
        .unwrap();
    let as_role = |sql: &'static str| {
        let (url, role) = (db.url().to_owned(), role.clone());
        async move {
            let mut conn = PgConnection::connect(&url).await.unwrap();
            let mut tx = conn.begin().await.unwrap();
            tx.execute(format!("SET LOCAL ROLE {role}").as_str())
                .await
                .unwrap();
            let rows = sqlx::raw_sql(sql).fetch_all(&mut *tx).await;
            let out = rows.map(|r| r.len()).map_err(|e| e.to_string());
            tx.commit().await.ok();
            out
        }
    };
    assert_eq!(
        as_role(
            "INSERT INTO user_profiles (user_id, full_name)
             VALUES ('00000000-0000-0000-0000-00000000000b', 'Named');
             SELECT * FROM user_profiles;"
        )
        .await,
        Ok(2),
        "the named role writes and sees every row"
    );
    migrate(&db, "heimdex_admin").await.unwrap();
    let refused = as_role("SELECT * FROM user_profiles").await.unwrap_err();
    assert!(refused.contains("permission denied"), "{refused}");
    drop(db);
    on_server(&format!("DROP ROLE {role}")).await;
}

#[tokio::test]
async fn an_unknown_grant_role_is_an_error_naming_it() {
    let db = TestDb::empty().await;
    let err = migrate(&db, "service_role_typo_9f3a").await.unwrap_err();
    let Error::InvalidInput(message) = &err else {
        panic!("expected InvalidInput, got {err:?}")
    };
    assert!(message.contains("\"service_role_typo_9f3a\""), "{message}");
    assert!(message.contains("HEIMDEX_DB_GRANT_ROLE"), "{message}");
    assert!(message.contains("does not exist"), "{message}");
}
