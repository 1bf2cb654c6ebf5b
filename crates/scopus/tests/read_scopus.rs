//! Reading Scopus exports: the real samples in ../shared/data, and small hand-written exports in both
//! layouts with bad records.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use tandem_model::{Input, Institution, RecordSink, Reject, Work, WorkId};
use tandem_scopus::ScopusFile;
use tandem_scopus::address::AddressResolver;

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
    ScopusFile::new(path.to_path_buf(), resolver.clone())
        .read(&mut sink)
        .expect("readable");
    sink
}

fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/scopus");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent", dir.display());
        None
    }
}

#[test]
fn real_exports_round_trip_with_no_parse_errors() {
    let Some(dir) = shared_data() else { return };
    for (file, records) in [
        ("scopus_export_3658.csv", 3658),
        ("scopus_export_full_fields_200.csv", 200),
    ] {
        let resolver = Arc::new(AddressResolver::new(None));
        let sink = read(&dir.join(file), &resolver);
        assert!(
            sink.rejects.is_empty(),
            "{file}: {:#?}",
            &sink.rejects[..sink.rejects.len().min(3)]
        );
        assert_eq!(sink.works.len(), records, "{file}");
        let report = resolver.report();
        let authors: usize = sink.works.iter().map(|w| w.authorships.len()).sum();
        let with_address = sink
            .works
            .iter()
            .flat_map(|w| &w.authorships)
            .filter(|a| !a.raw_affiliations.is_empty())
            .count();
        eprintln!(
            "{file}: {} works, {authors} authorships ({with_address} with an address), {} addresses, \
             {:.2}% with a country",
            sink.works.len(),
            report.addresses,
            report.country_share().unwrap_or(0.0) * 100.0
        );
        // Every work keeps its EID and source; DOIs decide the key where present.
        for w in &sink.works {
            assert!(w.source_key.starts_with("2-s2.0-"), "{}", w.source_key);
            assert_eq!(
                w.id,
                WorkId::from_external("scopus", &w.source_key, w.doi.as_deref())
            );
            assert!(w.publication_year.is_some());
        }
        assert!(report.country_share().unwrap() > 0.98, "{file}");
    }
}

#[test]
fn first_record_of_the_large_export_is_read_in_detail() {
    let Some(dir) = shared_data() else { return };
    let resolver = Arc::new(AddressResolver::new(None));
    let sink = read(&dir.join("scopus_export_3658.csv"), &resolver);
    let w = &sink.works[0];
    assert_eq!(w.doi.as_deref(), Some("10.1016/j.cmpb.2024.108523"));
    assert_eq!(w.source_key, "2-s2.0-85210137108");
    assert_eq!(w.publication_year, Some(2025));
    assert_eq!(w.work_type.as_deref(), Some("article"));
    assert_eq!(w.authorships.len(), 6);
    let first = &w.authorships[0];
    assert_eq!(first.author_name.as_deref(), Some("Parise, Orlando"));
    assert_eq!(first.author_id.as_deref(), Some("scopus:6603398373"));
    assert_eq!(first.is_corresponding, Some(true));
    assert_eq!(first.raw_affiliations.len(), 2);
    assert_eq!(first.countries, vec!["BE", "NL"]);
    assert_eq!(w.country_set(), vec!["BE", "NL"]);
}

const CURRENT_LAYOUT: &str = "\u{feff}\"Authors\",\"Author full names\",\"Author(s) ID\",\"Title\",\"Year\",\"Source title\",\"Cited by\",\"DOI\",\"Affiliations\",\"Authors with affiliations\",\"Correspondence Address\",\"Document Type\",\"EID\"\n\
\"Smith, J.; Doe, A.\",\"Smith, John (111); Doe, Ann (222)\",\"111; 222\",\"A title\nover two lines\",\"2023\",\"J. Things\",\"4\",\"10.1000/ABC\",\"Department of Physics, University of Oxford, Oxford, United Kingdom; Harvard Medical School, Boston, MA, United States\",\"Smith, John, Department of Physics, University of Oxford, Oxford, United Kingdom; Doe, Ann, Harvard Medical School, Boston, MA, United States\",\"A. Doe; Harvard Medical School, Boston, MA, United States; email: ann@example.org\",\"Review\",\"2-s2.0-1\"\n\
\"Roe, B.\",\"Roe, Bo (333)\",\"333\",\"Bad year\",\"20x3\",\"J. Things\",\"\",\"\",\"Univ A, Paris, France\",\"Roe, Bo, Univ A, Paris, France\",\"\",\"Article\",\"2-s2.0-2\"\n\
\"Lee, C.\",\"Lee, Cy (444)\",\"444\",\"No address\",\"2022\",\"J. Things\",\"\",\"\",\"\",\"\",\"\",\"Conference paper\",\"2-s2.0-3\"\n";

const OLDER_LAYOUT: &str = "\u{feff}Authors,Author(s) ID,Title,Year,Source title,DOI,Affiliations,Authors with affiliations,Document Type,EID\n\
Smith J.; Doe A.,111;222,Old layout,2021,J. Things,10.1000/old,\"Merck & amp; Co., Rahway, NJ, United States; Peking University, Beijing, China\",\"Smith J., Merck & amp; Co., Rahway, NJ, United States, Peking University, Beijing, China; Doe A., Peking University, Beijing, China\",Article,2-s2.0-9\n\
Short row,only three,fields\n";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn current_layout_with_a_bad_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "current.csv", CURRENT_LAYOUT);
    let resolver = Arc::new(AddressResolver::new(None));
    let sink = read(&path, &resolver);
    assert_eq!(sink.works.len(), 2);
    assert_eq!(sink.rejects.len(), 1);
    let reject = &sink.rejects[0];
    // The first record spans lines 2-3, so the bad one starts on line 4.
    assert_eq!((reject.line, reject.record), (Some(4), Some(2)));
    assert!(
        reject.reason.contains("Year is \"20x3\""),
        "{}",
        reject.reason
    );
    assert!(reject.raw.contains("2-s2.0-2"));

    let w = &sink.works[0];
    assert_eq!(w.title.as_deref(), Some("A title\nover two lines"));
    assert_eq!(w.doi.as_deref(), Some("10.1000/abc"));
    assert_eq!(w.work_type.as_deref(), Some("review"));
    assert_eq!(w.cited_by_count, Some(4));
    assert_eq!(w.authorships[0].author_name.as_deref(), Some("Smith, John"));
    assert_eq!(w.authorships[0].countries, vec!["GB"]);
    assert_eq!(w.authorships[1].countries, vec!["US"]);
    assert_eq!(w.authorships[0].is_corresponding, Some(false));
    assert_eq!(w.authorships[1].is_corresponding, Some(true));
    // An author without an address is kept.
    let lone = &sink.works[1];
    assert_eq!(lone.authorships.len(), 1);
    assert!(lone.authorships[0].raw_affiliations.is_empty());
    assert_eq!(lone.work_type.as_deref(), Some("article"));
    let report = resolver.report();
    assert_eq!((report.addresses, report.with_country), (2, 2));
}

#[test]
fn older_layout_with_escaped_ampersand_and_a_short_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "older.csv", OLDER_LAYOUT);
    let resolver = Arc::new(AddressResolver::new(None));
    let sink = read(&path, &resolver);
    assert_eq!(sink.works.len(), 1);
    assert_eq!(sink.rejects.len(), 1);
    assert_eq!(sink.rejects[0].line, Some(3));
    assert!(
        sink.rejects[0]
            .reason
            .contains("3 fields where the header has 10")
    );
    let w = &sink.works[0];
    let smith = &w.authorships[0];
    assert_eq!(smith.author_name.as_deref(), Some("Smith J."));
    assert_eq!(smith.author_id.as_deref(), Some("scopus:111"));
    assert_eq!(
        smith.raw_affiliations,
        vec![
            "Merck & Co., Rahway, NJ, United States",
            "Peking University, Beijing, China"
        ]
    );
    assert_eq!(smith.countries, vec!["US", "CN"]);
    assert_eq!(w.authorships[1].countries, vec!["CN"]);
}

#[test]
fn a_file_that_is_not_a_scopus_export_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "other.csv", "a,b,c\n1,2,3\n");
    let resolver = Arc::new(AddressResolver::new(None));
    let mut sink = Collect::default();
    let err = ScopusFile::new(path, resolver).read(&mut sink).unwrap_err();
    assert!(err.to_string().contains("not a Scopus CSV export"), "{err}");
}
