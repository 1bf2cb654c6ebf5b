//! Ingest: model records in, a new version of the store out.
//!
//! 1. **Stage.** Inputs are read in parallel (one thread per input). Each input's works are appended to
//!    Arrow builders and flushed every `chunk_works` works to Arrow IPC files under
//!    `.staging/<run>/input-NNNNN/`, with its institutions, merged ids and rejects beside them. A `done.json`
//!    marks a finished input, so a killed run resumes without re-reading it.
//! 2. **Decide.** For every work id, the copy with the greatest `updated_date` wins; ties go to the later
//!    partition, then to the later input and row (the current store counts as earliest). Ids in any
//!    merged-ids list are dropped.
//! 3. **Write.** Each table is rewritten from the current store and the staged chunks, keeping only the
//!    winning copies, into a new version folder; the year files of a table are shared out among the
//!    threads. The `current` link then moves to it in one rename, so a reader (or a kill) sees either
//!    the old store or the new one, never a mixture.

use crate::builders::{WorkTables, institution_batches};
use crate::manifest::{IngestRecord, InputSummary, Manifest, TableStats};
use crate::schema::Table;
use crate::{Store, StoreError};
use datafusion::arrow::array::{Array, AsArray, BooleanArray, RecordBatch};
use datafusion::arrow::compute::filter_record_batch;
use datafusion::arrow::datatypes::{Int32Type, Int64Type};
use datafusion::arrow::ipc::reader::FileReader;
use datafusion::arrow::ipc::writer::FileWriter;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use tandem_model::{Input, Institution, InstitutionId, RecordSink, Reject, Work, WorkId};

/// Hooks for a progress display. The store never draws anything itself.
pub trait IngestProgress: Send + Sync {
    /// Reading starts; `total_bytes` is the sum of the inputs' sizes.
    fn start(&self, _total_bytes: u64) {}
    /// More input consumed.
    fn advance(&self, _bytes: u64, _works: u64) {}
    /// A named phase begins ("reading", "deciding", "writing").
    fn phase(&self, _name: &str) {}
    fn finish(&self) {}
}

struct NoProgress;
impl IngestProgress for NoProgress {}

/// How to run an ingest.
#[derive(Clone)]
pub struct IngestOptions {
    /// Recorded in the manifest: `openalex`, `scopus`, `wos`, `openalex-api`.
    pub source: String,
    /// Threads for reading inputs; 0 means one per core.
    pub threads: usize,
    /// Works per staged chunk; bounds memory per reading thread.
    pub chunk_works: usize,
    /// What else decides the records the inputs give (the registry and the affiliation map an export
    /// is read with), as text that changes when they do: a killed run resumes from its staged inputs
    /// only when this is the same.
    pub resume_key: String,
    /// The same, in words for the manifest (`IngestRecord::read_with`).
    pub read_with: Vec<String>,
    pub progress: Arc<dyn IngestProgress>,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            source: "openalex".into(),
            threads: 0,
            // Small enough that each chunk's Arrow buffers are reused by the allocator rather than
            // fresh pages from the OS (page faults cost ~5% of a single-threaded ingest at 20,000).
            chunk_works: 5_000,
            resume_key: String::new(),
            read_with: Vec::new(),
            progress: Arc::new(NoProgress),
        }
    }
}

/// What an ingest did. Also recorded in the manifest.
#[derive(Debug, Clone)]
pub struct IngestSummary {
    pub record: IngestRecord,
    /// Inputs whose staging from a killed earlier run was reused.
    pub resumed_inputs: usize,
    pub rejects_path: Option<PathBuf>,
}

/// Marks which copy produced a staged row; dropped when the table is written.
const ROW_COLUMN: &str = "_row";

#[derive(Serialize, Deserialize)]
struct DoneMarker {
    summary: InputSummary,
    chunks: u32,
}

/// Reads `inputs` and upserts them into the store at `store_dir` (created if needed).
pub fn ingest(
    store_dir: &Path,
    inputs: Vec<Box<dyn Input>>,
    options: &IngestOptions,
) -> Result<IngestSummary, StoreError> {
    let started_at = chrono::Utc::now();
    let clock = Instant::now();
    fs::create_dir_all(store_dir).map_err(|e| StoreError::io(store_dir, e))?;
    let _lock = crate::lock_store(store_dir)?;
    // Refuse a store this version cannot extend before reading anything. The lock keeps it as it is.
    let store = Store::open_or_empty(store_dir)?;

    let run_dir = store_dir.join(".staging").join(run_id(&inputs, options));
    fs::create_dir_all(&run_dir).map_err(|e| StoreError::io(&run_dir, e))?;

    // 1. Stage.
    let progress = options.progress.clone();
    progress.phase("reading");
    progress.start(inputs.iter().map(|i| i.size_bytes()).sum());
    let threads = if options.threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        options.threads
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| StoreError::Other(format!("cannot start reader threads: {e}")))?;
    let staged: Vec<Result<(DoneMarker, bool), StoreError>> = pool.install(|| {
        inputs
            .par_iter()
            .enumerate()
            .map(|(index, input)| stage_input(&run_dir, index, input.as_ref(), options))
            .collect()
    });
    let mut markers = Vec::with_capacity(staged.len());
    let mut resumed_inputs = 0;
    for result in staged {
        let (marker, resumed) = result?;
        resumed_inputs += usize::from(resumed);
        markers.push(marker);
    }

    // 2. Decide.
    progress.phase("deciding");
    let previous = store.as_ref().and_then(|s| s.manifest().ok());
    let mut merged: HashSet<i64> = HashSet::new();
    if let Some(store) = &store {
        for batch in read_parquet(&store.table_path(Table::MergedIds))? {
            merged.extend(
                batch
                    .column(0)
                    .as_primitive::<Int64Type>()
                    .values()
                    .iter()
                    .copied(),
            );
        }
    }
    for (index, _) in markers.iter().enumerate() {
        let ids: Vec<i64> = read_json(&input_dir(&run_dir, index).join("merged.json"))?;
        merged.extend(ids);
    }
    let segments = segments(store.as_ref(), &run_dir, &markers);
    let mut winners: HashMap<i64, Winner> = HashMap::new();
    let mut copies: u64 = 0;
    for (seg_no, segment) in segments.iter().enumerate() {
        let decide_columns = ["work_id", "updated_date", "partition", ROW_COLUMN];
        for batch in segment.read(Table::Works, Some(&decide_columns), None)? {
            let batch = batch?;
            let ids = batch.column(0).as_primitive::<Int64Type>();
            let updated = batch
                .column_by_name("updated_date")
                .expect("works has updated_date")
                .as_string::<i32>();
            let partition = batch
                .column_by_name("partition")
                .expect("works has partition")
                .as_string::<i32>();
            let rows = batch
                .column_by_name(ROW_COLUMN)
                .map(|c| c.as_primitive::<Int32Type>().clone());
            for i in 0..batch.num_rows() {
                copies += 1;
                let candidate = Winner {
                    updated: date_key(if updated.is_null(i) {
                        ""
                    } else {
                        updated.value(i)
                    }),
                    partition: date_key(partition.value(i)),
                    segment: seg_no as u32,
                    row: rows.as_ref().map_or(0, |r| r.value(i)),
                };
                winners
                    .entry(ids.value(i))
                    .and_modify(|w| {
                        if (candidate.updated, candidate.partition) >= (w.updated, w.partition) {
                            *w = candidate;
                        }
                    })
                    .or_insert(candidate);
            }
        }
    }
    let removed_merged = winners.keys().filter(|id| merged.contains(id)).count() as u64;
    let superseded = copies - winners.len() as u64;

    // 3. Write.
    progress.phase("writing");
    let version = next_version(previous.as_ref());
    let out_dir = store_dir.join(&version);
    if out_dir.exists() {
        fs::remove_dir_all(&out_dir).map_err(|e| StoreError::io(&out_dir, e))?;
    }
    fs::create_dir_all(&out_dir).map_err(|e| StoreError::io(&out_dir, e))?;
    // Each table is written in as many shards as there are threads, a shard holding every year file
    // whose year falls to it, so the largest table (works) is not one thread's tail. A year's file
    // gets the same batches in the same order whatever the shards, so the store is the same.
    let shards = threads.max(1) as u32;
    let tasks: Vec<(Table, u32)> = Table::PER_WORK
        .iter()
        .flat_map(|&table| (0..shards).map(move |shard| (table, shard)))
        .collect();
    let table_rows: Vec<Result<(Table, u64), StoreError>> = pool.install(|| {
        tasks
            .par_iter()
            .map(|&(table, shard)| {
                let shard = YearShard { shard, shards };
                let rows =
                    write_per_work_table(table, shard, &segments, &winners, &merged, &out_dir)?;
                Ok((table, rows))
            })
            .collect()
    });
    let mut stats = BTreeMap::new();
    for result in table_rows {
        let (table, rows) = result?;
        *stats.entry(table.name().to_string()).or_insert(0) += rows;
    }
    for table in Table::PER_WORK {
        if stats.get(table.name()).copied().unwrap_or(0) == 0 {
            // An empty table still has a file, so engines see its schema.
            write_empty_per_work_table(table, &out_dir)?;
        }
    }
    let institutions = merge_institutions(store.as_ref(), &run_dir, markers.len())?;
    let (institutions_batch, lineage_batch) = institution_batches(institutions.values())?;
    write_single(&out_dir, Table::Institutions, institutions_batch)?;
    write_single(&out_dir, Table::InstitutionLineage, lineage_batch)?;
    let mut merged_sorted: Vec<i64> = merged.into_iter().collect();
    merged_sorted.sort_unstable();
    let merged_batch = RecordBatch::try_new(
        Table::MergedIds.schema(),
        vec![Arc::new(datafusion::arrow::array::Int64Array::from(
            merged_sorted,
        ))],
    )?;
    write_single(&out_dir, Table::MergedIds, merged_batch)?;

    // Rejects and manifest, then the switch.
    let ingest_id = started_at.format("%Y%m%dT%H%M%S%.3fZ").to_string();
    let rejects: u64 = markers.iter().map(|m| m.summary.rejects).sum();
    let rejects_rel = (rejects > 0).then(|| format!("rejects/{ingest_id}.jsonl"));
    if let Some(rel) = &rejects_rel {
        let path = store_dir.join(rel);
        concat_rejects(&run_dir, markers.len(), &path)?;
    }
    let works_after = *stats.get(Table::Works.name()).unwrap_or(&0);
    let record = IngestRecord {
        id: ingest_id,
        source: options.source.clone(),
        started: started_at.to_rfc3339(),
        finished: chrono::Utc::now().to_rfc3339(),
        seconds: clock.elapsed().as_secs_f64(),
        works_read: markers.iter().map(|m| m.summary.works).sum(),
        institutions_read: markers.iter().map(|m| m.summary.institutions).sum(),
        merged_ids_read: markers.iter().map(|m| m.summary.merged_ids).sum(),
        inputs: markers.into_iter().map(|m| m.summary).collect(),
        rejects,
        rejects_file: rejects_rel.clone(),
        works_after,
        superseded,
        removed_merged,
        read_with: options.read_with.clone(),
    };
    let mut tables = BTreeMap::new();
    for table in Table::ALL {
        let mut stats = TableStats::default();
        for file in parquet_files(&out_dir.join(table.name()))? {
            stats.bytes += fs::metadata(&file)
                .map_err(|e| StoreError::io(&file, e))?
                .len();
            stats.rows += parquet_rows(&file)?;
        }
        tables.insert(table.name().to_string(), stats);
    }
    let mut ingests = previous
        .as_ref()
        .map(|m| m.ingests.clone())
        .unwrap_or_default();
    ingests.push(record.clone());
    let manifest = Manifest {
        format: crate::FORMAT.into(),
        digest: digest(&version, &tables),
        version: version.clone(),
        works: works_after,
        tables,
        ingests,
    };
    crate::switch_version(
        store_dir,
        &version,
        &manifest,
        previous.as_ref().map(|m| m.version.as_str()),
    )?;
    let _ = fs::remove_dir_all(&run_dir);
    progress.finish();
    Ok(IngestSummary {
        record,
        resumed_inputs,
        rejects_path: rejects_rel.map(|r| store_dir.join(r)),
    })
}

/// Which copy of a work wins; compared by (`updated`, `partition`), later segments and rows winning ties.
#[derive(Clone, Copy)]
struct Winner {
    updated: u64,
    partition: u64,
    segment: u32,
    row: i32,
}

/// `2025-09-23T20:52:13.491979` → a number that orders like the timestamp. Missing parts count as zero,
/// so a bare date sorts before any time on that day.
pub(crate) fn date_key(s: &str) -> u64 {
    let mut parts = [0u64; 7];
    let mut idx = 0;
    let mut seen_digit = false;
    let mut micro_digits = 0;
    for b in s.bytes() {
        if b.is_ascii_digit() {
            if idx == 6 {
                if micro_digits == 6 {
                    continue;
                }
                micro_digits += 1;
            }
            parts[idx] = parts[idx] * 10 + u64::from(b - b'0');
            seen_digit = true;
        } else if seen_digit {
            if idx == 6 {
                break;
            }
            idx += 1;
            seen_digit = false;
        }
    }
    while micro_digits > 0 && micro_digits < 6 {
        parts[6] *= 10;
        micro_digits += 1;
    }
    let [y, mo, d, h, mi, s, us] = parts;
    ((((((y * 13 + mo) * 32 + d) * 24 + h) * 60 + mi) * 60 + s) * 1_000_000) + us
}

fn run_id(inputs: &[Box<dyn Input>], options: &IngestOptions) -> String {
    let mut hash = Sha256::new();
    hash.update(options.source.as_bytes());
    hash.update(options.chunk_works.to_le_bytes());
    hash.update(options.resume_key.as_bytes());
    for input in inputs {
        let name = input.name();
        hash.update(name.as_bytes());
        hash.update(input.partition().as_bytes());
        hash.update(input.size_bytes().to_le_bytes());
        if let Ok(modified) = fs::metadata(&name).and_then(|m| m.modified()) {
            hash.update(format!("{modified:?}").as_bytes());
        }
    }
    hex::encode(&hash.finalize()[..8])
}

fn input_dir(run_dir: &Path, index: usize) -> PathBuf {
    run_dir.join(format!("input-{index:05}"))
}

fn chunk_path(dir: &Path, chunk: u32, table: Table) -> PathBuf {
    dir.join(format!("c{chunk:05}.{}.arrow", table.name()))
}

/// Reads one input into staging, or reuses a finished staging of it. Returns whether it was reused.
fn stage_input(
    run_dir: &Path,
    index: usize,
    input: &dyn Input,
    options: &IngestOptions,
) -> Result<(DoneMarker, bool), StoreError> {
    let dir = input_dir(run_dir, index);
    let done = dir.join("done.json");
    if done.exists()
        && let Ok(marker) = read_json::<DoneMarker>(&done)
    {
        options
            .progress
            .advance(marker.summary.bytes, marker.summary.works);
        return Ok((marker, true));
    }
    if dir.exists() {
        fs::remove_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
    }
    fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
    let rejects_path = dir.join("rejects.jsonl");
    let rejects =
        BufWriter::new(File::create(&rejects_path).map_err(|e| StoreError::io(&rejects_path, e))?);
    let mut sink = StagingSink {
        dir: dir.clone(),
        partition: input.partition(),
        tables: WorkTables::default(),
        chunk_works: options.chunk_works.max(1),
        chunks: 0,
        institutions: BTreeMap::new(),
        merged: Vec::new(),
        rejects,
        summary: InputSummary {
            name: input.name(),
            partition: input.partition(),
            bytes: input.size_bytes(),
            ..Default::default()
        },
        progress: options.progress.as_ref(),
        bytes_reported: 0,
        works_reported: 0,
        failure: None,
    };
    if let Err(e) = input.read(&mut sink) {
        // The input as a whole could not be read; say so in the summary and as a reject, keep what came before.
        sink.summary.error = Some(e.to_string());
        sink.reject(Reject {
            input: input.name(),
            line: None,
            offset: None,
            record: None,
            reason: format!("could not read this input: {e}"),
            raw: String::new(),
        });
    }
    sink.flush_chunk();
    if let Some(failure) = sink.failure.take() {
        return Err(failure);
    }
    let remaining = sink.summary.bytes.saturating_sub(sink.bytes_reported);
    options
        .progress
        .advance(remaining, sink.summary.works - sink.works_reported);
    sink.rejects
        .flush()
        .map_err(|e| StoreError::io(&rejects_path, e))?;
    write_json(&dir.join("merged.json"), &sink.merged)?;
    let institutions: Vec<&Institution> = sink.institutions.values().collect();
    write_json(&dir.join("institutions.json"), &institutions)?;
    let marker = DoneMarker {
        summary: sink.summary,
        chunks: sink.chunks,
    };
    write_json(&done, &marker)?;
    Ok((marker, false))
}

struct StagingSink<'a> {
    dir: PathBuf,
    partition: String,
    tables: WorkTables,
    chunk_works: usize,
    chunks: u32,
    institutions: BTreeMap<InstitutionId, Institution>,
    merged: Vec<i64>,
    rejects: BufWriter<File>,
    summary: InputSummary,
    progress: &'a dyn IngestProgress,
    bytes_reported: u64,
    works_reported: u64,
    failure: Option<StoreError>,
}

impl StagingSink<'_> {
    fn flush_chunk(&mut self) {
        if self.tables.is_empty() || self.failure.is_some() {
            return;
        }
        let result = self
            .tables
            .finish_with_rows()
            .map_err(StoreError::from)
            .and_then(|batches| {
                for (table, batch) in batches {
                    let path = chunk_path(&self.dir, self.chunks, table);
                    let file = File::create(&path).map_err(|e| StoreError::io(&path, e))?;
                    let mut writer = FileWriter::try_new(BufWriter::new(file), &batch.schema())?;
                    writer.write(&batch)?;
                    writer.finish()?;
                }
                Ok(())
            });
        match result {
            Ok(()) => self.chunks += 1,
            Err(e) => self.failure = Some(e),
        }
    }
}

impl RecordSink for StagingSink<'_> {
    fn work(&mut self, work: Work) {
        for authorship in &work.authorships {
            for inst in &authorship.institutions {
                merge_institution(&mut self.institutions, Institution::from(inst));
            }
        }
        self.tables.append(&work, &self.partition);
        self.summary.works += 1;
        if self.tables.len() >= self.chunk_works {
            self.flush_chunk();
        }
    }

    fn institution(&mut self, institution: Institution) {
        self.summary.institutions += 1;
        merge_institution(&mut self.institutions, institution);
    }

    fn merged_work(&mut self, id: WorkId) {
        self.summary.merged_ids += 1;
        self.merged.push(id.0);
    }

    fn reject(&mut self, reject: Reject) {
        self.summary.rejects += 1;
        let written = serde_json::to_writer(&mut self.rejects, &reject)
            .map_err(std::io::Error::from)
            .and_then(|_| self.rejects.write_all(b"\n"));
        if let Err(e) = written {
            self.failure
                .get_or_insert(StoreError::io(&self.dir.join("rejects.jsonl"), e));
        }
    }

    fn progress(&mut self, bytes_read: u64) {
        let bytes = bytes_read.min(self.summary.bytes);
        if bytes > self.bytes_reported || self.summary.works > self.works_reported {
            self.progress.advance(
                bytes.saturating_sub(self.bytes_reported),
                self.summary.works - self.works_reported,
            );
            self.bytes_reported = self.bytes_reported.max(bytes);
            self.works_reported = self.summary.works;
        }
    }
}

/// Full entity records beat references inside works; otherwise the later record wins, keeping any field
/// only the earlier one had.
fn merge_institution(map: &mut BTreeMap<InstitutionId, Institution>, new: Institution) {
    match map.get_mut(&new.id) {
        None => {
            map.insert(new.id, new);
        }
        Some(old) => {
            if old.is_full_record && !new.is_full_record {
                return;
            }
            let mut merged = new;
            merged.ror = merged.ror.or_else(|| old.ror.take());
            merged.name = merged.name.or_else(|| old.name.take());
            merged.country_code = merged.country_code.or_else(|| old.country_code.take());
            merged.kind = merged.kind.or_else(|| old.kind.take());
            if merged.lineage.len() < old.lineage.len() && !merged.is_full_record {
                merged.lineage = std::mem::take(&mut old.lineage);
            }
            *old = merged;
        }
    }
}

fn merge_institutions(
    store: Option<&Store>,
    run_dir: &Path,
    inputs: usize,
) -> Result<BTreeMap<InstitutionId, Institution>, StoreError> {
    let mut map = BTreeMap::new();
    if let Some(store) = store {
        for inst in store.institutions()? {
            map.insert(inst.id, inst);
        }
    }
    for index in 0..inputs {
        let list: Vec<Institution> =
            read_json(&input_dir(run_dir, index).join("institutions.json"))?;
        for inst in list {
            merge_institution(&mut map, inst);
        }
    }
    Ok(map)
}

/// A source of rows for the rewrite: the current store, or one staged chunk.
enum Segment {
    Current(Store),
    Staged(PathBuf, u32),
}

/// The batches of one segment's table, read one at a time so memory stays flat as the store grows.
type Batches = Box<dyn Iterator<Item = Result<RecordBatch, StoreError>>>;

impl Segment {
    /// Streams a table's batches; with `columns`, only those columns (absent ones skipped). With
    /// `shard`, the current store's year files of other shards are not read: their rows are not the
    /// shard's.
    fn read(
        &self,
        table: Table,
        columns: Option<&[&str]>,
        shard: Option<YearShard>,
    ) -> Result<Batches, StoreError> {
        match self {
            Segment::Current(store) => {
                let columns: Option<Vec<String>> =
                    columns.map(|c| c.iter().map(|s| s.to_string()).collect());
                let mut files = parquet_files(&store.table_path(table))?;
                if let Some(shard) = shard {
                    files.retain(|path| {
                        path.file_name()
                            .and_then(|n| n.to_str())
                            .and_then(crate::schema::year_of_file_name)
                            .is_none_or(|year| shard.owns(year))
                    });
                }
                Ok(Box::new(files.into_iter().flat_map(
                    move |path| match parquet_reader(&path, columns.as_deref()) {
                        Ok(reader) => {
                            Box::new(reader.map(|b| b.map_err(StoreError::from))) as Batches
                        }
                        Err(e) => Box::new(std::iter::once(Err(e))),
                    },
                )))
            }
            Segment::Staged(dir, chunk) => {
                let path = chunk_path(dir, *chunk, table);
                let open = |projection| -> Result<_, StoreError> {
                    let file = File::open(&path).map_err(|e| StoreError::io(&path, e))?;
                    Ok(FileReader::try_new_buffered(file, projection)?)
                };
                let mut reader = open(None)?;
                if let Some(columns) = columns {
                    let schema = reader.schema();
                    let indices = columns
                        .iter()
                        .filter_map(|c| schema.index_of(c).ok())
                        .collect();
                    reader = open(Some(indices))?;
                }
                Ok(Box::new(reader.map(|b| b.map_err(StoreError::from))))
            }
        }
    }
}

/// A reader over one Parquet file, with only `columns` when given.
pub(crate) fn parquet_reader(
    path: &Path,
    columns: Option<&[String]>,
) -> Result<parquet::arrow::arrow_reader::ParquetRecordBatchReader, StoreError> {
    let file = File::open(path).map_err(|e| StoreError::io(path, e))?;
    let mut builder = ParquetRecordBatchReaderBuilder::try_new(file)?.with_batch_size(64 * 1024);
    if let Some(columns) = columns {
        let schema = builder.schema().clone();
        let indices: Vec<usize> = columns
            .iter()
            .filter_map(|c| schema.index_of(c).ok())
            .collect();
        let mask = parquet::arrow::ProjectionMask::roots(builder.parquet_schema(), indices);
        builder = builder.with_projection(mask);
    }
    Ok(builder.build()?)
}

fn segments(store: Option<&Store>, run_dir: &Path, markers: &[DoneMarker]) -> Vec<Segment> {
    let mut segments = Vec::new();
    if let Some(store) = store {
        segments.push(Segment::Current(store.clone()));
    }
    for (index, marker) in markers.iter().enumerate() {
        for chunk in 0..marker.chunks {
            segments.push(Segment::Staged(input_dir(run_dir, index), chunk));
        }
    }
    segments
}

fn writer_properties() -> WriterProperties {
    let mut builder = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(256 * 1024));
    // Columns whose values are (nearly) all different: a dictionary only costs hashing every value.
    for column in [
        "source_key",
        "doi",
        "title",
        "author_id",
        "author_name",
        "orcid",
    ] {
        builder = builder.set_column_dictionary_enabled(ColumnPath::from(column), false);
    }
    builder.build()
}

/// Writes a table that is not split by year as `<table>/part-0.parquet`.
fn write_single(out_dir: &Path, table: Table, batch: RecordBatch) -> Result<(), StoreError> {
    let dir = out_dir.join(table.name());
    fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
    let path = dir.join("part-0.parquet");
    let file = File::create(&path).map_err(|e| StoreError::io(&path, e))?;
    let mut writer = ArrowWriter::try_new(file, table.schema(), Some(writer_properties()))?;
    writer.write(&batch)?;
    writer.close()?;
    Ok(())
}

/// The Parquet files of a table folder, in name order.
pub(crate) fn parquet_files(dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| StoreError::io(dir, e))? {
        let path = entry.map_err(|e| StoreError::io(dir, e))?.path();
        if path.extension().is_some_and(|e| e == "parquet") {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Which year files of a per-work table one writing task owns.
#[derive(Clone, Copy)]
struct YearShard {
    shard: u32,
    shards: u32,
}

impl YearShard {
    fn owns(self, year: Option<i32>) -> bool {
        year.map_or(0, |y| y.unsigned_abs() % self.shards) == self.shard
    }
}

/// Rewrites the year files of one per-work table that `shard` owns, keeping each work's winning copy
/// only, one file per publication year. Returns the rows written.
fn write_per_work_table(
    table: Table,
    shard: YearShard,
    segments: &[Segment],
    winners: &HashMap<i64, Winner>,
    merged: &HashSet<i64>,
    out_dir: &Path,
) -> Result<u64, StoreError> {
    let dir = out_dir.join(table.name());
    fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
    let schema = table.schema();
    let year_column = schema
        .index_of("publication_year")
        .expect("per-work tables carry publication_year");
    let mut writers: BTreeMap<Option<i32>, ArrowWriter<File>> = BTreeMap::new();
    let mut rows = 0u64;
    for (seg_no, segment) in segments.iter().enumerate() {
        let seg_no = seg_no as u32;
        for batch in segment.read(table, None, Some(shard))? {
            let batch = batch?;
            let ids = batch.column(0).as_primitive::<Int64Type>();
            let batch_years = batch.column(year_column).as_primitive::<Int32Type>();
            let copy_rows = batch
                .column_by_name(ROW_COLUMN)
                .map(|c| c.as_primitive::<Int32Type>().clone());
            let keep: BooleanArray = (0..batch.num_rows())
                .map(|i| {
                    let id = ids.value(i);
                    let winner = winners.get(&id);
                    let year = batch_years.is_valid(i).then(|| batch_years.value(i));
                    Some(
                        shard.owns(year)
                            && !merged.contains(&id)
                            && winner.is_some_and(|w| {
                                w.segment == seg_no
                                    && copy_rows.as_ref().is_none_or(|r| r.value(i) == w.row)
                            }),
                    )
                })
                .collect();
            if keep.true_count() == 0 {
                continue;
            }
            let kept = filter_record_batch(&batch, &keep)?;
            let kept = kept.project(&(0..schema.fields().len()).collect::<Vec<_>>())?;
            rows += kept.num_rows() as u64;
            let years = kept.column(year_column).as_primitive::<Int32Type>().clone();
            let mut distinct: Vec<Option<i32>> = years.iter().collect();
            distinct.sort_unstable();
            distinct.dedup();
            for year in distinct {
                let part = if distinct_is_whole(&years, year) {
                    kept.clone()
                } else {
                    let mask: BooleanArray = years.iter().map(|y| Some(y == year)).collect();
                    filter_record_batch(&kept, &mask)?
                };
                let writer = match writers.entry(year) {
                    std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::btree_map::Entry::Vacant(e) => {
                        let path = dir.join(crate::schema::year_file_name(year));
                        let file = File::create(&path).map_err(|err| StoreError::io(&path, err))?;
                        e.insert(ArrowWriter::try_new(
                            file,
                            schema.clone(),
                            Some(writer_properties()),
                        )?)
                    }
                };
                writer.write(&part)?;
            }
        }
    }
    for (_, writer) in writers {
        writer.close()?;
    }
    Ok(rows)
}

/// The file of a per-work table with no rows: its schema only.
fn write_empty_per_work_table(table: Table, out_dir: &Path) -> Result<(), StoreError> {
    let dir = out_dir.join(table.name());
    fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
    let path = dir.join(crate::schema::year_file_name(None));
    let file = File::create(&path).map_err(|e| StoreError::io(&path, e))?;
    ArrowWriter::try_new(file, table.schema(), Some(writer_properties()))?.close()?;
    Ok(())
}

fn distinct_is_whole(years: &datafusion::arrow::array::Int32Array, year: Option<i32>) -> bool {
    years.iter().all(|y| y == year)
}

/// Reads every batch of a table folder (or a single Parquet file).
pub(crate) fn read_parquet(path: &Path) -> Result<Vec<RecordBatch>, StoreError> {
    let files = if path.is_dir() {
        parquet_files(path)?
    } else {
        vec![path.to_path_buf()]
    };
    let mut batches = Vec::new();
    for file_path in files {
        for batch in parquet_reader(&file_path, None)? {
            batches.push(batch?);
        }
    }
    Ok(batches)
}

pub(crate) fn parquet_rows(path: &Path) -> Result<u64, StoreError> {
    let file = File::open(path).map_err(|e| StoreError::io(path, e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file)?;
    Ok(builder.metadata().file_metadata().num_rows() as u64)
}

fn concat_rejects(run_dir: &Path, inputs: usize, target: &Path) -> Result<(), StoreError> {
    if let Some(parent) = target.parent() {
        fs::create_dir_all(parent).map_err(|e| StoreError::io(parent, e))?;
    }
    let mut out = BufWriter::new(File::create(target).map_err(|e| StoreError::io(target, e))?);
    for index in 0..inputs {
        let path = input_dir(run_dir, index).join("rejects.jsonl");
        let mut file = File::open(&path).map_err(|e| StoreError::io(&path, e))?;
        std::io::copy(&mut file, &mut out).map_err(|e| StoreError::io(target, e))?;
    }
    out.flush().map_err(|e| StoreError::io(target, e))
}

fn next_version(previous: Option<&Manifest>) -> String {
    let n = previous
        .and_then(|m| m.version.strip_prefix('v')?.parse::<u64>().ok())
        .unwrap_or(0);
    format!("v{:06}", n + 1)
}

fn digest(version: &str, tables: &BTreeMap<String, TableStats>) -> String {
    let mut hash = Sha256::new();
    hash.update(version.as_bytes());
    for (name, stats) in tables {
        hash.update(name.as_bytes());
        hash.update(stats.rows.to_le_bytes());
        hash.update(stats.bytes.to_le_bytes());
    }
    hex::encode(hash.finalize())
}

pub(crate) fn write_json<T: Serialize + ?Sized>(path: &Path, value: &T) -> Result<(), StoreError> {
    let tmp = path.with_extension("tmp");
    let bytes = serde_json::to_vec_pretty(value).map_err(|e| StoreError::Other(e.to_string()))?;
    fs::write(&tmp, bytes).map_err(|e| StoreError::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| StoreError::io(path, e))
}

pub(crate) fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, StoreError> {
    let bytes = fs::read(path).map_err(|e| StoreError::io(path, e))?;
    serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::date_key;

    #[test]
    fn date_keys_order_like_timestamps() {
        assert!(date_key("2024-01-02") > date_key("2024-01-01T23:59:59.999999"));
        assert!(date_key("2024-01-01T10:00:00.5") > date_key("2024-01-01T10:00:00.49"));
        assert_eq!(
            date_key("2024-01-01T10:00:00.5"),
            date_key("2024-01-01T10:00:00.500000")
        );
        assert!(date_key("2024-01-01") > date_key(""));
        assert!(date_key("2025-09-23T20:52:13.491979") > date_key("2025-09-23T20:52:13"));
    }
}
