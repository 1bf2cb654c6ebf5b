//! Ingest into the Parquet store: upserts, merged ids, lineage, rejects, resume, and the real samples.

use datafusion::arrow::array::{AsArray, RecordBatch};
use datafusion::arrow::datatypes::{Int32Type, Int64Type};
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use flate2::Compression;
use flate2::write::GzEncoder;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use tandem_model::{Input, InputError, RecordSink};
use tandem_store::{IngestOptions, Store, Table, ingest};

fn read_table(store: &Path, table: Table) -> Vec<RecordBatch> {
    let store = Store::open(store).unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(store.table_path(table))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut batches = Vec::new();
    for path in files {
        let file = std::fs::File::open(path).unwrap();
        batches.extend(
            ParquetRecordBatchReaderBuilder::try_new(file)
                .unwrap()
                .build()
                .unwrap()
                .map(|b| b.unwrap()),
        );
    }
    batches
}

/// Every row of a table as text, sorted: the table's content regardless of row order.
fn table_rows(store: &Path, table: Table) -> Vec<String> {
    let options = FormatOptions::default();
    let mut rows = Vec::new();
    for batch in read_table(store, table) {
        let formatters: Vec<_> = batch
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &options).unwrap())
            .collect();
        for i in 0..batch.num_rows() {
            rows.push(
                formatters
                    .iter()
                    .map(|f| f.value(i).to_string())
                    .collect::<Vec<_>>()
                    .join("|"),
            );
        }
    }
    rows.sort();
    rows
}

fn all_tables(store: &Path) -> BTreeMap<&'static str, Vec<String>> {
    Table::ALL
        .iter()
        .map(|t| (t.name(), table_rows(store, *t)))
        .collect()
}

fn work_ids(store: &Path) -> Vec<i64> {
    let mut ids: Vec<i64> = read_table(store, Table::Works)
        .iter()
        .flat_map(|b| b.column(0).as_primitive::<Int64Type>().values().to_vec())
        .collect();
    ids.sort();
    ids
}

fn titles(store: &Path) -> BTreeMap<i64, String> {
    let mut out = BTreeMap::new();
    for b in read_table(store, Table::Works) {
        let ids = b.column(0).as_primitive::<Int64Type>();
        let titles = b.column_by_name("title").unwrap().as_string::<i32>();
        for i in 0..b.num_rows() {
            out.insert(ids.value(i), titles.value(i).to_string());
        }
    }
    out
}

fn gz(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut enc = GzEncoder::new(std::fs::File::create(path).unwrap(), Compression::fast());
    enc.write_all(text.as_bytes()).unwrap();
    enc.finish().unwrap();
}

fn work(id: u64, updated: &str, title: &str) -> String {
    format!(
        r#"{{"id":"https://openalex.org/W{id}","title":"{title}","publication_year":2023,"type":"article","updated_date":"{updated}","authorships":[{{"author_position":"first","author":{{"id":"A{id}"}},"institutions":[{{"id":"https://openalex.org/I2","ror":"https://ror.org/052gg0110","country_code":"GB","lineage":["https://openalex.org/I2","https://openalex.org/I1"]}}],"countries":["GB"]}},{{"author_position":"last","institutions":[],"countries":["US"]}}]}}"#
    )
}

fn run(store: &Path, paths: &[PathBuf]) -> tandem_store::IngestSummary {
    let inputs = tandem_openalex::inputs_from_paths(paths).unwrap();
    ingest(
        store,
        inputs,
        &IngestOptions {
            chunk_works: 2,
            ..Default::default()
        },
    )
    .unwrap()
}

/// A snapshot with an upsert across partitions, a tie, a repeat within one file, and merged ids.
fn write_snapshot(root: &Path) {
    let w = root.join("data/works");
    gz(
        &w.join("updated_date=2024-01-01/part_000.gz"),
        &[
            work(1, "2024-01-01T00:00:00", "old one"),
            work(2, "2024-01-01", "two"),
            work(3, "2024-01-01", "three"),
            work(5, "2024-01-01", "merged away"),
        ]
        .join("\n"),
    );
    gz(
        &w.join("updated_date=2024-02-01/part_000.gz"),
        &[
            work(1, "2024-02-01T10:00:00.5", "new one"),
            work(4, "2024-02-01", "four first copy"),
            work(4, "2024-02-01", "four second copy"),
        ]
        .join("\n"),
    );
    // Same updated_date as W2's copy in the earlier partition: the later partition wins the tie.
    gz(
        &w.join("updated_date=2024-03-01/part_000.gz"),
        &work(2, "2024-01-01", "two from later partition"),
    );
    // An older copy in a later-sorted loose file must not win over the newer one.
    gz(
        &w.join("updated_date=2024-03-01/part_001.gz"),
        &work(3, "2023-12-31", "stale three"),
    );
    gz(
        &root.join("data/merged_ids/works/2024-03-02.csv.gz"),
        "merge_date,id,merge_into_id\n2024-03-02,W5,W1\n",
    );
}

#[test]
fn snapshot_semantics_upserts_ties_repeats_and_merged_ids() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap");
    write_snapshot(&snap);
    let store = dir.path().join("store");
    let summary = run(&store, &[snap]);
    assert_eq!(summary.record.rejects, 0);
    assert_eq!(work_ids(&store), vec![1, 2, 3, 4]);
    let t = titles(&store);
    assert_eq!(t[&1], "new one");
    assert_eq!(t[&2], "two from later partition");
    assert_eq!(t[&3], "three");
    assert_eq!(
        t[&4], "four second copy",
        "a repeat in one file: the later row wins"
    );
    assert_eq!(summary.record.removed_merged, 1);
    // Child tables follow the winning copy only: two authorships per work, no duplicates.
    assert_eq!(table_rows(&store, Table::Authorships).len(), 8);
    assert_eq!(table_rows(&store, Table::Affiliations).len(), 4);
    assert_eq!(table_rows(&store, Table::WorkCountries).len(), 8);
    assert_eq!(table_rows(&store, Table::MergedIds), vec!["5".to_string()]);
}

#[test]
fn file_order_does_not_matter_and_two_steps_equal_one() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap");
    write_snapshot(&snap);
    let parts: Vec<PathBuf> = vec![
        snap.join("data/works/updated_date=2024-03-01/part_001.gz"),
        snap.join("data/works/updated_date=2024-02-01/part_000.gz"),
        snap.join("data/merged_ids/works/2024-03-02.csv.gz"),
        snap.join("data/works/updated_date=2024-01-01/part_000.gz"),
        snap.join("data/works/updated_date=2024-03-01/part_000.gz"),
    ];
    let at_once = dir.path().join("at_once");
    run(&at_once, std::slice::from_ref(&snap));
    let reversed = dir.path().join("reversed");
    run(&reversed, &parts);
    assert_eq!(all_tables(&at_once), all_tables(&reversed));

    // Newest partition first, then the older ones in a second ingest: still the same store.
    let two_steps = dir.path().join("two_steps");
    run(&two_steps, &parts[..2]);
    let second = run(&two_steps, &parts[2..]);
    assert_eq!(second.record.works_after, 4);
    assert_eq!(all_tables(&at_once), all_tables(&two_steps));
    let manifest = Store::open(&two_steps).unwrap().manifest().unwrap();
    assert_eq!(manifest.ingests.len(), 2);
    assert_eq!(manifest.version, "v000002");
    assert!(
        !two_steps.join("v000001").exists(),
        "the previous version is removed after the switch"
    );
}

/// Every file of a store's current version (tables, not the manifest) with its bytes.
fn table_files(store: &Path) -> BTreeMap<String, Vec<u8>> {
    let store = Store::open(store).unwrap();
    let mut files = BTreeMap::new();
    for table in Table::ALL {
        let dir = store.table_path(table);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = format!(
                "{}/{}",
                table.name(),
                path.file_name().unwrap().to_string_lossy()
            );
            files.insert(name, std::fs::read(&path).unwrap());
        }
    }
    files
}

#[test]
fn the_thread_count_does_not_change_a_single_byte_of_the_store() {
    // Works over ten years and none, with upserts across partitions: the year files are written by
    // as many tasks as there are threads, and each must come out the same.
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap");
    let year = |id: u64| match id % 11 {
        10 => "null".to_string(),
        y => (2015 + y).to_string(),
    };
    let line = |id: u64, updated: &str, title: &str| {
        work(id, updated, title).replace(
            r#""publication_year":2023"#,
            &format!(r#""publication_year":{}"#, year(id)),
        )
    };
    let w = snap.join("data/works");
    for (p, partition) in ["2024-01-01", "2024-02-01", "2024-03-01"]
        .iter()
        .enumerate()
    {
        let lines: Vec<String> = (0..60u64)
            .filter(|id| !(id + p as u64).is_multiple_of(3))
            .map(|id| line(id, partition, &format!("W{id} as of {partition}")))
            .collect();
        gz(
            &w.join(format!("updated_date={partition}/part_000.gz")),
            &lines.join("\n"),
        );
    }
    let ingest_with = |store: &Path, paths: &[PathBuf], threads: usize| {
        let inputs = tandem_openalex::inputs_from_paths(paths).unwrap();
        ingest(
            store,
            inputs,
            &IngestOptions {
                chunk_works: 7,
                threads,
                ..Default::default()
            },
        )
        .unwrap()
    };
    let with_threads = |threads: usize| {
        let store = dir.path().join(format!("threads-{threads}"));
        let summary = ingest_with(&store, std::slice::from_ref(&snap), threads);
        assert_eq!(summary.record.works_after, 60);
        table_files(&store)
    };
    let one = with_threads(1);
    assert!(
        one.keys().filter(|f| f.starts_with("works/")).count() >= 11,
        "one works file per year and one for no year: {:?}",
        one.keys().collect::<Vec<_>>()
    );
    assert_eq!(one, with_threads(2));
    assert_eq!(one, with_threads(3));

    // An upsert into a store: each task reads only its own year files of the current version.
    let in_two_steps = |threads: usize| {
        let store = dir.path().join(format!("two-steps-{threads}"));
        // A third of the works are not in the last partition: they come from the current store.
        let first = [
            w.join("updated_date=2024-01-01"),
            w.join("updated_date=2024-02-01"),
        ];
        ingest_with(&store, &first, threads);
        let summary = ingest_with(&store, &[w.join("updated_date=2024-03-01")], threads);
        assert_eq!(summary.record.works_after, 60);
        table_files(&store)
    };
    let two_steps = in_two_steps(1);
    assert_eq!(
        all_tables(&dir.path().join("two-steps-1")),
        all_tables(&dir.path().join("threads-1")),
        "two steps hold what one holds"
    );
    assert_eq!(two_steps, in_two_steps(2));
    assert_eq!(two_steps, in_two_steps(3));
}

#[test]
fn lineage_and_institutions_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap");
    write_snapshot(&snap);
    gz(
        &snap.join("data/institutions/updated_date=2024-01-01/part_000.gz"),
        r#"{"id":"https://openalex.org/I1","ror":"https://ror.org/052gg0110","display_name":"University of Oxford","country_code":"GB","type":"education","lineage":["https://openalex.org/I1"]}"#,
    );
    let store = dir.path().join("store");
    run(&store, &[snap]);
    let lineage = table_rows(&store, Table::InstitutionLineage);
    assert_eq!(lineage, vec!["1|1", "2|1", "2|2"]);
    let institutions = Store::open(&store).unwrap().institutions().unwrap();
    let oxford = institutions.iter().find(|i| i.id.0 == 1).unwrap();
    assert!(oxford.is_full_record);
    assert_eq!(oxford.name.as_deref(), Some("University of Oxford"));
    let college = institutions.iter().find(|i| i.id.0 == 2).unwrap();
    assert!(!college.is_full_record);
    assert_eq!(college.country_code.as_deref(), Some("GB"));
}

#[test]
fn rejects_are_written_with_positions_and_good_records_kept() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("mixed.jsonl");
    std::fs::write(
        &input,
        format!(
            "{}\nnot json\n{{\"title\":\"no id\"}}\n{}\n",
            work(1, "2024-01-01", "a"),
            work(2, "2024-01-01", "b")
        ),
    )
    .unwrap();
    let store = dir.path().join("store");
    let summary = run(&store, &[input]);
    assert_eq!(work_ids(&store), vec![1, 2]);
    assert_eq!(summary.record.rejects, 2);
    let rejects = std::fs::read_to_string(summary.rejects_path.unwrap()).unwrap();
    let lines: Vec<serde_json::Value> = rejects
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["line"], 2);
    assert_eq!(lines[1]["line"], 3);
    assert!(lines[0]["input"].as_str().unwrap().ends_with("mixed.jsonl"));
    let info = tandem_store::store_info(&Store::open(&store).unwrap()).unwrap();
    assert_eq!(info.rejects, 2);
    assert_eq!(info.works, 2);
    assert_eq!(info.by_year.get("2023"), Some(&2));
}

/// An input that dies part-way through, like a process killed mid-read.
struct Crashing {
    inner: Box<dyn Input>,
    after: usize,
}

struct CountingSink<'a> {
    inner: &'a mut dyn RecordSink,
    left: usize,
}

impl RecordSink for CountingSink<'_> {
    fn work(&mut self, work: tandem_model::Work) {
        if self.left == 0 {
            panic!("simulated kill");
        }
        self.left -= 1;
        self.inner.work(work)
    }
    fn institution(&mut self, i: tandem_model::Institution) {
        self.inner.institution(i)
    }
    fn merged_work(&mut self, id: tandem_model::WorkId) {
        self.inner.merged_work(id)
    }
    fn reject(&mut self, r: tandem_model::Reject) {
        self.inner.reject(r)
    }
    fn progress(&mut self, b: u64) {
        self.inner.progress(b)
    }
}

impl Input for Crashing {
    fn name(&self) -> String {
        self.inner.name()
    }
    fn size_bytes(&self) -> u64 {
        self.inner.size_bytes()
    }
    fn partition(&self) -> String {
        self.inner.partition()
    }
    fn read(&self, sink: &mut dyn RecordSink) -> Result<(), InputError> {
        self.inner.read(&mut CountingSink {
            inner: sink,
            left: self.after,
        })
    }
}

#[test]
fn a_killed_ingest_leaves_the_store_as_it_was_and_a_rerun_gives_the_same_store() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap");
    write_snapshot(&snap);
    let reference = dir.path().join("reference");
    run(&reference, std::slice::from_ref(&snap));

    let store = dir.path().join("store");
    // A first, complete ingest of one partition so there is a store to protect.
    let first = vec![snap.join("data/works/updated_date=2024-01-01/part_000.gz")];
    run(&store, &first);
    let before = all_tables(&store);

    let crashing: Vec<Box<dyn Input>> =
        tandem_openalex::inputs_from_paths(std::slice::from_ref(&snap))
            .unwrap()
            .into_iter()
            .enumerate()
            .map(|(i, input)| {
                if i == 2 {
                    Box::new(Crashing {
                        inner: input,
                        after: 1,
                    }) as Box<dyn Input>
                } else {
                    input
                }
            })
            .collect();
    let options = IngestOptions {
        chunk_works: 2,
        threads: 1,
        ..Default::default()
    };
    let crashed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ingest(&store, crashing, &options)
    }));
    assert!(crashed.is_err(), "the simulated kill happened");
    assert_eq!(
        all_tables(&store),
        before,
        "a killed ingest leaves the store as it was"
    );

    let rerun = run(&store, &[snap]);
    assert!(
        rerun.resumed_inputs >= 1,
        "finished inputs of the killed run are reused"
    );
    assert_eq!(all_tables(&store), all_tables(&reference));
}

fn shared_openalex() -> Option<PathBuf> {
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

#[test]
fn real_samples_ingest_with_zero_rejects_and_country_sets_match_openalex() {
    let Some(dir) = shared_openalex() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let summary = ingest(
        &store,
        tandem_openalex::inputs_from_paths(&[
            dir.join("works_api_591.jsonl.gz"),
            dir.join("api_page_200works.json"),
            dir.join("works_2022_schema_410.json.gz"),
        ])
        .unwrap(),
        &IngestOptions::default(),
    )
    .unwrap();
    assert_eq!(summary.record.rejects, 0);
    assert_eq!(summary.record.works_read, 591 + 200 + 410);
    assert_eq!(summary.record.works_after, work_ids(&store).len() as u64);

    // The stored country set of every current-schema work has OpenAlex's own countries_distinct_count.
    let sample_only = tmp.path().join("sample");
    ingest(
        &sample_only,
        tandem_openalex::inputs_from_paths(&[dir.join("works_api_591.jsonl.gz")]).unwrap(),
        &IngestOptions::default(),
    )
    .unwrap();
    let mut set_size: BTreeMap<i64, i32> = BTreeMap::new();
    for b in read_table(&sample_only, Table::WorkCountries) {
        for id in b.column(0).as_primitive::<Int64Type>().values() {
            *set_size.entry(*id).or_default() += 1;
        }
    }
    let mut checked = 0;
    for b in read_table(&sample_only, Table::Works) {
        let ids = b.column(0).as_primitive::<Int64Type>();
        let expected = b
            .column_by_name("countries_distinct_count")
            .unwrap()
            .as_primitive::<Int32Type>();
        for i in 0..b.num_rows() {
            assert_eq!(
                set_size.get(&ids.value(i)).copied().unwrap_or(0),
                expected.value(i),
                "W{}",
                ids.value(i)
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 591);
}

/// Per work: (distinct institutions, authorships with an institution), and per (work, author_index):
/// affiliation rows, counted plainly from the affiliations table; and the derived columns as stored.
#[allow(clippy::type_complexity)]
fn derived_counts(
    store: &Path,
) -> (
    BTreeMap<i64, (i32, i32)>,
    BTreeMap<i64, (i32, i32)>,
    BTreeMap<(i64, i32), (i32, i32)>,
) {
    let mut institutions: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    let mut authors: BTreeMap<i64, Vec<i32>> = BTreeMap::new();
    let mut rows: BTreeMap<(i64, i32), (i32, i32)> = BTreeMap::new();
    for b in read_table(store, Table::Affiliations) {
        let col = |n: &str| b.column_by_name(n).unwrap().clone();
        let (work, author, inst, stored) = (
            col("work_id"),
            col("author_index"),
            col("institution_id"),
            col("authorship_institutions_count"),
        );
        for i in 0..b.num_rows() {
            let w = work.as_primitive::<Int64Type>().value(i);
            let a = author.as_primitive::<Int32Type>().value(i);
            let inst = inst.as_primitive::<Int64Type>().value(i);
            let list = institutions.entry(w).or_default();
            if !list.contains(&inst) {
                list.push(inst);
            }
            let list = authors.entry(w).or_default();
            if !list.contains(&a) {
                list.push(a);
            }
            let entry = rows.entry((w, a)).or_default();
            entry.0 += 1;
            entry.1 = stored.as_primitive::<Int32Type>().value(i);
        }
    }
    let mut counted = BTreeMap::new();
    let mut stored = BTreeMap::new();
    for b in read_table(store, Table::Works) {
        let ids = b.column(0).as_primitive::<Int64Type>();
        let inst = b.column_by_name("institutions_distinct_count").unwrap();
        let auth = b.column_by_name("affiliated_authorships_count").unwrap();
        for i in 0..b.num_rows() {
            let id = ids.value(i);
            counted.insert(
                id,
                (
                    institutions.get(&id).map_or(0, |l| l.len() as i32),
                    authors.get(&id).map_or(0, |l| l.len() as i32),
                ),
            );
            stored.insert(
                id,
                (
                    inst.as_primitive::<Int32Type>().value(i),
                    auth.as_primitive::<Int32Type>().value(i),
                ),
            );
        }
    }
    (counted, stored, rows)
}

#[test]
fn derived_counts_match_the_affiliations_rows() {
    let tmp = tempfile::tempdir().unwrap();
    // W1: author 0 lists I2 twice and I3 once; author 1 has no institution; author 2 lists I2.
    let line = r#"{"id":"https://openalex.org/W1","publication_year":2023,"type":"article","updated_date":"2024-01-01","authorships":[{"author_position":"first","institutions":[{"id":"https://openalex.org/I2","country_code":"GB"},{"id":"https://openalex.org/I2","country_code":"GB"},{"id":"https://openalex.org/I3","country_code":"US"}],"countries":["GB","US"]},{"author_position":"middle","institutions":[],"countries":[]},{"author_position":"last","institutions":[{"id":"https://openalex.org/I2","country_code":"GB"}],"countries":["GB"]}]}"#;
    let file = tmp.path().join("w.jsonl.gz");
    gz(&file, line);
    let store = tmp.path().join("store");
    run(&store, &[file]);
    let (counted, stored, rows) = derived_counts(&store);
    assert_eq!(stored[&1], (2, 2), "I2 and I3; authors 0 and 2");
    assert_eq!(counted, stored);
    assert_eq!(rows[&(1, 0)], (2, 2), "I2 once, I3 once");
    assert_eq!(rows[&(1, 2)], (1, 1));
    assert!(!rows.contains_key(&(1, 1)));
}

#[test]
fn derived_counts_match_on_the_real_samples() {
    let Some(dir) = shared_openalex() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    ingest(
        &store,
        tandem_openalex::inputs_from_paths(&[
            dir.join("works_api_591.jsonl.gz"),
            dir.join("works_2022_schema_410.json.gz"),
        ])
        .unwrap(),
        &IngestOptions::default(),
    )
    .unwrap();
    let (counted, stored, rows) = derived_counts(&store);
    assert_eq!(counted.len(), 1001);
    assert_eq!(counted, stored);
    let mismatched: Vec<_> = rows.iter().filter(|(_, (n, s))| n != s).collect();
    assert!(mismatched.is_empty(), "{mismatched:?}");
    // The samples have works with several institutions, and authorships with several.
    assert!(stored.values().any(|(i, _)| *i >= 5));
    assert!(rows.values().any(|(n, _)| *n >= 2));
}

#[test]
fn a_store_in_another_format_is_refused_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("w.jsonl.gz");
    gz(&file, &work(1, "2024-01-01", "one"));
    let store = tmp.path().join("store");
    run(&store, std::slice::from_ref(&file));
    let manifest_path = store.join("manifest.json");
    let text = std::fs::read_to_string(&manifest_path).unwrap();
    let old = text.replace(tandem_store::FORMAT, "tandem-store/1");
    assert_ne!(old, text);
    std::fs::write(&manifest_path, &old).unwrap();

    let err = Store::open(&store).unwrap_err().to_string();
    assert!(
        err.contains("tandem-store/1") && err.contains("new store folder"),
        "{err}"
    );
    let inputs = tandem_openalex::inputs_from_paths(&[file]).unwrap();
    let err = ingest(&store, inputs, &IngestOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("tandem-store/1"), "{err}");
    assert_eq!(std::fs::read_to_string(&manifest_path).unwrap(), old);
}
