//! The dashboard's CSV exports cannot carry a spreadsheet formula: a text cell starting with `=`,
//! `+`, `-`, `@`, tab or CR (a user's name, a search query) is written with a leading `'`, the
//! OWASP way, while numbers, negative ones included, stay numbers. Checked in headless Chromium
//! (see `dashboard_in_browser.rs`) on CSV the page builds from a real server's answers.

#[path = "support/browser.rs"]
mod browser;
#[path = "support/browser_page.rs"]
#[allow(dead_code)] // this test reads no shown numbers
mod browser_page;
mod support;

use std::sync::Arc;

use browser::Browser;
use browser_page::{click_and_load, loaded};
use heimdex_core::record::{SearchRecord, UserProfile};
use heimdex_core::testkit::golden::{self, Golden};
use heimdex_core::testkit::Import;
use heimdex_core::{SearchId, UserId};
use serde_json::json;
use support::{tokens, TestServer};

/// (a user's name as stored, its CSV field as exported).
const NAMES: [(&str, &str); 7] = [
    (
        "=HYPERLINK(\"http://x.example\",\"open\")",
        "\"'=HYPERLINK(\"\"http://x.example\"\",\"\"open\"\")\"",
    ),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "\"'\r=1\""),
    ("Plain O'Name", "Plain O'Name"),
];

/// The query Alice searched for, and its exported field.
const QUERY: (&str, &str) = ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0");

/// The golden rows, a profile per dangerous name, and Alice's formula-like search.
async fn server() -> TestServer {
    let store = Arc::new(heimdex_core::memory::MemoryStore::new());
    let golden = Golden::new(heimdex_core::time::now());
    let mut data = golden.dataset.clone();
    data.profiles
        .extend(NAMES.iter().map(|(name, _)| UserProfile {
            user_id: UserId::new_v4(),
            full_name: (*name).to_owned(),
            created_at: golden.now,
            updated_at: golden.now,
        }));
    data.searches.push(SearchRecord {
        id: SearchId::new_v4(),
        user_id: Some(golden::ALICE),
        video_id: None,
        query_text: QUERY.0.to_owned(),
        results_count: Some(-1),
        latency_ms: Some(12),
        created_at: golden.now,
    });
    store.import(&data).await.unwrap();
    TestServer::start(store).await
}

async fn export(b: &Browser, name: &str) -> String {
    let script =
        format!("const done = arguments[arguments.length - 1]; HX.exportCsv('{name}').then(done);");
    b.run_async(&script).await.as_str().unwrap().to_owned()
}

#[tokio::test]
async fn exported_text_cells_never_start_a_formula_and_numbers_stay_numbers() {
    let b = Browser::launch().await;
    let server = server().await;
    let base = format!("http://{}/dashboard/", server.addr);
    b.goto(&format!("{base}#token={}", tokens::admin())).await;
    assert_eq!(loaded(&b, 0).await, "ready");

    let users = export(&b, "users").await;
    for (name, field) in NAMES {
        assert!(
            users.contains(&format!(",{field},")),
            "{name:?} should be exported as {field:?}:\n{users}"
        );
    }

    let alice = format!("[data-user-id='{}']", golden::ALICE);
    assert_eq!(click_and_load(&b, &alice).await, "ready");
    let searches = export(&b, "user-searches").await;
    let row = searches
        .split("\r\n")
        .find(|line| line.contains("calc"))
        .unwrap_or_else(|| panic!("no formula-like query in:\n{searches}"));
    assert!(row.starts_with(&format!("{},", QUERY.1)), "{row}");
    assert!(
        row.contains(",-1,") || row.ends_with(",-1"),
        "a negative count stays a number: {row}"
    );

    // The page's own CSV writer: numbers are never prefixed, text that looks like one is.
    let csv = b
        .run("return HX.csv(['n', 'x', 's'], [{ n: -5, x: -0.25, s: '-5' }]);")
        .await;
    assert_eq!(csv, json!("n,x,s\r\n-5,-0.25,'-5\r\n"));
    b.close().await;
}
