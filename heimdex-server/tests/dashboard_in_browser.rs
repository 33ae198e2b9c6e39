//! The dashboard in headless Chromium (Debian's `chromium` + `chromium-driver`) against a server
//! with the golden data of docs/spec.md#golden-data (plus 22 idle profiles, so the users table
//! has two pages):
//! the page shows the golden numbers, the range picker changes what the server is asked, paging
//! and the user detail work, and access and server errors get their own messages.
//! Screenshots go to `target/browser-artifacts/`. Without Chromium or chromedriver the tests fail
//! (they never skip) and say what to install: `apt-get install -y chromium chromium-driver`.

#[path = "support/browser.rs"]
mod browser;
#[path = "support/browser_page.rs"]
mod browser_page;
#[path = "support/browser_spy.rs"]
mod browser_spy;
mod support;

use std::sync::Arc;

use browser::Browser;
use browser_page::{click_and_load, count, loaded, raw, shown};
use browser_spy::Spy;
use heimdex_core::record::UserProfile;
use heimdex_core::testkit::golden::{self, Golden};
use heimdex_core::testkit::Import;
use heimdex_core::UserId;
use serde_json::json;
use support::golden_checks::close;
use support::{tokens, TestServer};

/// The golden rows and 22 profiles without activity, served through a [`Spy`].
async fn golden_server() -> (TestServer, Arc<Spy>) {
    let store = Arc::new(heimdex_core::memory::MemoryStore::new());
    let golden = Golden::new(heimdex_core::time::now());
    let mut data = golden.dataset.clone();
    data.profiles.extend((1..=22).map(|i| UserProfile {
        user_id: UserId::new_v4(),
        full_name: format!("Seeded user {i:02}"),
        created_at: golden.now,
        updated_at: golden.now,
    }));
    store.import(&data).await.unwrap();
    let spy = Spy::new(store);
    (TestServer::start(spy.clone()).await, spy)
}

async fn golden_numbers(b: &Browser) {
    let o = Golden::expected_overview();
    assert_eq!(raw(b, "kpi-videos").await, json!(o.videos_total));
    assert_eq!(raw(b, "kpi-ready").await, json!(o.videos_ready_total));
    assert_eq!(raw(b, "kpi-failed").await, json!(o.videos_failed_total));
    close(&raw(b, "kpi-failure-rate").await, 25.0, "failure rate");
    close(&raw(b, "kpi-hours").await, 1.5, "hours");
    assert_eq!(raw(b, "kpi-searches-7d").await, json!(3));
    assert_eq!(raw(b, "kpi-searches-30d").await, json!(4));
    assert_eq!(shown(b, "kpi-failure-rate").await, "25.0 %");
    assert_eq!(shown(b, "kpi-success-rate").await, "50.0 %");
    assert_eq!(shown(b, "kpi-hours").await, "1.5 h");
    assert_eq!(shown(b, "kpi-search-latency-30d").await, "362.5 ms");

    let l = Golden::expected_latency();
    assert_eq!(raw(b, "latency-measured").await, json!(3));
    for (testid, want) in [
        ("latency-p50", l.p50_processing_ms),
        ("latency-p95", l.p95_processing_ms),
        ("latency-p99", l.p99_processing_ms),
    ] {
        close(&raw(b, testid).await, want.unwrap(), testid);
    }
    close(&raw(b, "latency-p95").await, 3_486_000.0, "contract p95");
    assert_eq!(shown(b, "latency-p50").await, "50.0 min");
    assert_eq!(shown(b, "latency-p99").await, "58.8 min");
    assert_eq!(shown(b, "rtf-p95").await, "1.91");
    assert_eq!(shown(b, "rtf-avg").await, "1.40");
    close(&raw(b, "queue-pct").await, 9.836065573770492, "queue share");

    assert_eq!(count(b, "[data-testid='failure-row']").await, 1);
    assert_eq!(shown(b, "failure-stage").await, "transcription");
    assert_eq!(raw(b, "failure-count").await, json!(1));
    assert_eq!(shown(b, "failure-pct").await, "100.0 %");
    let stages = Golden::expected_stage_latency();
    assert_eq!(
        count(b, "[data-testid='stage-row']").await,
        stages.len() as u64
    );
    close(
        &raw(b, "stage-p95").await,
        stages[0].p95_ms.unwrap(),
        "stage p95",
    );
    let csv = b
        .run_async(
            "const done = arguments[arguments.length - 1]; HX.exportCsv('failures').then(done);",
        )
        .await;
    assert_eq!(
        csv,
        "processing_stage,failure_count,failure_pct\r\ntranscription,1,100\r\n"
    );
}

/// The formatting rules, checked on the page's own functions.
async fn readable_numbers(b: &Browser) {
    let got = b
        .run(
            "return [HX.int(1234567), HX.ms(362.5), HX.ms(12345), HX.ms(3000000), HX.ms(5430000), \
             HX.rtf(1.9553333), HX.pct(9.836065573770492), HX.int(null)];",
        )
        .await;
    assert_eq!(
        got,
        json!([
            "1,234,567",
            "362.5 ms",
            "12.35 s",
            "50.0 min",
            "1.51 h",
            "1.96",
            "9.8 %",
            "—"
        ])
    );
}

#[tokio::test]
async fn the_dashboard_shows_the_golden_numbers_and_follows_range_and_pages() {
    let b = Browser::launch().await;
    let (server, spy) = golden_server().await;
    let base = format!("http://{}/dashboard/", server.addr);
    let token = tokens::admin();
    b.goto(&format!("{base}#token={token}")).await;
    assert_eq!(loaded(&b, 0).await, "ready");
    let href = b.run("return location.href;").await;
    assert!(!href.as_str().unwrap().contains("token"), "{href}");
    let kept = b
        .run("return sessionStorage.getItem('heimdex.token');")
        .await;
    assert_eq!(kept, json!(token));
    assert_eq!(spy.windows("latency"), vec![30], "the default range");
    golden_numbers(&b).await;
    readable_numbers(&b).await;
    b.screenshot("golden-30d").await;

    spy.clear();
    assert_eq!(
        click_and_load(&b, "[data-testid='range-7d']").await,
        "ready"
    );
    for call in [
        "latency",
        "rtf",
        "queue",
        "failures_by_stage",
        "throughput_v2",
    ] {
        assert_eq!(spy.windows(call), vec![7], "{call}");
    }
    assert_eq!(spy.windows("users"), vec![7]);
    assert_eq!(shown(&b, "range-label").await, "last 7 days");
    let hash = b.run("return location.hash;").await;
    assert_eq!(hash, "#range=7d");
    let bars = "[data-testid='throughput-chart'] g[data-day]";
    assert_eq!(
        count(&b, bars).await,
        8,
        "every day of the window, empty ones too"
    );
    assert_eq!(raw(&b, "throughput-ready").await, json!(2));
    assert_eq!(raw(&b, "throughput-failed").await, json!(1));

    spy.clear();
    b.run("window.beforeReload = true; location.reload();")
        .await;
    b.wait_for(
        "the reloaded page",
        "return !window.beforeReload && document.body.dataset.state === 'ready';",
    )
    .await;
    assert_eq!(
        spy.windows("latency"),
        vec![7],
        "the range survives a reload"
    );
    b.screenshot("golden-7d").await;

    assert_eq!(raw(&b, "users-total").await, json!(25));
    assert_eq!(count(&b, "[data-testid='user-row']").await, 20);
    assert_eq!(
        click_and_load(&b, "[data-testid='users-next']").await,
        "ready"
    );
    assert_eq!(count(&b, "[data-testid='user-row']").await, 5);
    assert_eq!(shown(&b, "users-page").await, "Page 2 of 2");
    b.screenshot("users-page-2").await;
    assert_eq!(
        click_and_load(&b, "[data-testid='users-prev']").await,
        "ready"
    );
    assert_eq!(shown(&b, "users-page").await, "Page 1 of 2");

    let alice = format!("[data-user-id='{}']", golden::ALICE);
    assert_eq!(click_and_load(&b, &alice).await, "ready");
    assert_eq!(shown(&b, "detail-name").await, "Alice");
    assert_eq!(raw(&b, "detail-videos-ready").await, json!(2));
    assert_eq!(count(&b, "[data-testid='detail-video-row']").await, 3);
    assert_eq!(count(&b, "[data-testid='detail-search-row']").await, 3);
    b.screenshot("user-detail").await;
    assert_eq!(
        click_and_load(&b, "[data-testid='detail-close']").await,
        "ready"
    );
    let detail_hidden = "return document.querySelector('[data-testid=user-detail]').hidden;";
    assert_eq!(b.run(detail_hidden).await, true);

    assert_eq!(
        click_and_load(&b, "[data-testid='sort-hours_ready']").await,
        "ready"
    );
    let first = "return document.querySelector('[data-testid=user-row]').dataset.userId;";
    assert_eq!(b.run(first).await, json!(golden::ALICE.to_string()));
    let hash = b.run("return location.hash;").await;
    assert_eq!(hash, "#range=7d&sort=hours_ready");
    let users_csv = b
        .run_async(
            "const done = arguments[arguments.length - 1]; HX.exportCsv('users').then(done);",
        )
        .await;
    assert_eq!(
        users_csv.as_str().unwrap().lines().count(),
        26,
        "header and every user"
    );
    b.close().await;
}

#[tokio::test]
async fn access_and_server_errors_get_their_own_messages() {
    let b = Browser::launch().await;
    let (server, spy) = golden_server().await;
    let base = format!("http://{}/dashboard/", server.addr);
    let not_admin = tokens::hs256(
        tokens::SECRET.as_bytes(),
        &tokens::claims(support::NOT_ADMIN),
    );
    b.goto(&format!("{base}#token={not_admin}")).await;
    assert_eq!(loaded(&b, 0).await, "signin");
    let kind = "return document.querySelector('[data-testid=message]').dataset.kind;";
    assert_eq!(b.run(kind).await, "forbidden");
    let text = shown(&b, "message").await;
    assert!(
        text.contains("Not an admin") && text.contains("403"),
        "{text}"
    );
    b.screenshot("not-an-admin").await;

    b.type_into("[data-testid='token-input']", "not-a-jwt")
        .await;
    assert_eq!(
        click_and_load(&b, "[data-testid='sign-in']").await,
        "signin"
    );
    assert_eq!(b.run(kind).await, "auth");
    assert!(shown(&b, "message").await.contains("Sign in again"));

    b.type_into("[data-testid='token-input']", &tokens::admin())
        .await;
    assert_eq!(click_and_load(&b, "[data-testid='sign-in']").await, "ready");
    assert_eq!(
        shown(&b, "message").await,
        "",
        "no message when all is well"
    );

    spy.fail(true);
    assert_eq!(click_and_load(&b, "[data-testid='refresh']").await, "error");
    assert_eq!(b.run(kind).await, "server");
    let text = shown(&b, "message").await;
    assert!(
        text.contains("Server error") && text.contains("500"),
        "{text}"
    );
    assert!(!text.contains("admin"), "{text}");
    b.screenshot("server-error").await;

    spy.fail(false);
    assert_eq!(click_and_load(&b, "[data-testid='refresh']").await, "ready");

    b.click("[data-testid='auto-refresh']").await;
    let auto = "return [document.querySelector('[data-testid=auto-refresh]').checked, \
                sessionStorage.getItem('heimdex.autorefresh')];";
    assert_eq!(b.run(auto).await, json!([false, "off"]));
    b.close().await;
}
