//! `tandem ingest scopus` and `tandem ingest wos` end to end: small hand-written exports whose figures
//! are counted by hand, rejects and exit status, one work per DOI across sources, the registry, and the
//! real samples in ../shared/data.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tandem(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(args)
        .output()
        .expect("tandem runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

const HEADER: &str = "\u{feff}\"Authors\",\"Author full names\",\"Author(s) ID\",\"Title\",\"Year\",\"Source title\",\"DOI\",\"Affiliations\",\"Authors with affiliations\",\"Document Type\",\"EID\"\n";

/// One Scopus row: authors are (short name, address).
fn scopus_row(
    eid: &str,
    year: &str,
    doi: &str,
    doc_type: &str,
    authors: &[(&str, &str)],
) -> String {
    let short: Vec<&str> = authors.iter().map(|a| a.0).collect();
    let full: Vec<String> = authors
        .iter()
        .enumerate()
        .map(|(i, a)| format!("{} ({})", a.0, 100 + i))
        .collect();
    let ids: Vec<String> = (0..authors.len()).map(|i| (100 + i).to_string()).collect();
    let mut affiliations: Vec<&str> = Vec::new();
    for a in authors {
        if !affiliations.contains(&a.1) {
            affiliations.push(a.1);
        }
    }
    let with: Vec<String> = authors
        .iter()
        .map(|a| format!("{}, {}", a.0, a.1))
        .collect();
    format!(
        "\"{}\",\"{}\",\"{}\",\"Work {eid}\",\"{year}\",\"J. Tests\",\"{doi}\",\"{}\",\"{}\",\"{doc_type}\",\"{eid}\"\n",
        short.join("; "),
        full.join("; "),
        ids.join("; "),
        affiliations.join("; "),
        with.join("; ")
    )
}

const OXFORD: &str = "Department of Physics, University of Oxford, Oxford, United Kingdom";
const LEEDS: &str = "School of Chemistry, University of Leeds, Leeds, United Kingdom";
const HARVARD: &str = "Harvard Medical School, Boston, MA, United States";
const MUNICH: &str = "Max Planck Institute of Biochemistry, Martinsried, Germany";
const PARIS: &str = "Institut Pasteur, Paris, France";

/// Seven readable works and one bad row. Counted by hand for `country:GB`, 2023, default types:
/// group papers S1 S2 S3 S4 (4); international S1 S2 S4 (3); with the US S1 S4 (2); DE 1; FR 1.
fn scopus_export() -> String {
    let mut text = HEADER.to_string();
    text += &scopus_row(
        "2-s2.0-1",
        "2023",
        "10.5555/one",
        "Article",
        &[("Smith A.", OXFORD), ("Jones B.", HARVARD)],
    );
    text += &scopus_row(
        "2-s2.0-2",
        "2023",
        "10.5555/two",
        "Article",
        &[("Smith A.", OXFORD), ("Klein C.", MUNICH)],
    );
    text += &scopus_row(
        "2-s2.0-3",
        "2023",
        "",
        "Review",
        &[("Smith A.", OXFORD), ("Brown D.", LEEDS)],
    );
    text += &scopus_row(
        "2-s2.0-4",
        "2023",
        "10.5555/four",
        "Article",
        &[
            ("Brown D.", LEEDS),
            ("Jones B.", HARVARD),
            ("Dupont E.", PARIS),
        ],
    );
    text += &scopus_row(
        "2-s2.0-5",
        "2023",
        "10.5555/five",
        "Article",
        &[("Jones B.", HARVARD)],
    );
    text += &scopus_row(
        "2-s2.0-6",
        "2023",
        "10.5555/six",
        "Editorial",
        &[("Smith A.", OXFORD), ("Jones B.", HARVARD)],
    );
    text += &scopus_row(
        "2-s2.0-7",
        "2022",
        "10.5555/seven",
        "Article",
        &[("Smith A.", OXFORD), ("Jones B.", HARVARD)],
    );
    text += &scopus_row(
        "2-s2.0-8",
        "n/a",
        "10.5555/eight",
        "Article",
        &[("Smith A.", OXFORD)],
    );
    text
}

/// Four readable records and one without UT or DI. W1 has the DOI of Scopus's S1. Counted by hand for
/// `country:GB`, 2023: group papers W1 W2 W3 W4 (4); international W1 W2 W4 (3); with the US W1 W4 (2);
/// CN 1; HK 1. Continuation lines begin with `\x20` and two spaces: after a `\` line break a Rust string
/// literal drops the next line's leading whitespace.
const WOS_EXPORT: &str = "\u{feff}FN Clarivate Analytics Web of Science\r\nVR 1.0\r\n\
PT J\r\nAU Smith, A\r\n   Jones, B\r\nAF Smith, Alan\r\n   Jones, Bea\r\nTI W1\r\nDT Article\r\n\
C1 [Smith, Alan] Univ Oxford, Dept Phys, Oxford OX1 3PU, England.\r\n\
\x20  [Jones, Bea] Harvard Med Sch, Boston, MA 02115 USA.\r\nPY 2023\r\nDI 10.5555/ONE\r\nUT WOS:000000000000001\r\nER\r\n\r\n\
PT J\r\nAU Smith, A\r\n   Wong, C\r\n   Li, D\r\nAF Smith, Alan\r\n   Wong, Chi\r\n   Li, Dan\r\nTI W2\r\nDT Article; Early Access\r\n\
C1 [Smith, Alan] Univ Oxford, Oxford OX1 3PU, England.\r\n\
\x20  [Wong, Chi] Chinese Univ Hong Kong, Shatin, Hong Kong, Peoples R China.\r\n\
\x20  [Li, Dan] Peking Univ, Beijing 100871, Peoples R China.\r\nPY 2023\r\nUT WOS:000000000000002\r\nER\r\n\r\n\
PT J\r\nAU Reid, E\r\n   Evans, F\r\nAF Reid, Ewan\r\n   Evans, Ffion\r\nTI W3\r\nDT Review\r\n\
C1 [Reid, Ewan] Univ Edinburgh, Edinburgh EH8 9YL, Midlothian, Scotland.\r\n\
\x20  [Evans, Ffion] Cardiff Univ, Cardiff CF10 3AT, Wales.\r\nPY 2023\r\nDI 10.5555/w3\r\nUT WOS:000000000000003\r\nER\r\n\r\n\
PT J\r\nAU Cohen, G\r\n   Smith, A\r\nAF Cohen, Gil\r\n   Smith, Alan\r\nTI W4\r\nDT Proceedings Paper\r\n\
C1 [Cohen, Gil] Harvard Med Sch, Beth Israel Deaconess Med Ctr, Boston, MA 02215 USA.\r\n\
\x20  [Smith, Alan] Univ Oxford, Oxford OX1 3PU, England.\r\nPY 2023\r\nUT WOS:000000000000004\r\nER\r\n\r\n\
PT J\r\nAU Nobody, N\r\nTI No key\r\nPY 2023\r\nER\r\n\r\nEF\r\n";

fn figures(store: &Path, group: &str) -> serde_json::Value {
    let out = tandem(&[
        "figures",
        "--store",
        store.to_str().unwrap(),
        "--group",
        group,
        "--partner",
        "US",
        "--year",
        "2023",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn partner_papers(f: &serde_json::Value, country: &str) -> u64 {
    f["partners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["country"] == country)
        .map_or(0, |p| p["papers"].as_u64().unwrap())
}

fn store_info(store: &Path) -> serde_json::Value {
    let out = tandem(&[
        "store",
        "info",
        "--store",
        store.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn scopus_store_gives_hand_counted_figures_and_keeps_the_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    let export = write(dir.path(), "scopus.csv", &scopus_export());
    let store = dir.path().join("store");
    let out = tandem(&[
        "ingest",
        "scopus",
        export.to_str().unwrap(),
        "--store",
        store.to_str().unwrap(),
        "--quiet",
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("1 rejected record"), "{err}");
    assert!(
        err.contains("Addresses: 14 read; 14 (100.0%) resolved to a country"),
        "{err}"
    );
    assert!(err.contains("no --registry given"), "{err}");

    let info = store_info(&store);
    assert_eq!(info["works"], 7);
    assert_eq!(info["rejects"], 1);
    assert_eq!(info["sources"]["scopus"], 7);
    let rejects_file = store.join(info["rejects_files"][0].as_str().unwrap());
    let reject: serde_json::Value = serde_json::from_str(
        std::fs::read_to_string(rejects_file)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(reject["line"], 9);
    assert_eq!(reject["record"], 8);
    assert!(reject["raw"].as_str().unwrap().contains("2-s2.0-8"));

    let f = figures(&store, "country:GB");
    assert_eq!(f["papers"], 4);
    assert_eq!(f["international_papers"], 3);
    assert_eq!(f["international_share"], 0.75);
    assert_eq!(f["partner"]["papers"], 2);
    assert!((f["partner"]["share_of_international"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(partner_papers(&f, "DE"), 1);
    assert_eq!(partner_papers(&f, "FR"), 1);
    assert_eq!(f["next_partner"]["country"], "DE");
    assert_eq!(f["lead_over_next"], 1.0);
}

#[test]
fn wos_store_gives_hand_counted_figures_and_keeps_the_bad_record() {
    let dir = tempfile::tempdir().unwrap();
    let export = write(dir.path(), "savedrecs.txt", WOS_EXPORT);
    let store = dir.path().join("store");
    let out = tandem(&[
        "ingest",
        "wos",
        export.to_str().unwrap(),
        "--store",
        store.to_str().unwrap(),
        "--quiet",
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(
        err.contains("Addresses: 9 read; 9 (100.0%) resolved to a country"),
        "{err}"
    );
    let info = store_info(&store);
    assert_eq!(info["works"], 4);
    assert_eq!(info["rejects"], 1);
    assert_eq!(info["sources"]["wos"], 4);

    let f = figures(&store, "country:GB");
    assert_eq!(f["papers"], 4);
    assert_eq!(f["international_papers"], 3);
    assert_eq!(f["partner"]["papers"], 2);
    assert_eq!(partner_papers(&f, "CN"), 1);
    assert_eq!(partner_papers(&f, "HK"), 1);
    assert_eq!(partner_papers(&f, "IL"), 0, "Beth Israel is in Boston");
}

#[test]
fn the_same_doi_from_scopus_and_wos_is_one_work() {
    let dir = tempfile::tempdir().unwrap();
    let scopus = write(dir.path(), "scopus.csv", &scopus_export());
    let wos = write(dir.path(), "savedrecs.txt", WOS_EXPORT);
    let store = dir.path().join("store");
    let s = store.to_str().unwrap();
    let a = tandem(&[
        "ingest",
        "scopus",
        scopus.to_str().unwrap(),
        "--store",
        s,
        "--quiet",
    ]);
    assert_eq!(a.status.code(), Some(3), "{}", stderr(&a));
    let b = tandem(&[
        "ingest",
        "wos",
        wos.to_str().unwrap(),
        "--store",
        s,
        "--quiet",
    ]);
    assert_eq!(b.status.code(), Some(3), "{}", stderr(&b));
    let info = store_info(&store);
    // 7 Scopus works + 4 WoS works, S1 and W1 sharing 10.5555/one.
    assert_eq!(info["works"], 10);
    assert_eq!(info["sources"]["scopus"], 6);
    assert_eq!(info["sources"]["wos"], 4);
    assert_eq!(info["rejects"], 2);
    let f = figures(&store, "country:GB");
    // Scopus S1-S4 and WoS W2-W4 (W1 is S1).
    assert_eq!(f["papers"], 7);
    assert_eq!(f["international_papers"], 5);
    assert_eq!(f["partner"]["papers"], 3);
}

/// A registry of three organisations, imported through the real ROR v2 reader.
fn tiny_registry(dir: &Path) -> PathBuf {
    let records = [
        r#"{"id":"https://ror.org/052gg0110","names":[{"value":"University of Oxford","types":["ror_display","label"],"lang":"en"}],"locations":[{"geonames_details":{"name":"Oxford","country_code":"GB"}}],"types":["education"],"status":"active","relationships":[]}"#,
        r#"{"id":"https://ror.org/024mrxd33","names":[{"value":"University of Leeds","types":["ror_display","label"],"lang":"en"}],"locations":[{"geonames_details":{"name":"Leeds","country_code":"GB"}}],"types":["education"],"status":"active","relationships":[]}"#,
        r#"{"id":"https://ror.org/03vek6s52","names":[{"value":"Harvard University","types":["ror_display","label"],"lang":"en"}],"locations":[{"geonames_details":{"name":"Cambridge","country_code":"US"}}],"types":["education"],"status":"active","relationships":[]}"#,
        // Placed in the wrong country, as a registry can be: the Munich address names it, but it is
        // not taken, only suggested.
        r#"{"id":"https://ror.org/04py35477","names":[{"value":"Max Planck Institute of Biochemistry","types":["ror_display","label"],"lang":"en"}],"locations":[{"geonames_details":{"name":"Martinsried","country_code":"CH"}}],"types":["facility"],"status":"active","relationships":[]}"#,
    ];
    let dump = write(dir, "ror.jsonl", &(records.join("\n") + "\n"));
    let imported = tandem_registry::import_file(&dump, |_| {}).unwrap();
    let registry = dir.join("registry");
    imported.registry.save(&registry).unwrap();
    registry
}

/// `tandem ingest scopus EXPORT --store STORE --registry REGISTRY --quiet EXTRA...`
fn ingest_scopus_with(export: &Path, store: &Path, registry: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "ingest",
        "scopus",
        export.to_str().unwrap(),
        "--store",
        store.to_str().unwrap(),
        "--registry",
        registry.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    tandem(&args)
}

#[test]
fn with_a_registry_addresses_become_institutions_and_groups_work() {
    let dir = tempfile::tempdir().unwrap();
    let registry = tiny_registry(dir.path());
    let export = write(dir.path(), "scopus.csv", &scopus_export());
    let store = dir.path().join("store");
    let unresolved = dir.path().join("unresolved.tsv");
    let out = ingest_scopus_with(
        &export,
        &store,
        &registry,
        &["--unresolved", unresolved.to_str().unwrap()],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    // Oxford (5 records) and Leeds (2) match; Harvard Medical School, Max Planck and Pasteur do not.
    assert!(err.contains("7 (50.0%) to an institution"), "{err}");
    let tsv = std::fs::read_to_string(&unresolved).unwrap();
    assert!(
        tsv.starts_with("count\tcountry\toutcome\tcandidates\tcandidate_names\taddress\n"),
        "{tsv}"
    );
    assert!(!tsv.contains(OXFORD), "{tsv}");
    // The institute the Munich address names, though the registry puts it elsewhere, is suggested.
    let munich = tsv.lines().find(|l| l.ends_with(MUNICH)).expect(&tsv);
    let columns: Vec<&str> = munich.split('\t').collect();
    assert_eq!(
        columns[2..5],
        [
            "no institution",
            "https://ror.org/04py35477",
            "Max Planck Institute of Biochemistry (CH)"
        ],
        "{munich}"
    );
    assert!(
        err.contains("no institution (names Max Planck Institute of Biochemistry (CH), not taken)"),
        "{err}"
    );
    assert!(
        err.contains("1 of the unmatched addresses name an organisation the matcher did not take"),
        "{err}"
    );

    // A group of Oxford and Leeds, by ROR id: S1-S4 in 2023, as for country:GB.
    let group = write(
        dir.path(),
        "group.toml",
        "name = \"Two\"\n[[member]]\nror = \"https://ror.org/052gg0110\"\n[[member]]\nror = \"024mrxd33\"\n",
    );
    let f = figures(&store, group.to_str().unwrap());
    assert_eq!(f["papers"], 4);
    assert_eq!(f["international_papers"], 3);
    assert_eq!(f["partner"]["papers"], 2);
    let oxford = f["institutions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["ror"].as_str().unwrap().ends_with("052gg0110"))
        .unwrap()
        .clone();
    assert_eq!(oxford["papers"], 3);
}

#[test]
fn the_unresolved_file_with_a_ror_column_added_corrects_the_next_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let registry = tiny_registry(dir.path());
    let export = write(dir.path(), "scopus.csv", &scopus_export());
    let unresolved = dir.path().join("unresolved.tsv");
    let ingest = |store: &str, extra: &[&str]| {
        let store = dir.path().join(store);
        (ingest_scopus_with(&export, &store, &registry, extra), store)
    };
    let (out, _) = ingest("before", &["--unresolved", unresolved.to_str().unwrap()]);
    assert!(
        stderr(&out).contains("7 (50.0%) to an institution"),
        "{}",
        stderr(&out)
    );

    // The user adds a `ror` column and fills it in for Harvard Medical School only. The other rows keep
    // the country the first run found, which corrects nothing.
    let tsv = std::fs::read_to_string(&unresolved).unwrap();
    let corrected: String = tsv
        .lines()
        .enumerate()
        .map(|(i, line)| match i {
            0 => format!("{line}\tror\n"),
            _ if line.ends_with(HARVARD) => format!("{line}\thttps://ror.org/03vek6s52\n"),
            _ => format!("{line}\t\n"),
        })
        .collect();
    let map = write(dir.path(), "corrections.tsv", &corrected);
    // Into the same store: the records read again replace their first copies.
    let (out, store) = ingest("before", &["--affiliation-map", map.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    // Harvard Medical School is 5 of the 14 addresses.
    assert!(err.contains("12 (85.7%) to an institution"), "{err}");
    assert!(
        err.contains("5 of these addresses were resolved by the affiliation map"),
        "{err}"
    );
    assert!(
        err.contains("1 addresses given ROR ids, 2 a country only"),
        "{err}"
    );
    let group = write(
        dir.path(),
        "harvard.toml",
        "name = \"Harvard\"\n[[member]]\nror = \"03vek6s52\"\n",
    );
    // S1, S4 and S5 in 2023 (S6 is an editorial).
    assert_eq!(figures(&store, group.to_str().unwrap())["papers"], 3);
    let info = store_info(&store);
    assert_eq!(info["works"], 7);
    // The manifest records what the exports were read with.
    let read_with = info["last_ingest"]["read_with"].to_string();
    assert!(read_with.contains("ROR registry"), "{read_with}");
    assert!(
        read_with.contains("affiliation map") && read_with.contains("1 addresses given ROR ids"),
        "{read_with}"
    );

    // An id the registry does not hold stops the run before anything is read, naming the line.
    let bad = write(
        dir.path(),
        "bad.csv",
        &format!("address,ror\n\"{OXFORD}\",052gg0110\n\"{HARVARD}\",ror.org/00f54p054\n"),
    );
    let (out, store) = ingest("bad", &["--affiliation-map", bad.to_str().unwrap()]);
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(err.contains("bad.csv, line 3"), "{err}");
    assert!(
        err.contains("https://ror.org/00f54p054 is not in the registry"),
        "{err}"
    );
    assert!(!store.join("manifest.json").exists());
}

#[test]
fn real_samples_ingest_with_no_rejects_and_give_figures() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if !data.join("scopus").is_dir() || !data.join("wos").is_dir() {
        eprintln!("skipped: {} is absent", data.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Works in the store, one per DOI: the two Scopus files hold 3,658 + 200 records; the 500 WoS
    // records include two (WOS:001345955900122 and WOS:001354401200005) with the same DOI,
    // 10.1177/10815589241257215, so they are one work.
    for (source, path, works) in [
        ("scopus", data.join("scopus"), 3_858u64),
        ("wos", data.join("wos"), 499),
    ] {
        let store = dir.path().join(source);
        let out = tandem(&[
            "ingest",
            source,
            path.to_str().unwrap(),
            "--store",
            store.to_str().unwrap(),
            "--quiet",
        ]);
        let err = stderr(&out);
        assert!(out.status.success(), "{err}");
        eprintln!("{source}: {err}");
        let info = store_info(&store);
        assert_eq!(info["works"], works);
        assert_eq!(info["rejects"], 0);
        let out = tandem(&[
            "figures",
            "--store",
            store.to_str().unwrap(),
            "--group",
            "country:GB",
            "--partner",
            "US",
            "--years",
            "2023-2024",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        eprintln!("{}", String::from_utf8_lossy(&out.stdout));
    }
}
