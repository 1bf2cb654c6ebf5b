//! The dashboard and the report in real headless Chromium, driven through chromedriver (WebDriver).
//!
//! `tandem demo --no-serve` builds a small store, `tandem serve` serves it on 127.0.0.1, and the browser
//! loads every page, checks that charts and the map rendered with non-zero sizes, changes a filter and
//! checks that the URL and the numbers changed. `tandem report` writes a report that the same browser
//! opens; its numbers must equal the JSON API's. Screenshots go to `target/tmp/dashboard-screenshots/`.
//! Without a chromium and chromedriver binary the test prints why and passes (CI installs both).

mod common;

use fantoccini::Locator;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// GET over plain HTTP/1.1, returning the body (the server answers with Content-Length).
fn http_get(base: &str, path: &str) -> String {
    let host = base.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{path}: {head}");
    body.to_string()
}

fn tandem(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(args)
        .output()
        .expect("tandem runs")
}

/// Sizes of every chart on the page: `[[name, width, height], ...]`.
const CHART_SIZES: &str = "return Array.from(document.querySelectorAll('svg.chart')).map(function (s) { \
    var r = s.getBoundingClientRect(); return [s.getAttribute('data-chart'), r.width, r.height]; });";

const FIGURE_VALUES: &str = "var out = {}; document.querySelectorAll('[data-figure]').forEach(function (e) { \
    out[e.getAttribute('data-figure')] = e.getAttribute('data-value'); }); return out;";

fn assert_charts(page: &str, sizes: &Value, at_least: usize) {
    let sizes = sizes.as_array().unwrap();
    assert!(
        sizes.len() >= at_least,
        "{page}: {} charts, expected {at_least}",
        sizes.len()
    );
    for s in sizes {
        assert!(
            s[1].as_f64().unwrap() > 50.0 && s[2].as_f64().unwrap() > 50.0,
            "{page}: chart {} has no size: {s}",
            s[0]
        );
    }
}

async fn screenshot(client: &fantoccini::Client, dir: &Path, name: &str) {
    let png = client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "{name}: not a PNG");
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_and_report_render_in_headless_chromium() {
    let Some(browser) = common::start_browser(1400, 1100).await else {
        return;
    };
    let client = browser.client;
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("dashboard-screenshots");
    std::fs::create_dir_all(&shots).unwrap();

    // A small demo world, through the real generator and ingest, without serving.
    let dir = tempfile::tempdir().unwrap();
    let demo = tandem(&[
        "demo",
        "--works",
        "3000",
        "--dir",
        dir.path().to_str().unwrap(),
        "--no-serve",
        "--quiet",
    ]);
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    assert!(String::from_utf8_lossy(&demo.stdout).contains("SYNTHETIC DEMO WORLD"));
    let store = dir.path().join("store");

    let mut server = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args([
            "serve",
            "--store",
            store.to_str().unwrap(),
            "--addr",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _server = common::Running(server);
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .trim_end_matches('/')
        .to_string();

    let query = "group=russell-group&partner=US&years=2019-2024";
    for (name, path, charts) in [
        ("overview", "/", 3),
        ("partners", "/partners", 2),
        ("members", "/members", 1),
        ("trends", "/trends", 4),
        ("fields", "/fields", 2),
    ] {
        client.goto(&format!("{base}{path}?{query}")).await.unwrap();
        let sizes = client.execute(CHART_SIZES, vec![]).await.unwrap();
        assert_charts(name, &sizes, charts);
        let nav = client
            .execute("return document.body.getAttribute('data-page');", vec![])
            .await
            .unwrap();
        assert_eq!(nav, json!(name));
        screenshot(&client, &shots, name).await;
    }

    // The map: countries drawn with real sizes, partners shaded.
    client
        .goto(&format!("{base}/partners?{query}"))
        .await
        .unwrap();
    let map = client
        .execute(
            "var paths = Array.from(document.querySelectorAll('#chart-partners-map path.country')); \
             var sized = paths.filter(function (p) { var b = p.getBBox(); return b.width > 0 && b.height > 0; }); \
             var shaded = paths.filter(function (p) { return Number(p.getAttribute('data-value')) > 0; }); \
             var us = document.querySelector('#chart-partners-map path[data-country=US]').getBoundingClientRect(); \
             return [paths.length, sized.length, shaded.length, us.width, us.height];",
            vec![],
        )
        .await
        .unwrap();
    let map: Vec<f64> = map
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert!(map[0] > 150.0 && map[1] > 150.0, "map paths: {map:?}");
    assert!(map[2] >= 10.0, "shaded partners: {map:?}");
    assert!(
        map[3] > 20.0 && map[4] > 10.0,
        "the US has no size: {map:?}"
    );
    // The members table links through to a member's page.
    client
        .goto(&format!("{base}/members?{query}"))
        .await
        .unwrap();
    let first = client
        .find(Locator::Css("#members-table tbody tr td a"))
        .await
        .unwrap();
    first.click().await.unwrap();
    client
        .wait()
        .for_element(Locator::Css("#chart-member-by-year"))
        .await
        .unwrap();
    assert!(
        client
            .current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/members/")
    );
    screenshot(&client, &shots, "member").await;

    // Change a filter on the overview: the URL and the numbers follow.
    client.goto(&format!("{base}/?{query}")).await.unwrap();
    let before = client.execute(FIGURE_VALUES, vec![]).await.unwrap();
    let select = client
        .find(Locator::Css("select[name=partner]"))
        .await
        .unwrap();
    select.select_by_value("DE").await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let url = client.current_url().await.unwrap();
        if url.query().unwrap_or("").contains("partner=DE") {
            break;
        }
        assert!(Instant::now() < deadline, "the URL did not change: {url}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    client
        .wait()
        .for_element(Locator::Css("[data-figure=partner_papers]"))
        .await
        .unwrap();
    let after = client.execute(FIGURE_VALUES, vec![]).await.unwrap();
    assert_ne!(
        before["partner_papers"], after["partner_papers"],
        "{before} vs {after}"
    );
    let api: Value = serde_json::from_str(&http_get(
        &base,
        "/api/v1/figures?group=russell-group&partner=DE&years=2019-2024",
    ))
    .unwrap();
    assert_eq!(
        after["partner_papers"],
        json!(api["partner"]["papers"].to_string())
    );
    assert_eq!(before["papers"], after["papers"]);
    screenshot(&client, &shots, "overview-partner-de").await;

    // The report: opens in the same browser, renders, and holds the API's numbers.
    let report = shots.join("report.html");
    let out = tandem(&[
        "report",
        "--store",
        store.to_str().unwrap(),
        "--group",
        "russell-group",
        "--partner",
        "US",
        "--years",
        "2022-2023",
        "--out",
        report.to_str().unwrap(),
        "--title",
        "Browser test report",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        !html.contains("<script") && !html.contains("src=\"http") && !html.contains("href=\"http"),
        "not self-contained"
    );
    client
        .goto(&format!("file://{}", report.display()))
        .await
        .unwrap();
    let state = client
        .execute("return [document.readyState, document.title, document.querySelectorAll('parsererror').length];", vec![])
        .await
        .unwrap();
    assert_eq!(state, json!(["complete", "Browser test report", 0]));
    let sizes = client.execute(CHART_SIZES, vec![]).await.unwrap();
    assert_charts("report", &sizes, 7);
    let figures = client.execute(FIGURE_VALUES, vec![]).await.unwrap();
    let api: Value = serde_json::from_str(&http_get(
        &base,
        "/api/v1/figures?group=russell-group&partner=US&years=2022-2023",
    ))
    .unwrap();
    let number = |v: &Value| -> f64 { v.as_str().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN) };
    for (figure, expected) in [
        ("papers", &api["papers"]),
        ("papers_fractional", &api["papers_fractional"]),
        ("collab_papers", &api["collab_papers"]),
        ("international_papers", &api["international_papers"]),
        ("international_share", &api["international_share"]),
        ("partner_papers", &api["partner"]["papers"]),
        (
            "partner_share_of_international",
            &api["partner"]["share_of_international"],
        ),
        ("partner_rank", &api["partner"]["rank"]),
        ("lead_over_next", &api["lead_over_next"]),
    ] {
        let shown = number(&figures[figure]);
        let expected = expected.as_f64().unwrap();
        assert!(
            (shown - expected).abs() < 1e-9,
            "report {figure} = {shown}, API says {expected}"
        );
    }
    let rows = client
        .execute(
            "return Array.from(document.querySelectorAll('#partners-table tbody tr')).slice(0, 5).map(function (r) { \
             return [r.getAttribute('data-country'), Number(r.querySelector('td[data-value]').getAttribute('data-value'))]; });",
            vec![],
        )
        .await
        .unwrap();
    for (i, row) in rows.as_array().unwrap().iter().enumerate() {
        assert_eq!(row[0], api["partners"][i]["country"]);
        assert_eq!(row[1], api["partners"][i]["papers"]);
    }
    screenshot(&client, &shots, "report").await;
    client.close().await.unwrap();
    println!("screenshots in {}", shots.display());
}
