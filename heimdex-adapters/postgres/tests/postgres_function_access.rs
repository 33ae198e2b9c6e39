//! The metric functions are executable only by roles granted them, and none is SECURITY DEFINER
//! without a pinned search_path.

use heimdex_testsupport as support;

use sqlx::{Connection, Executor, PgConnection, Row};
use support::pg::TestDb;

/// One call of every metric function (arguments valid).
const CALLS: [&str; 13] = [
    "SELECT * FROM get_admin_overview_metrics()",
    "SELECT * FROM get_throughput_timeseries(30)",
    "SELECT * FROM get_search_timeseries(30)",
    "SELECT * FROM get_admin_users_list(7, 50, 0, 'last_activity')",
    "SELECT get_admin_users_total()",
    "SELECT * FROM get_admin_user_detail('00000000-0000-0000-0000-00000000000a', 7)",
    "SELECT * FROM get_admin_processing_latency(30)",
    "SELECT * FROM get_admin_rtf_distribution(30)",
    "SELECT * FROM get_admin_queue_analysis(30)",
    "SELECT * FROM get_admin_failures_by_stage(30)",
    "SELECT * FROM get_admin_throughput_timeseries_v2(30)",
    "SELECT * FROM get_admin_stage_latency(30)",
    "SELECT * FROM get_admin_stage_latency_v2(30)",
];

/// Runs `call` as `role` (in a transaction rolled back afterwards); the SQLSTATE on failure.
async fn call_as(conn: &mut PgConnection, role: &str, call: &str) -> Result<(), String> {
    let mut tx = conn.begin().await.unwrap();
    tx.execute(format!("SET LOCAL ROLE {role}").as_str())
        .await
        .unwrap();
    let result = tx.execute(call).await.map(|_| ()).map_err(|e| match e {
        sqlx::Error::Database(d) => d.code().unwrap_or_default().into_owned(),
        other => other.to_string(),
    });
    tx.rollback().await.ok();
    result
}

#[tokio::test]
async fn a_role_without_the_grant_cannot_execute_any_metric_function() {
    let db = TestDb::new().await;
    let role = format!("heimdex_nogrant_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::connect(db.url()).await.unwrap();
    conn.execute(format!("CREATE ROLE {role} NOLOGIN").as_str())
        .await
        .unwrap();
    for call in CALLS {
        assert_eq!(
            call_as(&mut conn, &role, call).await,
            Err("42501".to_owned()),
            "{call} must be refused (insufficient_privilege) to a role without the grant"
        );
    }
    conn.execute(format!("DROP ROLE {role}").as_str())
        .await
        .unwrap();
}

#[tokio::test]
async fn the_heimdex_admin_role_executes_every_metric_function_but_reads_no_table() {
    let db = TestDb::new().await;
    let mut conn = PgConnection::connect(db.url()).await.unwrap();
    for call in CALLS {
        assert_eq!(
            call_as(&mut conn, "heimdex_admin", call).await,
            Ok(()),
            "{call}"
        );
    }
    assert_eq!(
        call_as(&mut conn, "heimdex_admin", "SELECT count(*) FROM videos").await,
        Err("42501".to_owned()),
        "the role reads metrics through the functions only"
    );
    let login: bool =
        sqlx::query_scalar("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'heimdex_admin'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert!(!login, "heimdex_admin is NOLOGIN");
}

#[tokio::test]
async fn every_security_definer_function_pins_its_search_path_and_none_is_public() {
    let db = TestDb::new().await;
    let rows = sqlx::query(
        "SELECT p.oid::regprocedure::text AS name, p.prosecdef, coalesce(p.proconfig, '{}') AS config,
                EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                        WHERE a.grantee = 0) AS public_can_execute
         FROM pg_proc p
         WHERE p.pronamespace = current_schema()::regnamespace",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    let mut metric_functions = 0;
    for row in &rows {
        let name: String = row.get("name");
        let definer: bool = row.get("prosecdef");
        let config: Vec<String> = row.get("config");
        if definer {
            assert!(
                config
                    .iter()
                    .any(|c| c.starts_with("search_path=") && c.ends_with("pg_temp")),
                "{name} is SECURITY DEFINER without a pinned search_path: {config:?}"
            );
        }
        if name.starts_with("get_") {
            metric_functions += 1;
            assert!(definer, "{name} reads the tables for its caller");
            assert!(
                !row.get::<bool, _>("public_can_execute"),
                "{name} is executable by PUBLIC"
            );
        }
    }
    assert_eq!(metric_functions, CALLS.len());
}

#[tokio::test]
async fn every_windowed_function_rejects_days_outside_1_to_365() {
    let db = TestDb::new().await;
    for call in CALLS
        .iter()
        .filter(|c| c.contains("(30)") || c.contains("(7"))
    {
        for days in ["0", "366", "-1", "NULL"] {
            let bad = call.replacen("(30)", &format!("({days})"), 1).replacen(
                "(7,",
                &format!("({days},"),
                1,
            );
            let bad = bad.replacen("', 7)", &format!("', {days})"), 1);
            let err = sqlx::query(&bad).fetch_all(db.pool()).await.unwrap_err();
            let sqlx::Error::Database(e) = err else {
                panic!("{bad}: {err}")
            };
            assert_eq!(e.code().as_deref(), Some("22023"), "{bad}");
            assert_eq!(e.message(), "Range must be between 1d and 365d", "{bad}");
        }
    }
}
