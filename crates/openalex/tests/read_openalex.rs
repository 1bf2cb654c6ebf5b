//! Reading OpenAlex inputs into model records: real samples and hand-written edge cases.

use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::{Path, PathBuf};
use tandem_model::{Institution, InstitutionId, RecordSink, Reject, Work, WorkId};

#[derive(Default)]
struct Collect {
    works: Vec<Work>,
    institutions: Vec<Institution>,
    merged: Vec<WorkId>,
    rejects: Vec<Reject>,
}

impl RecordSink for Collect {
    fn work(&mut self, work: Work) {
        self.works.push(work);
    }
    fn institution(&mut self, institution: Institution) {
        self.institutions.push(institution);
    }
    fn merged_work(&mut self, id: WorkId) {
        self.merged.push(id);
    }
    fn reject(&mut self, reject: Reject) {
        self.rejects.push(reject);
    }
    fn progress(&mut self, _bytes_read: u64) {}
}

fn read_all(paths: &[PathBuf]) -> Collect {
    let mut sink = Collect::default();
    for input in tandem_openalex::inputs_from_paths(paths).expect("inputs") {
        input.read(&mut sink).expect("readable input");
    }
    sink
}

fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/openalex");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: {} is absent (real-data tests need ../shared/data)",
            dir.display()
        );
        None
    }
}

fn gz(path: &Path, text: &[u8]) {
    let mut enc = GzEncoder::new(std::fs::File::create(path).unwrap(), Compression::fast());
    enc.write_all(text).unwrap();
    enc.finish().unwrap();
}

#[test]
fn real_current_schema_sample_reads_without_rejects_and_country_sets_match() {
    let Some(dir) = shared_data() else { return };
    let got = read_all(&[dir.join("works_api_591.jsonl.gz")]);
    assert!(
        got.rejects.is_empty(),
        "{:?}",
        got.rejects.iter().map(|r| &r.reason).collect::<Vec<_>>()
    );
    assert_eq!(got.works.len(), 591);
    for w in &got.works {
        assert_eq!(
            Some(w.country_set().len() as i32),
            w.countries_distinct_count,
            "country set of {} is {:?}",
            w.source_key,
            w.country_set()
        );
    }
    let international = got
        .works
        .iter()
        .filter(|w| w.country_set().len() >= 2)
        .count();
    let with_country = got
        .works
        .iter()
        .filter(|w| !w.country_set().is_empty())
        .count();
    assert_eq!(
        (with_country, international),
        (358, 122),
        "counts from ../shared/data/README.md"
    );
}

#[test]
fn real_api_page_and_2022_array_read_without_rejects() {
    let Some(dir) = shared_data() else { return };
    let page = read_all(&[dir.join("api_page_200works.json")]);
    assert!(
        page.rejects.is_empty(),
        "{:?}",
        page.rejects.iter().map(|r| &r.reason).collect::<Vec<_>>()
    );
    assert_eq!(page.works.len(), 200);
    let old = read_all(&[dir.join("works_2022_schema_410.json.gz")]);
    assert!(
        old.rejects.is_empty(),
        "{:?}",
        old.rejects.iter().map(|r| &r.reason).collect::<Vec<_>>()
    );
    assert_eq!(old.works.len(), 410);
    // Crossref types are mapped, and the original is kept.
    let monograph = old
        .works
        .iter()
        .find(|w| w.original_type.as_deref() == Some("monograph"))
        .expect("a monograph");
    assert_eq!(monograph.work_type.as_deref(), Some("book"));
    assert!(
        old.works
            .iter()
            .all(|w| w.work_type.as_deref() != Some("journal-article"))
    );
    // The singular raw_affiliation_string is kept as the authorship's raw affiliation.
    assert!(
        old.works
            .iter()
            .flat_map(|w| &w.authorships)
            .any(|a| !a.raw_affiliations.is_empty())
    );
    assert!(old.works.iter().any(|w| !w.concepts.is_empty()));
}

#[test]
fn minimal_and_null_heavy_records_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("works.jsonl");
    std::fs::write(
        &path,
        concat!(
            r#"{"id":"https://openalex.org/W1"}"#,
            "\n",
            r#"{"id":"W2","authorships":null,"topics":null,"primary_topic":null,"fwci":null,"is_paratext":null,"countries_distinct_count":0}"#,
            "\n",
            r#"{"id":"W3","authorships":[{"author":null,"institutions":[{"id":null,"display_name":"Nowhere"},{"id":"https://openalex.org/I9","ror":"https://ror.org/052gg0110","country_code":"gb","lineage":null}],"countries":["GB",null]}],"unknown_key":{"deep":[1,2,3]}}"#,
            "\n"
        ),
    )
    .unwrap();
    let got = read_all(&[path]);
    assert_eq!(got.rejects, vec![]);
    assert_eq!(got.works.len(), 3);
    let w3 = &got.works[2];
    let inst = &w3.authorships[0].institutions;
    assert_eq!(
        inst.len(),
        1,
        "an institution object without an id is not an institution"
    );
    assert_eq!(inst[0].id, InstitutionId(9));
    assert_eq!(inst[0].ror.as_deref(), Some("052gg0110"));
    assert_eq!(inst[0].country_code.as_deref(), Some("GB"));
    assert_eq!(
        inst[0].lineage,
        vec![InstitutionId(9)],
        "lineage always holds the institution itself"
    );
    assert_eq!(w3.country_set(), vec!["GB".to_string()]);
}

#[test]
fn bad_lines_are_rejected_with_their_line_and_good_ones_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.jsonl");
    let mut text = Vec::new();
    text.extend_from_slice(b"{\"id\":\"W1\"}\n");
    text.extend_from_slice(b"this is not json\n");
    text.extend_from_slice(b"{\"title\":\"no id\"}\n");
    text.extend_from_slice(b"{\"id\":\"W4\",\"title\":\"caf\xe9\"}\n"); // Latin-1, not UTF-8
    text.extend_from_slice(b"{\"id\":\"https://openalex.org/A5\"}\n");
    text.extend_from_slice(b"\n{\"id\":\"W6\"}\n");
    std::fs::write(&path, &text).unwrap();
    let got = read_all(&[path]);
    let ids: Vec<i64> = got.works.iter().map(|w| w.id.0).collect();
    assert_eq!(ids, vec![1, 6]);
    let lines: Vec<Option<u64>> = got.rejects.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![Some(2), Some(3), Some(4), Some(5)]);
    assert!(
        got.rejects[1].reason.contains("no `id`"),
        "{}",
        got.rejects[1].reason
    );
    assert!(
        got.rejects[2].reason.contains("UTF-8"),
        "{}",
        got.rejects[2].reason
    );
    assert!(
        got.rejects[3].reason.contains("A5"),
        "{}",
        got.rejects[3].reason
    );
    assert_eq!(got.rejects[0].raw, "this is not json");
}

#[test]
fn truncated_gzip_keeps_the_records_before_the_cut_and_reports_where() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full.gz");
    let mut text = String::new();
    for i in 1..=2000 {
        text.push_str(&format!("{{\"id\":\"W{i}\",\"title\":\"work number {i} with some padding to make it longer\"}}\n"));
    }
    gz(&full, text.as_bytes());
    let bytes = std::fs::read(&full).unwrap();
    let cut = dir.path().join("cut.gz");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let got = read_all(&[cut]);
    assert!(
        got.works.len() > 100 && got.works.len() < 2000,
        "{} works",
        got.works.len()
    );
    let ids: Vec<i64> = got.works.iter().map(|w| w.id.0).collect();
    assert_eq!(
        ids,
        (1..=got.works.len() as i64).collect::<Vec<_>>(),
        "every record before the cut, in order"
    );
    assert_eq!(got.rejects.len(), 1);
    let reject = &got.rejects[0];
    assert_eq!(reject.line, Some(got.works.len() as u64 + 1));
    assert!(reject.offset.is_some());
    assert!(
        reject.reason.contains("truncated or corrupt"),
        "{}",
        reject.reason
    );
}

#[test]
fn empty_files_and_non_json_files_do_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a_empty.jsonl"), b"").unwrap();
    gz(&dir.path().join("b_empty.gz"), b"");
    std::fs::write(
        dir.path().join("c_binary.json"),
        [0u8, 159, 146, 150, 255, 10, 1, 2],
    )
    .unwrap();
    std::fs::write(dir.path().join("d_good.jsonl"), b"{\"id\":\"W10\"}\n").unwrap();
    let got = read_all(&[dir.path().to_path_buf()]);
    assert_eq!(got.works.len(), 1);
    assert_eq!(
        got.rejects.len(),
        2,
        "one per line of the binary file: {:?}",
        got.rejects
    );
    assert!(
        got.rejects
            .iter()
            .all(|r| r.input.ends_with("c_binary.json"))
    );
}

#[test]
fn snapshot_layout_is_discovered_with_partitions_merged_ids_and_institutions() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let works = root.join("data/works/updated_date=2024-01-02");
    std::fs::create_dir_all(&works).unwrap();
    gz(
        &works.join("part_000.gz"),
        b"{\"id\":\"W1\",\"updated_date\":\"2024-01-02\"}\n",
    );
    std::fs::write(works.join("manifest"), b"{\"entries\":[]}").unwrap();
    let insts = root.join("data/institutions/updated_date=2024-01-01");
    std::fs::create_dir_all(&insts).unwrap();
    gz(
        &insts.join("part_000.gz"),
        b"{\"id\":\"https://openalex.org/I7\",\"ror\":\"https://ror.org/052gg0110\",\"display_name\":\"Oxford\",\"country_code\":\"GB\",\"type\":\"education\",\"lineage\":[\"https://openalex.org/I7\"]}\n",
    );
    let merged = root.join("data/merged_ids/works");
    std::fs::create_dir_all(&merged).unwrap();
    gz(
        &merged.join("2024-01-03.csv.gz"),
        b"merge_date,id,merge_into_id\n2024-01-03,W5,W1\n",
    );
    let inputs = tandem_openalex::inputs_from_paths(&[root.to_path_buf()]).unwrap();
    let partitions: Vec<String> = inputs.iter().map(|i| i.partition()).collect();
    assert_eq!(inputs.len(), 3);
    assert!(partitions.contains(&"2024-01-02".to_string()));
    let got = read_all(&[root.to_path_buf()]);
    assert_eq!(got.works.len(), 1);
    assert_eq!(got.merged, vec![WorkId(5)]);
    assert_eq!(got.institutions.len(), 1);
    assert!(got.institutions[0].is_full_record);
    assert_eq!(got.rejects, vec![]);
}

#[test]
fn lines_longer_than_the_read_buffer_crlf_and_a_last_line_without_newline_are_read() {
    let dir = tempfile::tempdir().unwrap();
    // The reader takes 1 MiB at a time; a 3 MiB title crosses several reads.
    let long_title = "x".repeat(3 << 20);
    let mut text = String::new();
    text.push_str("{\"id\":\"W1\",\"title\":\"short\"}\r\n");
    text.push_str(&format!("{{\"id\":\"W2\",\"title\":\"{long_title}\"}}\n"));
    for i in 3..=20_000 {
        text.push_str(&format!("{{\"id\":\"W{i}\",\"title\":\"work {i}\"}}\n"));
    }
    text.push_str("not json\n");
    text.push_str("{\"id\":\"W20002\"}");
    for (name, gzip) in [("lines.jsonl", false), ("lines.jsonl.gz", true)] {
        let path = dir.path().join(name);
        if gzip {
            gz(&path, text.as_bytes());
        } else {
            std::fs::write(&path, &text).unwrap();
        }
        let got = read_all(&[path]);
        let ids: Vec<i64> = got.works.iter().map(|w| w.id.0).collect();
        let mut expected: Vec<i64> = (1..=20_000).collect();
        expected.push(20_002);
        assert_eq!(ids, expected, "{name}");
        assert_eq!(got.works[0].title.as_deref(), Some("short"));
        assert_eq!(got.works[1].title.as_deref().map(str::len), Some(3 << 20));
        assert_eq!(got.rejects.len(), 1, "{name}");
        assert_eq!(got.rejects[0].line, Some(20_001));
        assert_eq!(got.rejects[0].raw, "not json");
    }
}

#[test]
fn escaped_strings_read_the_same_as_plain_ones() {
    // Ids, lineage and country codes are borrowed from the line when they have no escapes and copied
    // when they do; both must give the same work.
    let plain = r#"{"id":"https://openalex.org/W42","display_name":"Title","authorships":[{"countries":["gb"],"institutions":[{"id":"https://openalex.org/I7","country_code":"gb","lineage":["https://openalex.org/I7","https://openalex.org/I9"]}]}]}"#;
    let escaped = r#"{"id":"https:\/\/openalex.org\/W42","display_name":"Tit\u006ce","authorships":[{"countries":["\u0067b"],"institutions":[{"id":"https:\/\/openalex.org\/I7","country_code":"g\u0062","lineage":["https:\/\/openalex.org\/I7","https:\/\/openalex.org\/I9"]}]}]}"#;
    for line in [plain, escaped] {
        let work = tandem_openalex::parse_work_str(line).expect("valid work");
        assert_eq!(work.id, WorkId(42));
        assert_eq!(work.title.as_deref(), Some("Title"));
        let authorship = &work.authorships[0];
        assert_eq!(authorship.countries, ["GB"]);
        let institution = &authorship.institutions[0];
        assert_eq!(institution.country_code.as_deref(), Some("GB"));
        assert_eq!(
            institution.lineage,
            [InstitutionId(7), InstitutionId(9)],
            "{line}"
        );
    }
}
