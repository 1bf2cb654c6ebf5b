//! `tandem pull openalex` end to end against a local OpenAlex-like server, including `kill -9` and resume.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tandem_pull::mock::{
    MockConfig, MockOpenAlex, generated_works, shared_data_works, store_table_rows,
};

const KEY: &str = "test-key-42";

fn corpus() -> Vec<Value> {
    shared_data_works().unwrap_or_else(|| {
        eprintln!("../shared/data/openalex is absent: using generated works");
        generated_works(800, 3_000_000)
    })
}

/// The ROR ids of a few institutions present in the corpus.
fn rors(works: &[Value]) -> Vec<String> {
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for w in works {
        for a in w["authorships"].as_array().into_iter().flatten() {
            for i in a["institutions"].as_array().into_iter().flatten() {
                if let Some(r) = i["ror"].as_str() {
                    *counts.entry(r.to_string()).or_default() += 1;
                }
            }
        }
    }
    let mut by_count: Vec<(usize, String)> = counts.into_iter().map(|(r, n)| (n, r)).collect();
    by_count.sort_by(|a, b| b.cmp(a));
    by_count.into_iter().take(40).map(|(_, r)| r).collect()
}

fn tandem() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tandem"))
}

fn pull_args(server: &MockOpenAlex, store: &Path, rors: &[String]) -> Vec<String> {
    let mut args: Vec<String> = vec![
        "pull".into(),
        "openalex".into(),
        "--store".into(),
        store.display().to_string(),
        "--api-url".into(),
        server.url().into(),
        "--mailto".into(),
        "analyst@example.org".into(),
        "--per-page".into(),
        "25".into(),
        "--quiet".into(),
    ];
    args.push("--ror".into());
    args.push(rors.join(","));
    args
}

fn checkpoint_pages(store: &Path) -> u64 {
    let Ok(dirs) = std::fs::read_dir(store.join("pull")) else {
        return 0;
    };
    dirs.filter_map(|d| d.ok())
        .map(|d| d.path().join("checkpoint.json"))
        .filter_map(|p| std::fs::read(p).ok())
        .filter_map(|b| serde_json::from_slice::<Value>(&b).ok())
        .map(|v| v["pages"].as_u64().unwrap_or(0))
        .sum()
}

fn run_to_end(args: &[String]) -> (bool, String) {
    let out = tandem()
        .args(args)
        .env("OPENALEX_API_KEY", KEY)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_killed_pull_resumes_and_gives_the_same_store_as_an_uninterrupted_one() {
    let works = corpus();
    let rors = rors(&works);
    let server = MockOpenAlex::start(MockConfig {
        works,
        api_key: Some(KEY.into()),
        ..MockConfig::default()
    });

    let whole = tempfile::tempdir().unwrap();
    let (ok, stderr) = run_to_end(&pull_args(&server, whole.path(), &rors));
    assert!(ok, "{stderr}");
    assert!(stderr.contains("exact"), "{stderr}");
    let expected = store_table_rows(whole.path());
    // More than three pages of 25, so the pull killed after its third page has some left. The real
    // sample gives 92 works for its 40 most frequent ROR ids (4 pages).
    assert!(
        expected["works"].len() > 75,
        "the pull must span more than three pages: {}",
        expected["works"].len()
    );

    // Slow the second pull down so it can be killed mid-way.
    let store = tempfile::tempdir().unwrap();
    let mut args = pull_args(&server, store.path(), &rors);
    args.extend(["--rate".into(), "8".into()]);
    let mut child = tandem()
        .args(&args)
        .env("OPENALEX_API_KEY", KEY)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while checkpoint_pages(store.path()) < 3 {
        assert!(Instant::now() < deadline, "the pull never got going");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the pull ended before it could be killed"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let pages_at_kill = checkpoint_pages(store.path());
    assert!(
        !store.path().join("manifest.json").exists(),
        "killed before ingest"
    );

    let before = server.requests().len();
    let (ok, stderr) = run_to_end(&pull_args(&server, store.path(), &rors));
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains(&format!("resumes after page {pages_at_kill}")),
        "{stderr}"
    );
    let resumed_first_page = server.requests()[before..]
        .iter()
        .find(|r| r.param("cursor").is_some())
        .cloned()
        .unwrap();
    assert_ne!(resumed_first_page.param("cursor"), Some("*"));
    assert_eq!(
        store_table_rows(store.path()),
        expected,
        "no duplicates, no gaps"
    );

    // Running it again finds everything pulled and changes nothing.
    let (ok, stderr) = run_to_end(&pull_args(&server, store.path(), &rors));
    assert!(ok, "{stderr}");
    assert!(stderr.contains("already pulled"), "{stderr}");
    assert_eq!(store_table_rows(store.path()), expected);
}

#[test]
fn dry_run_prints_counts_pages_and_budget_share_and_fetches_nothing() {
    let works = corpus();
    let rors = rors(&works);
    let server = MockOpenAlex::start(MockConfig {
        works,
        api_key: Some(KEY.into()),
        ..MockConfig::default()
    });
    let store = tempfile::tempdir().unwrap();
    let mut args = pull_args(&server, store.path(), &rors);
    args.extend(["--dry-run".into(), "--daily-budget".into(), "1000".into()]);
    let (ok, stderr) = run_to_end(&args);
    assert!(ok, "{stderr}");
    let count = server
        .requests()
        .iter()
        .find(|r| r.param("per_page") == Some("1"))
        .unwrap()
        .clone();
    assert!(
        count
            .param("filter")
            .unwrap()
            .starts_with("authorships.institutions.lineage:")
    );
    assert!(
        stderr.contains(&format!("{} institutions resolved", rors.len())),
        "{stderr}"
    );
    assert!(
        stderr.contains("% of the daily budget of 1000 calls"),
        "{stderr}"
    );
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.param("cursor").is_none()),
        "a dry run fetches no pages"
    );
    assert!(!store.path().join("manifest.json").exists());
}

#[test]
fn over_budget_stops_unless_forced_and_key_errors_are_clear() {
    let works = corpus();
    let rors = rors(&works);
    let server = MockOpenAlex::start(MockConfig {
        works,
        api_key: Some(KEY.into()),
        ..MockConfig::default()
    });
    let store = tempfile::tempdir().unwrap();
    let mut args = pull_args(&server, store.path(), &rors);
    args.extend(["--daily-budget".into(), "5".into()]);
    let (ok, stderr) = run_to_end(&args);
    assert!(!ok);
    assert!(
        stderr.contains("--force") && stderr.contains("daily budget of 5"),
        "{stderr}"
    );
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.param("cursor").is_none())
    );
    args.push("--force".into());
    let (ok, stderr) = run_to_end(&args);
    assert!(ok, "{stderr}");

    let out = tandem()
        .args(pull_args(&server, store.path(), &rors))
        .env_remove("OPENALEX_API_KEY")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("asks for an API key") && stderr.contains("OPENALEX_API_KEY"),
        "{stderr}"
    );

    let mut args = pull_args(&server, store.path(), &rors);
    args.extend(["--api-key".into(), "not-the-key".into()]);
    let out = tandem()
        .args(&args)
        .env_remove("OPENALEX_API_KEY")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("refused the API key") && !stderr.contains("not-the-key"),
        "{stderr}"
    );
}

#[test]
fn group_files_list_ror_ids() {
    let works = corpus();
    let rors = rors(&works);
    let server = MockOpenAlex::start(MockConfig {
        works,
        ..MockConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let file: PathBuf = dir.path().join("members.csv");
    let mut text = String::from("ror,name\n");
    for r in &rors[..3] {
        text.push_str(&format!("{r},Member\n"));
    }
    std::fs::write(&file, text).unwrap();
    let store = dir.path().join("store");
    let out = tandem()
        .args(["pull", "openalex", "--store"])
        .arg(&store)
        .args(["--group"])
        .arg(&file)
        .args(["--api-url", server.url(), "--dry-run", "--quiet"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("3 institutions resolved"), "{stderr}");

    std::fs::write(&file, "ror\n052gg0110\nnot a ror\n").unwrap();
    let out = tandem()
        .args(["pull", "openalex", "--store"])
        .arg(&store)
        .arg("--group")
        .arg(&file)
        .args(["--dry-run"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("members.csv:3: no ROR id"), "{stderr}");
}
