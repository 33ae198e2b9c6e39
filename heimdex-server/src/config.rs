//! Server configuration: the listener ([`ServerConfig`]) and the per-request HTTP policy
//! ([`HttpConfig`]: CORS origins and limits). Both are plain values; the `heimdex serve` command
//! fills them from flags and the environment (`HEIMDEX_BIND`, `HEIMDEX_CORS_ORIGINS`, …).

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

/// The default listen address: loopback only, so a fresh install is not exposed by accident.
pub const DEFAULT_BIND: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 8080);

/// hyper refuses a read buffer under 8 KiB, so the header limit never goes below it.
pub const MIN_HEADER_BYTES: usize = 8 * 1024;

/// How the server listens and shuts down. No secret lives here.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerConfig {
    /// Address to listen on; port 0 picks a free port (see [`crate::bind`]).
    pub bind: SocketAddr,
    /// Largest request head (request line and headers) accepted; larger ones are refused by the
    /// HTTP layer. At least [`MIN_HEADER_BYTES`].
    pub max_header_bytes: usize,
    /// How long a slow client may take to send its request head.
    pub header_read_timeout: Duration,
    /// After SIGTERM or Ctrl-C, how long requests in flight may take to finish.
    pub shutdown_grace: Duration,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind: DEFAULT_BIND,
            max_header_bytes: 16 * 1024,
            header_read_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

impl ServerConfig {
    /// The default configuration listening on `bind`.
    pub fn new(bind: SocketAddr) -> Self {
        Self {
            bind,
            ..Self::default()
        }
    }

    /// Sets the largest request head accepted.
    pub fn with_max_header_bytes(mut self, max: usize) -> Self {
        self.max_header_bytes = max;
        self
    }

    /// Sets how long requests in flight may take to finish after a shutdown signal.
    pub fn with_shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }
}

/// What every request goes through: CORS and the size and concurrency limits.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpConfig {
    /// Origins a browser may call the API from (`https://admin.example.com`). Empty: no CORS
    /// headers at all (same-origin and non-browser clients only); `*` allows any origin, which is
    /// safe only because the API takes bearer tokens, never cookies.
    pub cors_origins: Vec<String>,
    /// Requests handled at once; any more get 503 `Server busy, retry later` at once rather than
    /// queueing behind slow store queries.
    pub max_in_flight: usize,
    /// Largest request body accepted (the admin API takes none); a larger `Content-Length` is 413.
    pub max_body_bytes: u64,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            cors_origins: Vec::new(),
            max_in_flight: 256,
            max_body_bytes: 16 * 1024,
        }
    }
}

impl HttpConfig {
    /// Sets the allowed CORS origins.
    pub fn with_cors_origins(mut self, origins: Vec<String>) -> Self {
        self.cors_origins = origins;
        self
    }

    /// Sets how many requests are handled at once.
    pub fn with_max_in_flight(mut self, max: usize) -> Self {
        self.max_in_flight = max;
        self
    }

    /// Sets the largest request body accepted.
    pub fn with_max_body_bytes(mut self, max: u64) -> Self {
        self.max_body_bytes = max;
        self
    }

    /// Parses `HEIMDEX_CORS_ORIGINS`: comma-separated, whitespace-trimmed, empty entries ignored.
    pub fn parse_origins(list: &str) -> Vec<String> {
        list.split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Whether `origin` is `*` or `http(s)://host[:port]` (no path, no trailing slash): the forms
    /// a browser sends in `Origin`.
    pub fn is_valid_origin(origin: &str) -> bool {
        if origin == "*" {
            return true;
        }
        let Some(rest) = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"))
        else {
            return false;
        };
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        };
        let host_ok = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        let port_ok = port
            .is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
        host_ok && port_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_listen_on_loopback_8080() {
        assert_eq!(ServerConfig::default().bind.to_string(), "127.0.0.1:8080");
        assert!(ServerConfig::default().max_header_bytes >= MIN_HEADER_BYTES);
    }

    #[test]
    fn origins_are_trimmed_and_empty_entries_dropped() {
        assert_eq!(
            HttpConfig::parse_origins(" https://a.example , ,https://b.example,"),
            ["https://a.example", "https://b.example"]
        );
        assert!(HttpConfig::parse_origins("").is_empty());
    }

    #[test]
    fn only_browser_origin_forms_are_valid() {
        for ok in [
            "*",
            "https://admin.example.com",
            "http://localhost:3000",
            "http://127.0.0.1",
        ] {
            assert!(HttpConfig::is_valid_origin(ok), "{ok}");
        }
        for bad in [
            "admin.example.com",
            "https://",
            "https://a.example/",
            "ftp://a",
            "https://a:x",
            "https://a b",
        ] {
            assert!(!HttpConfig::is_valid_origin(bad), "{bad}");
        }
    }
}
