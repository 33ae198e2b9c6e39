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

/// Clicks `selector`, then waits for the load it starts.
pub async fn click_and_load(b: &Browser, selector: &str) -> String {
    let before = b.run("return Number(document.body.dataset.loadSeq);").await;
    b.click(selector).await;
    loaded(b, before.as_u64().unwrap()).await
}

/// The raw value behind the number shown at `data-testid=testid`.
pub async fn raw(b: &Browser, testid: &str) -> Value {
    let selector = json!(format!("[data-testid='{testid}']"));
    let script =
        format!("const e = document.querySelector({selector}); return e && e.dataset.value;");
    let v = b.run(&script).await;
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
    let script = format!(
        "return document.querySelectorAll({}).length;",
        json!(selector)
    );
    b.run(&script).await.as_u64().unwrap()
}
