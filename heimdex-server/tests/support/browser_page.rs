//! Reading the dashboard from a test: when a load has finished, the raw value behind a shown
//! number (`data-value`), the text a user sees, and how many elements match.

use serde_json::{json, Value};

use super::browser::Browser;

/// Waits for the page to finish a load newer than `after`, and returns its state
/// (`ready`, `error` or `signin`).
pub async fn loaded(b: &Browser, after: u64) -> String {
    let script = format!(
        "const d = document.body.dataset; \
         return Number(d.loadSeq) > {after} && d.state !== 'loading' && d.state;"
    );
    let state = b.wait_for("the page to load", &script).await;
    state.as_str().unwrap().to_string()
}

/// The number of the last finished load.
pub async fn seq(b: &Browser) -> u64 {
    let v = b
        .run("return Number(document.body.dataset.loadSeq);", json!([]))
        .await;
    v.as_u64().unwrap()
}

/// Clicks `selector`, then waits for the load it starts.
pub async fn click_and_load(b: &Browser, selector: &str) -> String {
    let before = seq(b).await;
    b.click(selector).await;
    loaded(b, before).await
}

/// The raw value behind the number shown at `data-testid=testid`.
pub async fn raw(b: &Browser, testid: &str) -> Value {
    let v = b
        .run(
            "const e = document.querySelector(`[data-testid='${arguments[0]}']`); \
             return e && e.dataset.value;",
            json!([testid]),
        )
        .await;
    let text = v
        .as_str()
        .unwrap_or_else(|| panic!("{testid} is not on the page"));
    serde_json::from_str(text).unwrap_or(Value::Null)
}

/// The text a user sees at `data-testid=testid`.
pub async fn shown(b: &Browser, testid: &str) -> String {
    b.text(&format!("[data-testid='{testid}']")).await
}

/// How many elements match `selector`.
pub async fn count(b: &Browser, selector: &str) -> u64 {
    let v = b
        .run(
            "return document.querySelectorAll(arguments[0]).length;",
            json!([selector]),
        )
        .await;
    v.as_u64().unwrap()
}
