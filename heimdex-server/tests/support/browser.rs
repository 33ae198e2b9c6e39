//! A minimal W3C WebDriver client for the dashboard tests: starts Debian's `chromedriver` on a
//! free port, opens one headless Chromium session and drives it over HTTP with hyper and
//! serde_json (already test dependencies), so the browser tests add no crate to the build.
//!
//! Waiting is by condition (a script that turns true), with a generous deadline that only bounds a
//! hang; no assertion depends on how long anything takes.
#![allow(dead_code)]

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use hyper::{Body, Client, Method, Request};
use serde_json::{json, Value};

/// The W3C key of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long a wait may last before the test fails as hung.
const DEADLINE: Duration = Duration::from_secs(60);

/// Where Debian installs the browser and its driver (override with `HEIMDEX_CHROMIUM` and
/// `HEIMDEX_CHROMEDRIVER`).
fn binary(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// A headless Chromium session; the driver process ends when this is dropped.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
}

impl Browser {
    /// Starts chromedriver and a session. Without Chromium and chromedriver the test fails,
    /// naming the packages that provide them.
    pub async fn launch() -> Browser {
        let chromium = binary("HEIMDEX_CHROMIUM", "/usr/bin/chromium");
        let driver = binary("HEIMDEX_CHROMEDRIVER", "/usr/bin/chromedriver");
        assert!(
            chromium.exists() && driver.exists(),
            "{} or {} is missing: install them with `apt-get install -y chromium chromium-driver`",
            chromium.display(),
            driver.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver.display()));
        let mut browser = Browser {
            driver: child,
            base: format!("http://127.0.0.1:{port}"),
            session: String::new(),
        };
        let started = Instant::now();
        loop {
            let ready = browser.call(Method::GET, "/status", None).await;
            if ready.as_ref().is_ok_and(|v| v["value"]["ready"] == true) {
                break;
            }
            assert!(
                started.elapsed() < DEADLINE,
                "chromedriver never became ready: {ready:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1400,1800", "--lang=en-US"]
            }
        }}});
        let answer = browser
            .call(Method::POST, "/session", Some(capabilities))
            .await
            .expect("cannot open a Chromium session");
        browser.session = answer["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session id in {answer}"))
            .to_string();
        browser
    }

    /// One WebDriver command; `Err` carries the driver's error answer.
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value, String> {
        let request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
            .unwrap();
        let response = Client::new()
            .request(request)
            .await
            .map_err(|e| e.to_string())?;
        let ok = response.status().is_success();
        let bytes = hyper::body::to_bytes(response.into_body())
            .await
            .map_err(|e| e.to_string())?;
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        if ok {
            Ok(value)
        } else {
            Err(value.to_string())
        }
    }

    /// A command in this session; panics with the driver's answer on error.
    async fn command(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.session);
        match self.call(method, &path, body).await {
            Ok(v) => v["value"].clone(),
            Err(e) => panic!("WebDriver {path} failed: {e}"),
        }
    }

    /// Opens `url`.
    pub async fn goto(&self, url: &str) {
        self.command(Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its value.
    pub async fn run(&self, script: &str, args: Value) -> Value {
        self.command(
            Method::POST,
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
        .await
    }

    /// Runs an async `script` that ends by calling `arguments[arguments.length - 1](value)`.
    pub async fn run_async(&self, script: &str) -> Value {
        self.command(
            Method::POST,
            "/execute/async",
            Some(json!({ "script": script, "args": [] })),
        )
        .await
    }

    /// Waits until `script` returns something truthy, and returns it.
    pub async fn wait_for(&self, what: &str, script: &str) -> Value {
        let started = Instant::now();
        loop {
            let v = self.run(script, json!([])).await;
            if !(v.is_null() || v == false || v == "" || v == 0) {
                return v;
            }
            assert!(started.elapsed() < DEADLINE, "gave up waiting for {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The element matching the CSS `selector` (the first one), as a WebDriver reference.
    pub async fn find(&self, selector: &str) -> String {
        let v = self
            .command(
                Method::POST,
                "/element",
                Some(json!({ "using": "css selector", "value": selector })),
            )
            .await;
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element for {selector}: {v}"))
            .to_string()
    }

    /// Clicks the element matching `selector` the way a user would (scrolls it into view first).
    pub async fn click(&self, selector: &str) {
        let id = self.find(selector).await;
        self.command(
            Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        )
        .await;
    }

    /// Types `text` into the element matching `selector`.
    pub async fn type_into(&self, selector: &str, text: &str) {
        let id = self.find(selector).await;
        self.command(
            Method::POST,
            &format!("/element/{id}/value"),
            Some(json!({ "text": text })),
        )
        .await;
    }

    /// The text the user sees in the element matching `selector`.
    pub async fn text(&self, selector: &str) -> String {
        let id = self.find(selector).await;
        let v = self
            .command(Method::GET, &format!("/element/{id}/text"), None)
            .await;
        v.as_str().unwrap_or_default().to_string()
    }

    /// Saves a PNG of the page as `target/browser-artifacts/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let v = self.command(Method::GET, "/screenshot", None).await;
        let png = base64_decode(v.as_str().expect("screenshot is base64"));
        let dir = artifacts_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        eprintln!("screenshot: {}", path.display());
        path
    }

    /// Closes the session (the driver is stopped on drop).
    pub async fn close(self) {
        let path = format!("/session/{}", self.session);
        let _ = self.call(Method::DELETE, &path, None).await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The process group of the chromedriver this client started (its own group), so a test
        // that panics before `close` leaves no Chromium behind.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// `target/browser-artifacts`, under `CARGO_TARGET_DIR` when set.
pub fn artifacts_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"),
            PathBuf::from,
        )
        .join("browser-artifacts")
}

/// Standard base64 (with padding) to bytes; WebDriver screenshots come this way.
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let clean: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let digits: Vec<u8> = chunk
            .iter()
            .filter(|&&c| c != b'=')
            .map(|&c| value(c))
            .collect();
        let n = digits
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, d)| n | (u32::from(*d) << (18 - 6 * i)));
        for i in 0..digits.len().saturating_sub(1) {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}
