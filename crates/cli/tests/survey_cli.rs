//! `tandem user` and `tandem survey` end to end: on an SQLite file in a data folder, and again with
//! `--database postgres://...` on a fresh schema of the server in TANDEM_TEST_POSTGRES_URL when it
//! is set.

use std::process::{Command, Output};

use tandem_db::test_support::TestDb;

/// Where the commands find the group database.
#[derive(Clone, Copy)]
enum Db<'a> {
    /// `--data DIR`: tandem.db in that folder.
    Data(&'a std::path::Path),
    /// `--database URL`.
    Url(&'a str),
}

fn tandem(db: Db, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tandem"));
    command.args(args);
    match db {
        Db::Data(dir) => command.arg("--data").arg(dir),
        Db::Url(url) => command.arg("--database").arg(url),
    };
    command
        .env_remove("TANDEM_DATABASE")
        .env_remove("TANDEM_DATA")
        .output()
        .expect("tandem runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn users_surveys_responses_and_results_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    flow(Db::Data(&data), dir.path());
    assert!(
        data.join("tandem.db").is_file(),
        "SQLite file created in the data folder"
    );
}

#[test]
fn the_same_commands_on_postgresql() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let Some(db) = runtime
        .block_on(TestDb::postgres("the_same_commands_on_postgresql"))
        .unwrap()
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    flow(Db::Url(db.spec()), dir.path());
    runtime.block_on(db.finish()).unwrap();
}

fn flow(data: Db, dir: &std::path::Path) {
    let out = tandem(
        data,
        &[
            "user",
            "add",
            "Jo@ox.ac.uk",
            "--role",
            "member",
            "--institution",
            "052gg0110",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Added jo@ox.ac.uk (role member, institution https://ror.org/052gg0110)"),
        "{text}"
    );
    assert!(text.contains("/set-password?token="), "{text}");

    let out = tandem(data, &["user", "add", "jo@ox.ac.uk", "--role", "viewer"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    let out = tandem(data, &["user", "add", "x@ox.ac.uk", "--role", "member"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--institution"), "{}", stderr(&out));

    let out = tandem(data, &["survey", "import", "--bundled"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("international-research-collaboration@1"),
        "{}",
        stdout(&out)
    );
    let out = tandem(data, &["survey", "import", "--bundled"]);
    assert!(stdout(&out).contains("unchanged"), "{}", stdout(&out));

    let file = dir.join("custom.toml");
    std::fs::write(
        &file,
        "slug = \"pulse\"\ntitle = \"Pulse\"\nopens = \"2000-01-01\"\ncloses = \"2100-01-01\"\n\
         [[questions]]\nid = \"happy\"\ntype = \"yes_no\"\ntext = \"Happy?\"\nrequired = true\n",
    )
    .unwrap();
    let out = tandem(data, &["survey", "import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::write(&file, "slug = \"pulse\"\ntitle = \"Pulse\"\nopens = \"2000-01-01\"\ncloses = \"2100-01-01\"\n[[questions]]\nid = \"happy\"\ntype = \"yes_no\"\ntext = \"Happy now?\"\n").unwrap();
    let out = tandem(data, &["survey", "import", file.to_str().unwrap()]);
    assert!(stdout(&out).contains("pulse@2"), "{}", stdout(&out));

    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "institution,happy\n052gg0110,yes\n0abcdef12,no\n013meh722,maybe\n",
    )
    .unwrap();
    let out = tandem(
        data,
        &["survey", "import-responses", "pulse", bad.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("line 3, column institution"), "{err}");
    assert!(err.contains("line 4, column happy"), "{err}");
    assert!(err.contains("nothing imported"), "{err}");

    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        "institution,happy\n052gg0110,yes\n013meh722,no\n02jx3x895,yes\n",
    )
    .unwrap();
    let out = tandem(
        data,
        &[
            "survey",
            "import-responses",
            "pulse",
            good.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));

    let out = tandem(data, &["survey", "results", "pulse", "--format", "text"]);
    let text = stdout(&out);
    assert!(
        text.contains("3 of 24 member institutions responded (13%)."),
        "{text}"
    );
    assert!(
        text.contains("2 institutions (67%) of 3 respondents; 8% of 24 members"),
        "{text}"
    );
    let out = tandem(data, &["survey", "results", "pulse@1", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        json["respondents"], 0,
        "version 1 has no responses: versions never mix"
    );
    let out = tandem(data, &["survey", "results", "pulse", "--format", "csv"]);
    let csv = stdout(&out);
    assert!(
        csv.starts_with("survey,question,question_text,type,value,label,count,respondents"),
        "{csv}"
    );
    assert!(
        csv.contains("pulse@2,happy,Happy now?,yes_no,yes,Yes,2,3,66.7,24,8.3,false"),
        "{csv}"
    );
    let out = tandem(
        data,
        &[
            "survey",
            "results",
            "pulse",
            "--crosstab",
            "happy,happy",
            "--suppress-below",
            "2",
        ],
    );
    assert!(stdout(&out).contains("<2"), "{}", stdout(&out));
    let out = tandem(data, &["survey", "results", "nope"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not found"), "{}", stderr(&out));
}

#[test]
fn the_demo_loads_synthetic_responses_matching_the_published_aggregates() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(["demo", "--works", "1000", "--no-serve", "--quiet", "--dir"])
        .arg(dir.path())
        .env_remove("TANDEM_DATABASE")
        .env_remove("TANDEM_DATA")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("SYNTHETIC SURVEY RESPONSES")
            && stdout(&out).contains("20 of 24 institutions responded"),
        "{}",
        stdout(&out)
    );
    let data = dir.path().join("tandem-data");
    let out = tandem(
        Db::Data(&data),
        &[
            "survey",
            "results",
            "international-research-collaboration",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["respondents"], 20);
    assert_eq!(json["members"], 24);
    assert_eq!(json["synthetic"], true);
    let count = |question: &str, value: &str| {
        json["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == question)
            .and_then(|q| {
                q["rows"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| r["value"] == value)
            })
            .map(|r| r["of_respondents"]["n"].as_u64().unwrap())
            .unwrap_or_else(|| panic!("{question}={value}"))
    };
    // The report: 18 (90%) a US or North American focus, 5 (25%) the top priority, 12 (60%) among
    // the highest priorities, 13 (65%) a direct presence in the US.
    assert_eq!(count("regions_of_focus", "north_america"), 18);
    assert_eq!(count("top_priority_region", "north_america"), 5);
    assert_eq!(count("highest_priority_regions", "north_america"), 12);
    assert_eq!(count("us_presence", "yes"), 13);
    // Loading again replaces the demonstration responses rather than adding to them.
    let again = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(["demo", "--works", "1000", "--no-serve", "--quiet", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(stdout(&again).contains("20 of 24 institutions responded"));
}
