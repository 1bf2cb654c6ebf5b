//! The whole member-survey flow in real headless Chromium, driven through chromedriver (WebDriver),
//! against `tandem serve` with the portal merged in: an administrator and a member are added with
//! `tandem user add`, the survey with `tandem survey import`; in the browser the administrator sets
//! a password, logs in and invites the member's institution; the member sets a password, logs in,
//! answers part of the form, saves a draft, comes back to it, finishes and submits it, and sees the
//! results; the administrator sees the progress, the results and the cross-analysis with the
//! store's figures. It runs on SQLite, and again on PostgreSQL when `TANDEM_TEST_POSTGRES_URL` is
//! set. Without a chromium and chromedriver binary the test prints why and passes (CI installs both).

mod common;

use fantoccini::{Client, Locator};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tandem_db::test_support::TestDb;

const OXFORD: &str = "https://ror.org/052gg0110";

fn tandem(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(args)
        .env_remove("TANDEM_DATABASE")
        .env_remove("TANDEM_DATA")
        .output()
        .expect("tandem runs");
    assert!(
        out.status.success(),
        "tandem {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The path and query of the one-time link `tandem user add` printed.
fn set_password_path(output: &str) -> String {
    let start = output.find("/set-password?token=").expect(output);
    output[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

async fn text_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

/// Clicks a link or button that loads another page, and waits until the new page has loaded (a
/// form post answers with a redirect, which WebDriver's click does not always wait for).
async fn follow(client: &Client, css: &str) {
    client
        .execute("window.__tandem_old_page = true;", vec![])
        .await
        .unwrap();
    click(client, css).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let state = client
            .execute(
                "return window.__tandem_old_page === true ? 'old' : document.readyState;",
                vec![],
            )
            .await;
        if matches!(state.as_ref().map(|v| v.as_str()), Ok(Some("complete"))) {
            return;
        }
        assert!(Instant::now() < deadline, "{css}: no new page loaded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn type_into(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn path_is(client: &Client, expected: &str) {
    let url = client.current_url().await.unwrap();
    assert_eq!(url.path(), expected, "at {url}");
}

const PASSWORD: &str = "a long enough password";

async fn set_password_and_log_in(client: &Client, base: &str, link: &str, email: &str) {
    client.goto(&format!("{base}{link}")).await.unwrap();
    type_into(client, "#password", PASSWORD).await;
    type_into(client, "#confirm", PASSWORD).await;
    follow(client, "main form button[type=submit]").await;
    path_is(client, "/login").await;
    assert!(
        text_of(client, ".notice")
            .await
            .contains("Your password is set")
    );
    log_in(client, base, email).await;
}

async fn log_in(client: &Client, base: &str, email: &str) {
    client.goto(&format!("{base}/login")).await.unwrap();
    type_into(client, "#email", email).await;
    type_into(client, "#password", PASSWORD).await;
    follow(client, "main form button[type=submit]").await;
    path_is(client, "/surveys").await;
}

async fn log_out(client: &Client) {
    follow(client, "nav form[action='/logout'] button").await;
    path_is(client, "/login").await;
}

async fn screenshot(client: &Client, dir: &Path, name: &str) {
    let png = client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "{name}: not a PNG");
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

/// Sizes of every chart on the page: `[[name, width, height], ...]`.
const CHART_SIZES: &str = "return Array.from(document.querySelectorAll('svg')).map(function (s) { \
    var r = s.getBoundingClientRect(); return [s.getAttribute('aria-label') || s.getAttribute('role'), r.width, r.height]; });";

async fn assert_charts(client: &Client, page: &str, at_least: usize) {
    let sizes = client.execute(CHART_SIZES, vec![]).await.unwrap();
    let sizes = sizes.as_array().unwrap();
    assert!(sizes.len() >= at_least, "{page}: {} charts", sizes.len());
    for s in sizes {
        assert!(
            s[1].as_f64().unwrap() > 50.0 && s[2].as_f64().unwrap() > 20.0,
            "{page}: chart without a size: {s}"
        );
    }
}

/// One run of the flow on the database `database` (a path or URL for `--database`).
async fn flow(client: &Client, store: &Path, database: &str, dir: &Path, shots: &Path, run: &str) {
    // Set up with the command line, exactly as an administrator would.
    let instrument = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../survey/instruments/international-research-collaboration.toml"),
    )
    .unwrap();
    let mut lines: Vec<String> = instrument.lines().map(str::to_string).collect();
    for line in &mut lines {
        if line.starts_with("opens = ") {
            *line = "opens = \"2000-01-01\"".into();
        } else if line.starts_with("closes = ") {
            *line = "closes = \"2100-12-31\"".into();
        }
    }
    let file = dir.join(format!("{run}-instrument.toml"));
    std::fs::write(&file, lines.join("\n")).unwrap();
    let db = ["--database", database];
    let out = tandem(&[&["survey", "import", file.to_str().unwrap()][..], &db].concat());
    assert!(out.contains("imported as a new version"), "{out}");
    let admin_link = set_password_path(&tandem(
        &[
            &["user", "add", "admin@group.org", "--role", "admin"][..],
            &db,
        ]
        .concat(),
    ));
    let member_link = set_password_path(&tandem(
        &[
            &[
                "user",
                "add",
                "jo@ox.ac.uk",
                "--role",
                "member",
                "--institution",
                "052gg0110",
            ][..],
            &db,
        ]
        .concat(),
    ));

    let mut server = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args([
            "serve",
            "--store",
            store.to_str().unwrap(),
            "--addr",
            "127.0.0.1:0",
            "--database",
            database,
        ])
        .env_remove("TANDEM_DATA")
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

    // Invite: the administrator ticks Oxford.
    set_password_and_log_in(client, &base, &admin_link, "admin@group.org").await;
    follow(client, "nav a[href='/admin']").await;
    path_is(client, "/admin").await;
    click(client, &format!("input[name=ror][value='{OXFORD}']")).await;
    follow(client, "form[action$='/invite'] button:not([name])").await;
    path_is(client, "/admin").await;
    let admin_page = text_of(client, "main").await;
    assert!(
        admin_page.contains("University of Oxford (invited)"),
        "{admin_page}"
    );
    assert!(
        admin_page.contains("0 of 1 institutions responded"),
        "{admin_page}"
    );
    screenshot(client, shots, &format!("{run}-admin-invited")).await;
    log_out(client).await;

    // Answer and save: the member ticks some answers and saves a draft.
    set_password_and_log_in(client, &base, &member_link, "jo@ox.ac.uk").await;
    follow(client, "main a[href$='/respond']").await;
    let respond = client.current_url().await.unwrap();
    assert!(respond.path().ends_with("/respond"));
    click(
        client,
        "input[name='q.regions_of_focus'][value=north_america]",
    )
    .await;
    click(client, "input[name='q.regions_of_focus'][value=europe]").await;
    click(client, "input[name='q.us_presence'][value=yes]").await;
    type_into(
        client,
        "textarea[name='q.comments']",
        "Draft <b>note</b> & more",
    )
    .await;
    follow(client, "button[name=action][value=save]").await;
    assert!(text_of(client, ".notice").await.contains("Draft saved"));
    screenshot(client, shots, &format!("{run}-draft-saved")).await;

    // Resume: away and back, the draft is there.
    follow(client, "nav a[href='/surveys']").await;
    assert!(text_of(client, "main").await.contains("draft saved"));
    follow(client, "main a[href$='/respond']").await;
    for css in [
        "input[name='q.regions_of_focus'][value=north_america]",
        "input[name='q.regions_of_focus'][value=europe]",
        "input[name='q.us_presence'][value=yes]",
    ] {
        let field = client.find(Locator::Css(css)).await.unwrap();
        assert!(
            field.is_selected().await.unwrap(),
            "{css} kept in the draft"
        );
    }
    let comments = client
        .find(Locator::Css("textarea[name='q.comments']"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(comments.as_deref(), Some("Draft <b>note</b> & more"));

    // Submit too early: the form says what is missing and keeps the answers.
    follow(client, "button[name=action][value=submit]").await;
    let summary = text_of(client, ".error-summary").await;
    assert!(summary.contains("Some answers need attention"), "{summary}");
    assert!(
        client
            .find(Locator::Css("input[name='q.us_presence'][value=yes]"))
            .await
            .unwrap()
            .is_selected()
            .await
            .unwrap()
    );

    // Finish and submit.
    for css in [
        "input[name='q.top_priority_region'][value=north_america]",
        "input[name='q.highest_priority_regions'][value=north_america]",
        "input[name='q.highest_priority_regions'][value=europe]",
        "input[name='q.us_presence_kind'][value=office]",
        "input[name='q.us_presence_purposes'][value=research]",
        "input[name='q.partnership_models'][value=joint_phd]",
        "input[name='q.barriers'][value=visas]",
    ] {
        click(client, css).await;
    }
    follow(client, "button[name=action][value=submit]").await;
    let notice = text_of(client, ".notice").await;
    assert!(
        notice.contains("your institution's response is submitted"),
        "{notice}"
    );
    assert!(
        client
            .find_all(Locator::Css("button[name=action][value=save]"))
            .await
            .unwrap()
            .is_empty(),
        "a submitted response is not turned back into a draft"
    );
    screenshot(client, shots, &format!("{run}-submitted")).await;

    // See results: aggregates with their denominators, and a chart per question.
    client
        .goto(respond.as_str().replace("/respond", "/results").as_str())
        .await
        .unwrap();
    let results = text_of(client, "main").await;
    assert!(
        results.contains("1 of 24 member institutions responded"),
        "{results}"
    );
    assert!(
        results.contains("1 institution (100%) of 1 respondents"),
        "{results}"
    );
    assert!(
        !results.contains("Draft <b>note</b>"),
        "free text is for administrators only"
    );
    assert_charts(client, "results", 5).await;
    screenshot(client, shots, &format!("{run}-results-member")).await;
    log_out(client).await;

    // The administrator: progress, the free text shown as text, the response, the cross-analysis.
    log_in(client, &base, "admin@group.org").await;
    follow(client, "nav a[href='/admin']").await;
    let admin_page = text_of(client, "main").await;
    assert!(
        admin_page.contains("1 of 1 institutions responded"),
        "{admin_page}"
    );
    let results_url = respond.as_str().replace("/respond", "/results");
    client.goto(&results_url).await.unwrap();
    let results = text_of(client, "main").await;
    assert!(
        results.contains("Draft <b>note</b> & more"),
        "shown as typed"
    );
    assert!(
        client
            .find_all(Locator::Css("main section b"))
            .await
            .unwrap()
            .is_empty(),
        "and not as markup"
    );
    client
        .goto(&respond.as_str().replace("/respond", "/responses/052gg0110"))
        .await
        .unwrap();
    let response = text_of(client, "main").await;
    assert!(response.contains("University of Oxford"), "{response}");
    assert!(
        response.contains("Joint or dual PhD programmes"),
        "{response}"
    );
    client
        .goto(&respond.as_str().replace("/respond", "/cross-analysis"))
        .await
        .unwrap();
    assert_charts(client, "cross-analysis", 2).await;
    let oxford = text_of(client, "#cross-members-table tr.highlight").await;
    assert!(oxford.contains("University of Oxford"), "{oxford}");
    assert!(oxford.contains("US / North America"), "{oxford}");
    screenshot(client, shots, &format!("{run}-cross-analysis")).await;
    log_out(client).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survey_flow_in_headless_chromium() {
    let Some(browser) = common::start_browser(1200, 1000).await else {
        return;
    };
    let client = browser.client;
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("survey-screenshots");
    std::fs::create_dir_all(&shots).unwrap();

    // A small store for the cross-analysis, through the real generator and ingest.
    let dir = tempfile::tempdir().unwrap();
    let out = tandem(&[
        "demo",
        "--works",
        "3000",
        "--dir",
        dir.path().to_str().unwrap(),
        "--no-serve",
        "--quiet",
    ]);
    assert!(out.contains("SYNTHETIC SURVEY RESPONSES"), "{out}");
    let store = dir.path().join("store");

    let sqlite = TestDb::sqlite().await.unwrap();
    flow(&client, &store, sqlite.spec(), dir.path(), &shots, "sqlite").await;
    sqlite.finish().await.unwrap();
    match TestDb::postgres("survey_flow_in_headless_chromium")
        .await
        .unwrap()
    {
        Some(postgres) => {
            flow(
                &client,
                &store,
                postgres.spec(),
                dir.path(),
                &shots,
                "postgres",
            )
            .await;
            postgres.finish().await.unwrap();
        }
        None => println!("PostgreSQL run skipped: TANDEM_TEST_POSTGRES_URL is not set"),
    }
    client.close().await.unwrap();
    println!("screenshots in {}", shots.display());
}
