//! The `tandem` binary end to end: ingest, store info, figures in every format, errors, kill and resume.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tandem(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(args)
        .output()
        .expect("tandem runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn synth(dir: &Path, works: u64) -> PathBuf {
    let world = dir.join("world");
    let config = tandem_synth::Config {
        works,
        seed: 11,
        works_per_part: 2_000,
        ..Default::default()
    };
    tandem_synth::generate(&config, &world, &tandem_synth::NoProgress).unwrap();
    world
}

#[test]
fn ingest_info_and_figures_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let world = synth(dir.path(), 8_000);
    let store = dir.path().join("store");
    let s = store.to_str().unwrap();
    let out = tandem(&[
        "ingest",
        "openalex",
        world.to_str().unwrap(),
        "--store",
        s,
        "--quiet",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("The store now holds"),
        "{}",
        stderr(&out)
    );

    let info = tandem(&["store", "info", "--store", s, "--format", "json"]);
    assert!(info.status.success(), "{}", stderr(&info));
    let info: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    let works = info["works"].as_u64().unwrap();
    assert!(works > 7_000 && works <= 8_000, "{works}");
    assert_eq!(info["rejects"], 0);
    assert_eq!(
        info["by_year"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum::<u64>(),
        works
    );
    assert_eq!(info["sources"]["openalex"].as_u64(), Some(works));

    let json = tandem(&[
        "figures",
        "--store",
        s,
        "--group",
        "russell-group",
        "--partner",
        "US",
        "--years",
        "2022-2023",
        "--format",
        "json",
    ]);
    assert!(json.status.success(), "{}", stderr(&json));
    let f: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    for key in [
        "group",
        "years",
        "types",
        "home",
        "papers",
        "papers_fractional",
        "collab_papers",
        "international_papers",
        "international_share",
        "partner",
        "next_partner",
        "lead_over_next",
        "partners",
        "institutions",
        "by_year",
        "provenance",
    ] {
        assert!(f.get(key).is_some(), "JSON has {key}");
    }
    assert_eq!(f["years"], serde_json::json!([2022, 2023]));
    assert_eq!(f["home"], serde_json::json!(["GB"]));
    let share = f["international_share"].as_f64().unwrap();
    assert!(share > 0.0 && share < 1.0, "shares are fractions: {share}");
    assert_eq!(f["institutions"].as_array().unwrap().len(), 24);
    assert!(
        f["institutions"][0]["ror"]
            .as_str()
            .unwrap()
            .starts_with("https://ror.org/")
    );
    assert_eq!(f["by_year"].as_array().unwrap().len(), 2);
    for key in ["country", "papers", "share_of_international", "rank"] {
        assert!(f["partner"].get(key).is_some(), "partner has {key}");
    }
    let lead = f["lead_over_next"].as_f64().unwrap();
    let expected = f["partner"]["papers"].as_f64().unwrap()
        / f["next_partner"]["papers"].as_f64().unwrap()
        - 1.0;
    assert!((lead - expected).abs() < 1e-9);
    for key in ["store_digest", "definitions_version", "computed_at"] {
        assert!(f["provenance"].get(key).is_some(), "provenance has {key}");
    }

    let text = tandem(&[
        "figures",
        "--store",
        s,
        "--group",
        "russell-group",
        "--partner",
        "US",
        "--year",
        "2023",
    ]);
    assert!(text.status.success());
    let text = stdout(&text);
    assert!(
        text.starts_with("In 2023, ")
            && text.contains("of Russell Group papers (")
            && text.contains("United States"),
        "{text}"
    );
    assert!(!text.contains("NaN"));

    let csv = tandem(&[
        "figures",
        "--store",
        s,
        "--group",
        "russell-group",
        "--partner",
        "US",
        "--year",
        "2023",
        "--format",
        "csv",
    ]);
    let csv = stdout(&csv);
    for section in ["# summary", "# partners", "# institutions", "# by_year"] {
        assert!(csv.contains(section), "CSV has {section}");
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(csv.as_bytes());
    assert!(reader.records().all(|r| r.is_ok()), "the CSV parses");

    let explain = tandem(&[
        "figures",
        "--store",
        s,
        "--group",
        "russell-group",
        "--partner",
        "US",
        "--year",
        "2023",
        "--explain",
        "--format",
        "json",
    ]);
    let explained = stdout(&explain);
    assert!(
        explained.contains("CREATE TABLE paper_stats AS")
            && explained.contains("-- figure international_share"),
        "{explained}"
    );
}

#[test]
fn errors_name_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("works.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"W1\",\"publication_year\":2023,\"type\":\"article\"}\nnot json\n",
    )
    .unwrap();
    let store = dir.path().join("store");
    let s = store.to_str().unwrap();
    let out = tandem(&[
        "ingest",
        "openalex",
        input.to_str().unwrap(),
        "--store",
        s,
        "--quiet",
    ]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "rejected records give exit status 3"
    );
    assert!(
        stderr(&out).contains("1 rejected record,"),
        "{}",
        stderr(&out)
    );

    let unknown_group = tandem(&[
        "figures",
        "--store",
        s,
        "--group",
        "ivy-league",
        "--year",
        "2023",
    ]);
    assert!(!unknown_group.status.success());
    assert!(
        stderr(&unknown_group).contains("russell-group"),
        "{}",
        stderr(&unknown_group)
    );
    let bad_country = tandem(&[
        "figures",
        "--store",
        s,
        "--group",
        "russell-group",
        "--partner",
        "ZZ",
        "--year",
        "2023",
    ]);
    assert!(
        stderr(&bad_country).contains("ZZ"),
        "{}",
        stderr(&bad_country)
    );
    let empty = tandem(&[
        "figures",
        "--store",
        s,
        "--group",
        "russell-group",
        "--year",
        "1990",
    ]);
    assert!(
        stderr(&empty).contains("no works published in 1990"),
        "{}",
        stderr(&empty)
    );
    let no_store = tandem(&[
        "figures",
        "--store",
        dir.path().join("nope").to_str().unwrap(),
        "--group",
        "russell-group",
        "--year",
        "2023",
    ]);
    assert!(
        stderr(&no_store).contains("not a Tandem store"),
        "{}",
        stderr(&no_store)
    );
    let missing = tandem(&[
        "ingest",
        "openalex",
        dir.path().join("missing.gz").to_str().unwrap(),
        "--store",
        s,
    ]);
    assert!(
        stderr(&missing).contains("no such file"),
        "{}",
        stderr(&missing)
    );
}

/// SIGKILL part-way through an ingest, run the same command again: the store equals an uninterrupted one.
#[test]
fn an_ingest_killed_with_sigkill_resumes_to_the_same_store() {
    let dir = tempfile::tempdir().unwrap();
    let world = synth(dir.path(), 20_000);
    let w = world.to_str().unwrap();
    let reference = dir.path().join("reference");
    assert!(
        tandem(&[
            "ingest",
            "openalex",
            w,
            "--store",
            reference.to_str().unwrap(),
            "--quiet",
            "--threads",
            "1"
        ])
        .status
        .success()
    );

    let store = dir.path().join("store");
    let s = store.to_str().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args([
            "ingest",
            "openalex",
            w,
            "--store",
            s,
            "--quiet",
            "--threads",
            "1",
        ])
        .spawn()
        .unwrap();
    // Kill once the first inputs are staged, before the run finishes.
    let staging = store.join(".staging");
    for _ in 0..600 {
        let staged = std::fs::read_dir(&staging)
            .ok()
            .and_then(|mut runs| runs.next())
            .and_then(|run| std::fs::read_dir(run.ok()?.path()).ok())
            .map(|inputs| {
                inputs
                    .filter_map(|i| i.ok())
                    .filter(|i| i.path().join("done.json").exists())
                    .count()
            })
            .unwrap_or(0);
        if staged >= 2 || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed_early = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    child.wait().unwrap();
    if killed_early {
        assert!(
            !store.join("manifest.json").exists(),
            "a killed first ingest leaves no half-made store"
        );
    }
    let rerun = tandem(&[
        "ingest",
        "openalex",
        w,
        "--store",
        s,
        "--quiet",
        "--threads",
        "1",
    ]);
    assert!(rerun.status.success(), "{}", stderr(&rerun));
    if killed_early {
        assert!(
            stderr(&rerun).contains("resumed from an interrupted run"),
            "{}",
            stderr(&rerun)
        );
    }
    let figures = |store: &Path| {
        let out = tandem(&[
            "figures",
            "--store",
            store.to_str().unwrap(),
            "--group",
            "russell-group",
            "--years",
            "2019-2024",
            "--format",
            "csv",
        ]);
        stdout(&out)
            .lines()
            .filter(|l| !l.starts_with("store_digest") && !l.starts_with("computed_at"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(figures(&store), figures(&reference));
    let info = |store: &Path| -> serde_json::Value {
        serde_json::from_slice(
            &tandem(&[
                "store",
                "info",
                "--store",
                store.to_str().unwrap(),
                "--format",
                "json",
            ])
            .stdout,
        )
        .unwrap()
    };
    let (a, b) = (info(&store), info(&reference));
    assert_eq!(a["works"], b["works"]);
    assert_eq!(a["by_year"], b["by_year"]);
    assert_eq!(a["by_type"], b["by_type"]);
    for table in [
        "works",
        "authorships",
        "affiliations",
        "work_countries",
        "topics",
        "keywords",
        "institutions",
        "institution_lineage",
        "merged_ids",
    ] {
        assert_eq!(
            a["tables"][table]["rows"], b["tables"][table]["rows"],
            "{table}"
        );
    }
}
