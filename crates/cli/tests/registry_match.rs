//! `tandem registry import` and `tandem match` end to end, on small hand-written ROR records, and on the
//! real ROR subsets in ../shared/data when they are there.

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

/// The first word after `label` on the summary line that starts with it.
fn field(text: &str, label: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.trim_start().strip_prefix(label))
        .and_then(|rest| rest.split_whitespace().next().map(str::to_string))
}

fn v2(
    id: &str,
    name: &str,
    extra_names: &str,
    city: &str,
    country: &str,
    types: &str,
    status: &str,
) -> String {
    format!(
        r#"{{"id":"https://ror.org/{id}","names":[{{"value":"{name}","types":["ror_display","label"],"lang":"en"}}{extra_names}],"locations":[{{"geonames_id":1,"geonames_details":{{"name":"{city}","country_code":"{country}","country_name":"x"}}}}],"types":[{types}],"status":"{status}","relationships":[]}}"#
    )
}

/// Seven organisations, one line that is not JSON (line 4), an inactive and a withdrawn record.
fn fixture(dir: &Path) -> PathBuf {
    let lines = [
        v2(
            "052gg0110",
            "University of Oxford",
            r#",{"value":"Oxford University","types":["alias"],"lang":null}"#,
            "Oxford",
            "GB",
            r#""education""#,
            "active",
        ),
        v2(
            "04drvxt59",
            "Beth Israel Deaconess Medical Center",
            "",
            "Boston",
            "US",
            r#""healthcare""#,
            "active",
        ),
        v2(
            "01zkghx44",
            "Georgia Institute of Technology",
            r#",{"value":"Georgia Tech","types":["alias"],"lang":null}"#,
            "Atlanta",
            "US",
            r#""education""#,
            "active",
        ),
        "{ this is not a ROR record".to_string(),
        v2(
            "0000old01",
            "Old Polytechnic of Testland",
            "",
            "Leeds",
            "GB",
            r#""education""#,
            "inactive",
        ),
        // Withdrawn in favour of Oxford.
        v2(
            "0000gone2",
            "Withdrawn Institute of Nothing",
            "",
            "York",
            "GB",
            r#""other""#,
            "withdrawn",
        )
        .replace(
            r#""relationships":[]"#,
            r#""relationships":[{"type":"successor","id":"https://ror.org/052gg0110","label":"University of Oxford"}]"#,
        ),
        v2(
            "00t3r8h32",
            "Peking University",
            "",
            "Beijing",
            "CN",
            r#""education""#,
            "active",
        ),
        v2(
            "024z2rq82",
            "Heinrich Heine University Düsseldorf",
            "",
            "Düsseldorf",
            "DE",
            r#""education""#,
            "active",
        ),
    ];
    let path = dir.join("ror.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

fn import(dir: &Path) -> PathBuf {
    let registry = dir.join("registry");
    let out = tandem(&[
        "registry",
        "import",
        fixture(dir).to_str().unwrap(),
        "--registry",
        registry.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "one reject means exit 3\n{}{}",
        stdout(&out),
        stderr(&out)
    );
    registry
}

#[test]
fn import_counts_organisations_and_reports_the_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let registry = import(dir.path());
    assert!(registry.join("registry.bin").is_file());
    assert!(registry.join("registry.json").is_file());
    let out = tandem(&[
        "registry",
        "import",
        dir.path().join("ror.jsonl").to_str().unwrap(),
        "--registry",
        registry.to_str().unwrap(),
        "-q",
    ]);
    let text = stdout(&out);
    assert_eq!(
        field(&text, "organisations").as_deref(),
        Some("7"),
        "{text}"
    );
    assert_eq!(field(&text, "inactive").as_deref(), Some("1"), "{text}");
    assert_eq!(field(&text, "withdrawn").as_deref(), Some("1"), "{text}");
    assert_eq!(field(&text, "rejected").as_deref(), Some("1"), "{text}");
    assert!(
        text.contains("ror.jsonl line 4: not a ROR record"),
        "{text}"
    );
    assert!(text.contains("index size"), "{text}");
    assert!(text.contains("load time"), "{text}");
}

#[test]
fn import_of_a_missing_file_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.json");
    let out = tandem(&[
        "registry",
        "import",
        missing.to_str().unwrap(),
        "--registry",
        dir.path().join("r").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("nope.json"), "{}", stderr(&out));
}

#[test]
fn match_explains_one_string() {
    let dir = tempfile::tempdir().unwrap();
    let registry = import(dir.path());
    let r = registry.to_str().unwrap();

    let out = tandem(&[
        "match",
        "Univ Oxford, Dept Phys, Oxford OX1 3PU, England",
        "--registry",
        r,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Country   GB United Kingdom"), "{text}");
    assert!(
        text.contains("https://ror.org/052gg0110  University of Oxford"),
        "{text}"
    );
    assert!(
        text.contains("matched    \"Univ Oxford\" = ror_display \"University of Oxford\""),
        "{text}"
    );
    assert!(
        text.contains("a whole part of the string is one of its names"),
        "{text}"
    );
    assert!(
        text.contains("country agrees (GB); city agrees (Oxford)"),
        "{text}"
    );

    // A city inside the matched name is not the address's city, and the explanation says so.
    let out = tandem(&[
        "match",
        "Oxford University, United Kingdom",
        "--registry",
        r,
    ]);
    let text = stdout(&out);
    assert!(text.contains("https://ror.org/052gg0110"), "{text}");
    assert!(
        text.contains("city (Oxford) named only within the name matched"),
        "{text}"
    );

    // "Beth Israel" is not Israel, and the country comes from the state and ZIP code.
    let out = tandem(&[
        "match",
        "Beth Israel Deaconess Medical Center, Boston, MA 02215",
        "--registry",
        r,
    ]);
    let text = stdout(&out);
    assert!(text.contains("Country   US United States"), "{text}");
    assert!(text.contains("https://ror.org/04drvxt59"), "{text}");

    let out = tandem(&[
        "match",
        "Department of Nothing, Nowhere Institute, Atlantis",
        "--registry",
        r,
    ]);
    let text = stdout(&out);
    assert!(text.contains("Match     none"), "{text}");
    // The string names no country, so the explanation must not speak of one.
    assert!(
        text.contains("distinctive enough to stand without a country"),
        "{text}"
    );
    assert!(!text.contains("agrees with the country it names"), "{text}");

    let out = tandem(&[
        "match",
        "Department of Nothing, Nowhere Institute, Paris, France",
        "--registry",
        r,
    ]);
    let text = stdout(&out);
    assert!(text.contains("Country   FR"), "{text}");
    assert!(text.contains("Match     none"), "{text}");
    assert!(text.contains("agrees with the country it names"), "{text}");
    assert!(!text.contains("not taken"), "{text}");

    // A name the string holds but the matcher did not take is shown, with the reason.
    let out = tandem(&[
        "match",
        "Dept Phys, Univ Oxford, Oxford, France",
        "--registry",
        r,
    ]);
    let text = stdout(&out);
    assert!(text.contains("Match     none"), "{text}");
    assert!(
        text.contains("\"Univ Oxford\" = https://ror.org/052gg0110  University of Oxford  · GB"),
        "{text}"
    );
    assert!(
        text.contains("not taken: it is in GB, and the address names FR"),
        "{text}"
    );
    // The reason of each name replaces the general words about what a name needs.
    assert!(!text.contains("agrees with the country it names"), "{text}");
    let out = tandem(&[
        "match",
        "Dept Phys, Univ Oxford, Oxford, France",
        "--registry",
        r,
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["matches"].as_array().unwrap().len(), 0);
    assert_eq!(v["not_taken"][0]["ror"], "https://ror.org/052gg0110");
    assert_eq!(v["not_taken"][0]["substring"], "Univ Oxford");

    let out = tandem(&[
        "match",
        "Georgia Tech, Atlanta, GA 30332, USA",
        "--registry",
        r,
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["country"], "US");
    assert_eq!(v["matches"][0]["ror"], "https://ror.org/01zkghx44");

    // A withdrawn record's name stands for its successor, and says so.
    let out = tandem(&[
        "match",
        "Withdrawn Institute of Nothing, York, UK",
        "--registry",
        r,
    ]);
    let text = stdout(&out);
    assert!(
        text.contains("https://ror.org/052gg0110  University of Oxford"),
        "{text}"
    );
    assert!(
        text.contains(
            "\"Withdrawn Institute of Nothing\" is the name of https://ror.org/0000gone2, withdrawn"
        ),
        "{text}"
    );
    let out = tandem(&[
        "match",
        "Withdrawn Institute of Nothing, York, UK",
        "--registry",
        r,
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(
        v["matches"][0]["withdrawn_record"],
        "https://ror.org/0000gone2"
    );
    assert_eq!(
        v["matches"][0]["matched_name"],
        "Withdrawn Institute of Nothing"
    );
    assert_eq!(v["matches"][0]["shortened"], false);

    // A name written without its city is a shortened form of the name it matched, and says so.
    let out = tandem(&[
        "match",
        "Department of Physics, Heinrich Heine University, Germany",
        "--registry",
        r,
    ]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "matched    \"Heinrich Heine University\", a shortened form of ror_display \"Heinrich Heine University Düsseldorf\""
        ),
        "{text}"
    );
    let out = tandem(&[
        "match",
        "Department of Physics, Heinrich Heine University, Germany",
        "--registry",
        r,
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["matches"][0]["ror"], "https://ror.org/024z2rq82");
    assert_eq!(v["matches"][0]["shortened"], true);
}

#[test]
fn match_input_file_writes_one_json_line_per_input_line() {
    let dir = tempfile::tempdir().unwrap();
    let registry = import(dir.path());
    let input = dir.path().join("affiliations.txt");
    let lines = [
        "Department of Physics, University of Oxford, Oxford, United Kingdom",
        "",
        "Peking Univ, Sch Phys, Beijing 100871, Peoples R China",
        "Nowhere in particular",
        "Old Polytechnic of Testland, Leeds, England\r",
        "Withdrawn Institute of Nothing, York, England",
    ];
    // Text saved by a spreadsheet starts with a byte-order mark, which is no part of the first string.
    std::fs::write(&input, format!("\u{feff}{}", lines.join("\n"))).unwrap();
    let output = dir.path().join("out.jsonl");
    let out = tandem(&[
        "match",
        "--input",
        input.to_str().unwrap(),
        "--registry",
        registry.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("6 strings"), "{}", stderr(&out));
    let written = std::fs::read_to_string(&output).unwrap();
    let objects: Vec<serde_json::Value> = written
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), 6);
    for (o, line) in objects.iter().zip(lines) {
        assert_eq!(o["input"], line.trim_end_matches('\r'));
        assert!(o["matches"].is_array());
        assert!(o.get("country").is_some());
        // Only a string that matched nothing lists names not taken.
        assert!(o["not_taken"].is_array());
        assert!(
            o["matches"].as_array().unwrap().is_empty() || o["not_taken"] == serde_json::json!([])
        );
    }
    assert_eq!(objects[0]["country"], "GB");
    assert_eq!(objects[0]["matches"][0]["ror"], "https://ror.org/052gg0110");
    assert_eq!(
        objects[0]["matches"][0]["substring"],
        "University of Oxford"
    );
    assert!(objects[0]["matches"][0]["confidence"].as_f64().unwrap() > 0.9);
    assert_eq!(objects[1]["matches"].as_array().unwrap().len(), 0);
    assert_eq!(objects[1]["country"], serde_json::Value::Null);
    assert_eq!(objects[2]["country"], "CN");
    assert_eq!(objects[2]["matches"][0]["ror"], "https://ror.org/00t3r8h32");
    assert_eq!(objects[3]["matches"].as_array().unwrap().len(), 0);
    // Inactive records still match, marked as such.
    assert_eq!(objects[4]["matches"][0]["ror"], "https://ror.org/0000old01");
    assert_eq!(objects[4]["matches"][0]["status"], "inactive");
    // A withdrawn record's name is its successor's, with the record named.
    assert_eq!(objects[5]["matches"][0]["ror"], "https://ror.org/052gg0110");
    assert_eq!(
        objects[5]["matches"][0]["withdrawn_record"],
        "https://ror.org/0000gone2"
    );
    assert!(objects[0]["matches"][0].get("withdrawn_record").is_none());
}

#[test]
fn output_piped_into_a_reader_that_stops_early_ends_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let registry = import(dir.path());
    let input = dir.path().join("affiliations.txt");
    // Far more output than a pipe holds, so tandem is still writing when the reader goes away.
    let line = "Department of Physics, University of Oxford, Oxford, United Kingdom\n";
    std::fs::write(&input, line.repeat(20_000)).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(["match", "--input", input.to_str().unwrap(), "--registry"])
        .arg(&registry)
        .arg("-q")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("052gg0110"), "{first}");
    // The reader is dropped here, as `head -1` exits.
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("error"), "{err}");
}

#[test]
fn match_without_a_registry_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = tandem(&[
        "match",
        "University of Oxford",
        "--registry",
        dir.path().to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("tandem registry import"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn real_ror_subsets_import_without_rejects() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/ror");
    let (v2, v1) = (
        data.join("ror_v2_subset.jsonl.gz"),
        data.join("ror_v1_subset.jsonl.gz"),
    );
    if !v2.exists() || !v1.exists() {
        eprintln!("skipping: the ROR subsets are not under {}", data.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let registry = dir.path().join("registry");
    let out = tandem(&[
        "registry",
        "import",
        v2.to_str().unwrap(),
        v1.to_str().unwrap(),
        "--registry",
        registry.to_str().unwrap(),
        "-q",
    ]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert_eq!(field(&text, "rejected").as_deref(), Some("0"), "{text}");
    let organisations: usize = field(&text, "organisations").unwrap().parse().unwrap();
    assert!(organisations > 50_000, "{text}");
    let out = tandem(&[
        "match",
        "Univ Oxford, Dept Phys, Oxford OX1 3PU, England",
        "--registry",
        registry.to_str().unwrap(),
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(v["matches"][0]["ror"], "https://ror.org/052gg0110");
}
