//! Reading Web of Science exports: the real plain-text sample in ../shared/data, and hand-written files
//! in both layouts with bad records.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use tandem_model::{Input, Institution, RecordSink, Reject, Work, WorkId};
use tandem_scopus::address::AddressResolver;
use tandem_wos::WosFile;

#[derive(Default)]
struct Collect {
    works: Vec<Work>,
    institutions: Vec<Institution>,
    rejects: Vec<Reject>,
}

impl RecordSink for Collect {
    fn work(&mut self, work: Work) {
        self.works.push(work);
    }
    fn institution(&mut self, institution: Institution) {
        self.institutions.push(institution);
    }
    fn merged_work(&mut self, _id: WorkId) {}
    fn reject(&mut self, reject: Reject) {
        self.rejects.push(reject);
    }
    fn progress(&mut self, _bytes: u64) {}
}

fn read(path: &Path, resolver: &Arc<AddressResolver>) -> Collect {
    let mut sink = Collect::default();
    WosFile::new(path.to_path_buf(), resolver.clone())
        .read(&mut sink)
        .expect("readable");
    sink
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn real_plain_text_export_round_trips_with_no_parse_errors() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/wos/wos_plaintext_500.txt");
    if !path.is_file() {
        eprintln!("skipped: {} is absent", path.display());
        return;
    }
    let resolver = Arc::new(AddressResolver::new(None));
    let sink = read(&path, &resolver);
    assert!(
        sink.rejects.is_empty(),
        "{:#?}",
        &sink.rejects[..sink.rejects.len().min(3)]
    );
    assert_eq!(sink.works.len(), 500);
    let report = resolver.report();
    let authors: usize = sink.works.iter().map(|w| w.authorships.len()).sum();
    eprintln!(
        "wos_plaintext_500.txt: {} works, {authors} authorships, {} addresses, {:.2}% with a country",
        sink.works.len(),
        report.addresses,
        report.country_share().unwrap_or(0.0) * 100.0
    );
    assert!(report.country_share().unwrap() > 0.99);
    for w in &sink.works {
        assert!(w.source_key.starts_with("WOS:"), "{}", w.source_key);
        assert!(w.publication_year.is_some(), "{}", w.source_key);
        assert!(!w.authorships.is_empty(), "{}", w.source_key);
    }
    let first = &sink.works[0];
    assert_eq!(first.source_key, "WOS:001350893300002");
    assert_eq!(first.doi.as_deref(), Some("10.1007/s40670-024-02218-2"));
    assert_eq!(first.work_type.as_deref(), Some("article"));
    assert_eq!(
        first.original_type.as_deref(),
        Some("Article; Early Access")
    );
    assert_eq!(first.publication_date.as_deref(), Some("2024-11-07"));
    assert_eq!(
        first.authorships[0].author_name.as_deref(),
        Some("Cervantes, Jorge")
    );
    assert_eq!(first.authorships[0].raw_affiliations.len(), 2);
    assert_eq!(first.authorships[0].countries, vec!["US"]);
    assert_eq!(first.authorships[0].is_corresponding, Some(true));
    // Every author named in a C1 bracket, or covered by a C1 line without brackets, has an address. The
    // sample has 490 such records: of the other ten, WOS:001305820000003 has no C1 and no RP, and nine
    // name some of their authors in no bracket (WOS:001327266200001 gives addresses only for its third
    // author, Szoke), and those authors have none.
    let every_author_placed = sink
        .works
        .iter()
        .filter(|w| w.authorships.iter().all(|a| !a.raw_affiliations.is_empty()))
        .count();
    assert_eq!(every_author_placed, 490);
    let work = |ut: &str| sink.works.iter().find(|w| w.source_key == ut).unwrap();
    let no_address = work("WOS:001305820000003");
    assert_eq!(no_address.authorships.len(), 1);
    assert!(no_address.authorships[0].raw_affiliations.is_empty());
    let partly = work("WOS:001327266200001");
    let placed: Vec<usize> = partly
        .authorships
        .iter()
        .map(|a| a.raw_affiliations.len())
        .collect();
    assert_eq!(placed, vec![0, 0, 2]);
    // A record that lists its one author twice, in AU, AF and the C1 bracket: both copies are placed.
    let twice = work("WOS:001221538200001");
    assert_eq!(twice.authorships.len(), 2);
    assert!(twice.authorships.iter().all(|a| a.countries == vec!["US"]));
    // C1 lines without author brackets belong to every author (three, at two addresses).
    let unbracketed = work("WOS:001224391200001");
    assert_eq!(unbracketed.authorships.len(), 3);
    for a in &unbracketed.authorships {
        assert_eq!(a.raw_affiliations.len(), 2);
        assert_eq!(a.countries, vec!["US"]);
    }
}

/// Continuation lines start with three spaces. After a `\` line break a Rust string literal drops the next
/// line's leading whitespace, so those lines begin with `\x20` to keep it.
const PLAIN: &str = "\u{feff}FN Clarivate Analytics Web of Science\r\nVR 1.0\r\n\
PT J\r\nAU Smith, J\r\n   Doe, A\r\nAF Smith, John\r\n   Doe, Ann\r\nTI Joint work\r\n   across the sea\r\n\
SO J THINGS\r\nDT Article\r\n\
C1 [Smith, John] Univ Oxford, Dept Phys, Oxford OX1 3PU, England.\r\n\
\x20  [Doe, Ann; Smith, John] Harvard Med Sch, Beth Israel Deaconess Med Ctr, Boston, MA 02215 USA.\r\n\
RP Doe, A (corresponding author), Harvard Med Sch, Boston, MA 02215 USA.\r\n\
TC 3\r\nPY 2023\r\nDI 10.1000/SHARED\r\nUT WOS:000000000000001\r\nER\r\n\r\n\
PT J\r\nAU Roe, B\r\nTI Broken\r\nthis line is not a tag\r\nPY 2023\r\nUT WOS:000000000000002\r\nER\r\n\r\n\
PT J\r\nAU Lee, C\r\nC1 Peking Univ, Beijing 100871, Peoples R China.\r\nPY 2022\r\nUT WOS:000000000000003\r\nER\r\n\r\nEF\r\n";

#[test]
fn plain_text_with_a_bad_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "plain.txt", PLAIN.as_bytes());
    let resolver = Arc::new(AddressResolver::new(None));
    let sink = read(&path, &resolver);
    assert_eq!(sink.works.len(), 2, "{:#?}", sink.rejects);
    assert_eq!(sink.rejects.len(), 1);
    let reject = &sink.rejects[0];
    assert_eq!((reject.line, reject.record), (Some(21), Some(2)));
    assert!(reject.reason.contains("line 24"), "{}", reject.reason);
    assert!(reject.raw.contains("WOS:000000000000002"));

    let w = &sink.works[0];
    assert_eq!(w.title.as_deref(), Some("Joint work across the sea"));
    assert_eq!(w.doi.as_deref(), Some("10.1000/shared"));
    assert_eq!(w.country_set(), vec!["GB", "US"]);
    assert_eq!(w.authorships[0].countries, vec!["GB", "US"]);
    assert_eq!(w.authorships[1].countries, vec!["US"]);
    assert_eq!(w.authorships[1].is_corresponding, Some(true));
    // No brackets: the address belongs to the only author.
    assert_eq!(sink.works[1].authorships[0].countries, vec!["CN"]);
    assert_eq!(resolver.report().addresses, 3);
}

#[test]
fn a_truncated_plain_text_export_keeps_what_came_before() {
    let dir = tempfile::tempdir().unwrap();
    let cut = &PLAIN[..PLAIN.find("PT J\r\nAU Lee").unwrap() + 30];
    let path = write(dir.path(), "cut.txt", cut.as_bytes());
    let sink = read(&path, &Arc::new(AddressResolver::new(None)));
    assert_eq!(sink.works.len(), 1);
    assert_eq!(sink.rejects.len(), 2);
    assert!(
        sink.rejects[1].reason.contains("no ER line"),
        "{}",
        sink.rejects[1].reason
    );
    assert_eq!(sink.rejects[1].record, Some(3));
}

fn tab_export() -> String {
    let header = "PT\tAU\tAF\tTI\tSO\tDT\tC1\tRP\tTC\tPY\tDI\tUT\t";
    let rows = [
        "J\tSmith, J; Doe, A\tSmith, John; Doe, Ann\tTab work\tJ THINGS\tReview\t\
         [Smith, John] Univ Oxford, Oxford OX1 3PU, England; [Doe, Ann] Univ Tokyo, Tokyo 1130033, Japan\t\
         Doe, A (corresponding author), Univ Tokyo, Tokyo 1130033, Japan.\t7\t2024\t10.1000/tab\tWOS:000000000000010\t",
        "J\tRoe, B\tRoe, Bo\tToo many\tJ\tArticle\tUniv A, Paris, France\t\t1\t2024\t\tWOS:000000000000011\textra\tfields\t",
        "J\tKim, D\tKim, Da\tNo year\tJ\tProceedings Paper\t[Kim, Da] KAIST, Daejeon, South Korea\t\t\tabcd\t\tWOS:000000000000012\t",
    ];
    let mut text = format!("\u{feff}{header}\r\n");
    for row in rows {
        text.push_str(row);
        text.push_str("\r\n");
    }
    text
}

#[test]
fn tab_delimited_with_bad_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "savedrecs.txt", tab_export().as_bytes());
    let resolver = Arc::new(AddressResolver::new(None));
    let sink = read(&path, &resolver);
    assert_eq!(sink.works.len(), 1, "{:#?}", sink.rejects);
    assert_eq!(sink.rejects.len(), 2);
    assert_eq!(
        (sink.rejects[0].line, sink.rejects[0].record),
        (Some(3), Some(2))
    );
    assert!(
        sink.rejects[0]
            .reason
            .contains("fields where the header has 12 tags")
    );
    assert_eq!(
        (sink.rejects[1].line, sink.rejects[1].record),
        (Some(4), Some(3))
    );
    assert!(
        sink.rejects[1].reason.contains("PY is \"abcd\""),
        "{}",
        sink.rejects[1].reason
    );
    let w = &sink.works[0];
    assert_eq!(w.work_type.as_deref(), Some("review"));
    assert_eq!(w.cited_by_count, Some(7));
    assert_eq!(w.authorships[0].countries, vec!["GB"]);
    assert_eq!(w.authorships[1].countries, vec!["JP"]);
    assert_eq!(w.authorships[1].is_corresponding, Some(true));
}

#[test]
fn tab_delimited_line_numbers_count_blank_lines() {
    let dir = tempfile::tempdir().unwrap();
    // Two blank lines before the second row: it is on line 5, the third on line 6.
    let text = tab_export().replace("\r\nJ\tRoe", "\r\n\r\n\r\nJ\tRoe");
    let path = write(dir.path(), "blank.txt", text.as_bytes());
    let sink = read(&path, &Arc::new(AddressResolver::new(None)));
    assert_eq!(sink.works.len(), 1);
    let positions: Vec<_> = sink.rejects.iter().map(|r| (r.line, r.record)).collect();
    assert_eq!(positions, vec![(Some(5), Some(2)), (Some(6), Some(3))]);
}

#[test]
fn utf16_tab_delimited_exports_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = vec![0xFF, 0xFE];
    for unit in tab_export().trim_start_matches('\u{feff}').encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    let path = write(dir.path(), "win.txt", &bytes);
    let sink = read(&path, &Arc::new(AddressResolver::new(None)));
    assert_eq!(sink.works.len(), 1);
    assert_eq!(sink.rejects.len(), 2);
}

#[test]
fn a_file_of_another_kind_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "notes.txt", b"Authors,Title\nx,y\n");
    let mut sink = Collect::default();
    let err = WosFile::new(path, Arc::new(AddressResolver::new(None)))
        .read(&mut sink)
        .unwrap_err();
    assert!(
        err.to_string().contains("not a Web of Science export"),
        "{err}"
    );
}
