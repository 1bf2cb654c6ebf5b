//! `tandem user` and `tandem survey` end to end on an SQLite file in a data folder (and, when
//! TANDEM_TEST_POSTGRES_URL is set, `--database postgres://...` is covered by the library suites).

use std::process::{Command, Output};

fn tandem(data: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(args)
        .arg("--data")
        .arg(data)
        .env_remove("TANDEM_DATABASE")
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

    let out = tandem(
        &data,
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
    assert!(
        data.join("tandem.db").is_file(),
        "SQLite file created in the data folder"
    );

    let out = tandem(&data, &["user", "add", "jo@ox.ac.uk", "--role", "viewer"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    let out = tandem(&data, &["user", "add", "x@ox.ac.uk", "--role", "member"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--institution"), "{}", stderr(&out));

    let out = tandem(&data, &["survey", "import", "--bundled"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("international-research-collaboration@1"),
        "{}",
        stdout(&out)
    );
    let out = tandem(&data, &["survey", "import", "--bundled"]);
    assert!(stdout(&out).contains("unchanged"), "{}", stdout(&out));

    let file = dir.path().join("custom.toml");
    std::fs::write(
        &file,
        "slug = \"pulse\"\ntitle = \"Pulse\"\nopens = \"2000-01-01\"\ncloses = \"2100-01-01\"\n\
         [[questions]]\nid = \"happy\"\ntype = \"yes_no\"\ntext = \"Happy?\"\nrequired = true\n",
    )
    .unwrap();
    let out = tandem(&data, &["survey", "import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::write(&file, "slug = \"pulse\"\ntitle = \"Pulse\"\nopens = \"2000-01-01\"\ncloses = \"2100-01-01\"\n[[questions]]\nid = \"happy\"\ntype = \"yes_no\"\ntext = \"Happy now?\"\n").unwrap();
    let out = tandem(&data, &["survey", "import", file.to_str().unwrap()]);
    assert!(stdout(&out).contains("pulse@2"), "{}", stdout(&out));

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "institution,happy\n052gg0110,yes\n0abcdef12,no\n013meh722,maybe\n",
    )
    .unwrap();
    let out = tandem(
        &data,
        &["survey", "import-responses", "pulse", bad.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("line 3, column institution"), "{err}");
    assert!(err.contains("line 4, column happy"), "{err}");
    assert!(err.contains("nothing imported"), "{err}");

    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "institution,happy\n052gg0110,yes\n013meh722,no\n02jx3x895,yes\n",
    )
    .unwrap();
    let out = tandem(
        &data,
        &[
            "survey",
            "import-responses",
            "pulse",
            good.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));

    let out = tandem(&data, &["survey", "results", "pulse", "--format", "text"]);
    let text = stdout(&out);
    assert!(
        text.contains("3 of 24 member institutions responded (13%)."),
        "{text}"
    );
    assert!(
        text.contains("2 institutions (67%) of 3 respondents; 8% of 24 members"),
        "{text}"
    );
    let out = tandem(&data, &["survey", "results", "pulse@1", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        json["respondents"], 0,
        "version 1 has no responses: versions never mix"
    );
    let out = tandem(&data, &["survey", "results", "pulse", "--format", "csv"]);
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
        &data,
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
    let out = tandem(&data, &["survey", "results", "nope"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("not found"), "{}", stderr(&out));
}
