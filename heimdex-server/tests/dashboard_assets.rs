//! The dashboard's files over real HTTP, without a browser: each answers 200 with its content type
//! and a same-origin-only CSP and no authentication, `/` sends browsers to the page, and the API's
//! JSON 404/405 answers are unchanged around it.

mod support;

use support::slow::SlowStore;
use support::TestServer;

const FILES: [(&str, &str); 7] = [
    ("/dashboard/", "text/html; charset=utf-8"),
    ("/dashboard", "text/html; charset=utf-8"),
    ("/dashboard/format.js", "text/javascript; charset=utf-8"),
    ("/dashboard/charts.js", "text/javascript; charset=utf-8"),
    ("/dashboard/panels.js", "text/javascript; charset=utf-8"),
    ("/dashboard/users.js", "text/javascript; charset=utf-8"),
    ("/dashboard/app.js", "text/javascript; charset=utf-8"),
];

#[tokio::test]
async fn every_file_answers_200_with_its_type_and_no_auth() {
    let server = TestServer::start(SlowStore::new()).await;
    let files = FILES
        .iter()
        .copied()
        .chain([("/dashboard/style.css", "text/css; charset=utf-8")]);
    for (path, content_type) in files {
        let reply = server.get(path, &[]).await;
        assert_eq!(reply.status, 200, "{path}: {}", reply.text);
        assert_eq!(reply.headers["content-type"], content_type, "{path}");
        assert_eq!(reply.headers["x-content-type-options"], "nosniff", "{path}");
        let csp = reply.headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("connect-src 'self'"), "{path}: {csp}");
        assert!(!reply.text.is_empty(), "{path}");
    }
}

#[tokio::test]
async fn the_page_names_every_file_it_needs_and_nothing_remote() {
    let server = TestServer::start(SlowStore::new()).await;
    let page = server.get("/dashboard/", &[]).await.text;
    for (path, _) in FILES.iter().skip(2) {
        assert!(page.contains(&format!(r#"src="{path}""#)), "{path}");
    }
    assert!(page.contains(r#"href="/dashboard/style.css""#));
    assert!(!page.contains("http://") && !page.contains("https://"));
}

#[tokio::test]
async fn browsers_asking_for_slash_go_to_the_dashboard() {
    let server = TestServer::start(SlowStore::new()).await;
    let reply = server
        .get(
            "/",
            &[("accept", "text/html,application/xhtml+xml,*/*;q=0.8")],
        )
        .await;
    assert_eq!(reply.status, 303, "{}", reply.text);
    assert_eq!(reply.headers["location"], "/dashboard/");
}

#[tokio::test]
async fn api_clients_keep_the_json_404_and_405() {
    let server = TestServer::start(SlowStore::new()).await;
    server.get("/", &[]).await.assert_error(404, "Not Found");
    let json = [("accept", "application/json")];
    server.get("/", &json).await.assert_error(404, "Not Found");
    for path in [
        "/dashboard/nope.js",
        "/dashboard/app.js/x",
        "/v1/admin/nope",
    ] {
        server.get(path, &[]).await.assert_error(404, "Not Found");
    }
    for method in ["POST", "PUT", "DELETE"] {
        server
            .send(method, "/dashboard/app.js", &[])
            .await
            .assert_error(405, "Method Not Allowed");
    }
}
