//! Headless Chromium for the dashboard tests: starts Debian's `chromedriver` on a free port and
//! drives one session through it with fantoccini, over plain HTTP on loopback.
//!
//! Waiting is by condition (a script that turns true, chromedriver that listens), polled against a
//! generous deadline that only bounds a hang; no assertion depends on how long anything takes.
#![allow(dead_code)]

use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::error::NewSessionError;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

/// How long a wait may last before the test fails as hung.
const DEADLINE: Duration = Duration::from_secs(60);
/// How often a wait checks its condition again.
const POLL: Duration = Duration::from_millis(50);

/// Where Debian installs the browser and its driver (override with `HEIMDEX_CHROMIUM` and
/// `HEIMDEX_CHROMEDRIVER`).
fn binary(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// A headless Chromium session; the driver process ends when this is dropped. Its helpers panic
/// with the driver's error.
pub struct Browser {
    client: Client,
    driver: Child,
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
        let mut child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver.display()));
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1400,1800", "--lang=en-US"]
            }
        });
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities.as_object().unwrap().clone());
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        // Until chromedriver listens, connecting is refused; any other error is final.
        let client = loop {
            match builder.connect(&url).await {
                Ok(client) => break client,
                Err(NewSessionError::FailedC(e)) if started.elapsed() < DEADLINE => {
                    if let Some(status) = child.try_wait().unwrap() {
                        panic!(
                            "{} exited ({status}) before it listened: {e}",
                            driver.display()
                        );
                    }
                    tokio::time::sleep(POLL).await;
                }
                Err(e) => panic!("cannot open a Chromium session through {url}: {e}"),
            }
        };
        Browser {
            client,
            driver: child,
        }
    }

    /// Opens `url`.
    pub async fn goto(&self, url: &str) {
        let opened = self.client.goto(url).await;
        opened.unwrap_or_else(|e| panic!("cannot open {url}: {e}"));
    }

    /// Runs `script` (a function body) and returns its value.
    pub async fn run(&self, script: &str) -> Value {
        let v = self.client.execute(script, vec![]).await;
        v.unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Runs an async `script` that ends by calling `arguments[arguments.length - 1](value)`.
    pub async fn run_async(&self, script: &str) -> Value {
        let v = self.client.execute_async(script, vec![]).await;
        v.unwrap_or_else(|e| panic!("async script failed: {e}\n{script}"))
    }

    /// Waits until `script` returns something truthy, and returns it.
    pub async fn wait_for(&self, what: &str, script: &str) -> Value {
        let started = Instant::now();
        loop {
            let v = self.run(script).await;
            if !(v.is_null() || v == false || v == "" || v == 0) {
                return v;
            }
            assert!(started.elapsed() < DEADLINE, "gave up waiting for {what}");
            tokio::time::sleep(POLL).await;
        }
    }

    /// The first element matching the CSS `selector`.
    pub async fn element(&self, selector: &str) -> Element {
        let found = self.client.find(Locator::Css(selector)).await;
        found.unwrap_or_else(|e| panic!("no element for {selector}: {e}"))
    }

    /// Clicks the element matching `selector` the way a user would (scrolls it into view first).
    pub async fn click(&self, selector: &str) {
        let clicked = self.element(selector).await.click().await;
        clicked.unwrap_or_else(|e| panic!("cannot click {selector}: {e}"));
    }

    /// Types `text` into the element matching `selector`.
    pub async fn type_into(&self, selector: &str, text: &str) {
        let typed = self.element(selector).await.send_keys(text).await;
        typed.unwrap_or_else(|e| panic!("cannot type into {selector}: {e}"));
    }

    /// The text the user sees in the element matching `selector`.
    pub async fn text(&self, selector: &str) -> String {
        let text = self.element(selector).await.text().await;
        text.unwrap_or_else(|e| panic!("no text for {selector}: {e}"))
    }

    /// Saves a PNG of the page as `target/browser-artifacts/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self.client.screenshot().await.expect("a screenshot");
        let dir = artifacts_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        eprintln!("screenshot: {}", path.display());
        path
    }

    /// Ends the session (the driver is stopped on drop).
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
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
