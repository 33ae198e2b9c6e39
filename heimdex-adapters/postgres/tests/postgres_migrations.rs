//! The PostgreSQL migrations: transactional, idempotent, additive over an origin database, every
//! timing column and index commented, and the metric functions locked down.

use heimdex_testsupport as support;

use heimdex_postgres::MIGRATOR;
use sqlx::{Executor, PgPool, Row};
use support::pg::TestDb;

/// Everything the migrations define in the schema, one line per object, sorted.
async fn schema(pool: &PgPool) -> String {
    sqlx::query_scalar(
        "SELECT string_agg(x, E'\\n' ORDER BY x) FROM (
           SELECT 'rel ' || c.relname || ' ' || c.relkind::text || ' ' || coalesce(obj_description(c.oid, 'pg_class'), '')
           FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace
           UNION ALL
           SELECT 'col ' || a.attrelid::regclass || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                  || ' ' || a.attnotnull || ' ' || coalesce(col_description(a.attrelid, a.attnum), '')
           FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
           WHERE c.relnamespace = current_schema()::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
           UNION ALL
           SELECT 'fn ' || p.oid::regprocedure || ' ' || md5(pg_get_functiondef(p.oid)) || ' '
                  || coalesce(p.proacl::text, '') || ' ' || coalesce(obj_description(p.oid, 'pg_proc'), '')
           FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace
           UNION ALL
           SELECT 'idx ' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
           WHERE c.relnamespace = current_schema()::regnamespace
           UNION ALL
           SELECT 'con ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
           WHERE connamespace = current_schema()::regnamespace
           UNION ALL
           SELECT 'type ' || typname FROM pg_type WHERE typnamespace = current_schema()::regnamespace
           UNION ALL
           SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal
         ) AS s(x)",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn every_migration_runs_in_a_transaction() {
    assert!(MIGRATOR.iter().count() >= 5);
    for m in MIGRATOR.iter() {
        assert!(
            !m.no_tx,
            "migration {} {} must run in a transaction",
            m.version, m.description
        );
    }
}

#[tokio::test]
async fn running_the_migrations_twice_changes_nothing() {
    let db = TestDb::empty().await;
    MIGRATOR.run(db.pool()).await.unwrap();
    let first = schema(db.pool()).await;
    MIGRATOR.run(db.pool()).await.unwrap();
    assert_eq!(schema(db.pool()).await, first);
    // The SQL itself is idempotent too: each file run again by hand, in a transaction.
    for m in MIGRATOR.iter() {
        let mut tx = db.pool().begin().await.unwrap();
        tx.execute(sqlx::raw_sql(&m.sql))
            .await
            .unwrap_or_else(|e| panic!("re-running {} failed: {e}", m.description));
        tx.commit().await.unwrap();
    }
    assert_eq!(schema(db.pool()).await, first);
}

#[tokio::test]
async fn every_timing_column_and_index_has_a_comment() {
    let db = TestDb::new().await;
    let uncommented: Vec<String> = sqlx::query_scalar(
        "SELECT a.attrelid::regclass || '.' || a.attname FROM pg_attribute a
         WHERE a.attrelid IN ('videos'::regclass, 'video_stage_timings'::regclass)
           AND a.attnum > 0 AND NOT a.attisdropped
           AND (a.attname IN ('queued_at', 'processing_started_at', 'processing_finished_at',
                              'processing_duration_ms', 'processing_stage', 'processing_attempt')
                OR a.attrelid = 'video_stage_timings'::regclass AND a.attname <> 'video_id')
           AND col_description(a.attrelid, a.attnum) IS NULL
         UNION ALL
         SELECT i.indexrelid::regclass::text FROM pg_index i
         WHERE i.indrelid IN ('user_profiles'::regclass, 'videos'::regclass,
                              'search_queries'::regclass, 'video_stage_timings'::regclass)
           AND obj_description(i.indexrelid, 'pg_class') IS NULL",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    assert!(uncommented.is_empty(), "no COMMENT on {uncommented:?}");
    let indexes: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pg_index WHERE indrelid = 'videos'::regclass")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert!(
        indexes >= 5,
        "the contract's four indexes and the primary key"
    );
}

#[tokio::test]
async fn migrating_an_origin_database_adds_columns_and_keeps_every_row() {
    let db = TestDb::empty().await;
    // The origin's tables as they were before timing existed (no timing columns, no stage table).
    db.pool()
        .execute(sqlx::raw_sql(
            "CREATE TYPE video_status AS ENUM ('PENDING', 'PROCESSING', 'READY', 'FAILED');
             CREATE TABLE user_profiles (user_id uuid PRIMARY KEY, full_name text NOT NULL,
                 created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
                 preferred_language text DEFAULT 'ko');
             CREATE TABLE videos (id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
                 owner_id uuid NOT NULL REFERENCES user_profiles (user_id), storage_path text NOT NULL,
                 filename text, status video_status NOT NULL DEFAULT 'PENDING', duration_s float8,
                 frame_rate float8, width int, height int, error_message text,
                 created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
                 video_summary text);
             INSERT INTO user_profiles (user_id, full_name, preferred_language)
                 VALUES ('00000000-0000-0000-0000-00000000000a', 'Alice', 'en');
             INSERT INTO videos (id, owner_id, storage_path, status, duration_s, video_summary)
                 VALUES ('00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-00000000000a',
                         'a.mp4', 'READY', 60, 'a summary');",
        ))
        .await
        .unwrap();
    MIGRATOR.run(db.pool()).await.unwrap();
    let row = sqlx::query(
        "SELECT v.status::text AS status, v.duration_s, v.video_summary, v.processing_finished_at,
                v.processing_attempt, p.preferred_language
         FROM videos v JOIN user_profiles p ON p.user_id = v.owner_id",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("status"), "READY");
    assert_eq!(row.get::<f64, _>("duration_s"), 60.0);
    assert_eq!(row.get::<String, _>("video_summary"), "a summary");
    assert_eq!(row.get::<String, _>("preferred_language"), "en");
    assert!(row
        .get::<Option<chrono::DateTime<chrono::Utc>>, _>("processing_finished_at")
        .is_none());
    assert!(row.get::<Option<i32>, _>("processing_attempt").is_none());
    let stage_rows: i64 = sqlx::query_scalar("SELECT count(*) FROM video_stage_timings")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(stage_rows, 0);
}
