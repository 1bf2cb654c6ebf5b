//! A deterministic, synthetic, OpenAlex-shaped world.
//!
//! [`generate`] writes an OpenAlex snapshot layout:
//!
//! ```text
//! DIR/data/works/updated_date=YYYY-MM-DD/part_NNN.gz   gzip JSON Lines, current work schema
//! DIR/data/works/manifest                              Redshift-style manifest, as OpenAlex's
//! DIR/data/institutions/updated_date=YYYY-MM-DD/part_000.gz
//! DIR/data/institutions/manifest
//! DIR/data/merged_ids/works/YYYY-MM-DD.csv.gz          merge_date,id,merge_into_id
//! ```
//!
//! The world has the 24 Russell Group members (real ROR ids and names, invented OpenAlex ids),
//! their lineage children, other UK institutions, partners in 43 countries, institutions without a
//! country and authorships with a country but no institution. Its GB partner mix is calibrated on
//! OpenAlex's 2023 country co-authorship counts. Some works appear twice (an older version in an
//! older partition: the newer must win), and some ids are merged away (listed in `merged_ids` and
//! still present in the works files).
//!
//! The same seed and configuration give byte-identical files, whatever the number of threads:
//! every work draws from its own random stream. Parts are generated in parallel (rayon) and each
//! holds only one part's buffer, so memory stays flat as the world grows.

mod emit;
pub mod facts;
mod json;
mod rng;
pub mod taxonomy;
mod truth;
mod world;

pub use truth::{Figures, GroundTruth, GroupCounts, MemberCounts, TruthCell};

use flate2::Compression;
use flate2::write::GzEncoder;
use json::JsonBuf;
use rayon::prelude::*;
use rng::{mix, unit_hash};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use truth::TruthBuilder;
use world::{World, stream};

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Distinct works in the world (before adding older versions and merged duplicates).
    pub works: u64,
    /// Seed of every random choice.
    pub seed: u64,
    /// First and last publication year (inclusive).
    pub years: (u16, u16),
    /// Works per `part_NNN.gz` file.
    pub works_per_part: u64,
    /// Parts per `updated_date=` partition.
    pub parts_per_partition: u64,
    /// Share of works that also appear as an older version in an earlier partition.
    pub upsert_rate: f64,
    /// Share of works that are duplicates merged into another work (listed in `merged_ids`).
    pub merge_rate: f64,
    /// gzip level (0–9).
    pub compression: u32,
    /// Share of works led by a Russell Group member (other UK institutions lead 12/58 as many).
    pub group_lead_share: f64,
    /// The first partition's date (year, month, day).
    pub first_partition: (i32, u32, u32),
    /// How much of each record to write.
    pub detail: Detail,
    /// Write only parts `start..end` of the world (numbered across partitions from 0), for
    /// building a very large world in slices that are ingested one after another.
    pub only_parts: Option<(u64, u64)>,
    /// Worker threads; 0 uses rayon's global pool (all cores).
    pub threads: usize,
}

/// How much of each work record is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// Every field, with realistic sizes (abstracts, references, concepts...).
    #[default]
    Full,
    /// The same records without the bulky fields the store does not keep (abstract, concepts,
    /// references, related works, repeated locations): for very large benchmark worlds.
    Lean,
}

impl Default for Config {
    /// The demo world: 200,000 works over 2019–2024.
    fn default() -> Self {
        Config {
            works: 200_000,
            seed: 2024,
            years: (2019, 2024),
            works_per_part: 20_000,
            parts_per_partition: 2,
            upsert_rate: 0.02,
            merge_rate: 0.005,
            compression: 6,
            group_lead_share: world::DEFAULT_GROUP_LEAD_SHARE,
            first_partition: (2025, 1, 6),
            detail: Detail::Full,
            only_parts: None,
            threads: 0,
        }
    }
}

/// Errors from [`generate`].
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("{path} already exists; choose an empty folder or remove it first")]
    Exists { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> SynthError + '_ {
    move |source| SynthError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Receives progress while the world is written. Called from several threads.
pub trait Progress: Sync {
    /// Called once with the number of records (works, including older versions) to write.
    fn start(&self, _records: u64) {}
    /// Called as records are written, with the uncompressed bytes they took.
    fn advance(&self, _records: u64, _bytes: u64) {}
    /// Called when everything is written.
    fn finish(&self) {}
}

/// A [`Progress`] that ignores everything.
pub struct NoProgress;
impl Progress for NoProgress {}

/// One file written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartFile {
    /// Path relative to the output folder.
    pub path: String,
    pub records: u64,
    /// Compressed size in bytes.
    pub compressed_bytes: u64,
    /// Uncompressed JSON Lines size in bytes.
    pub json_bytes: u64,
}

use serde::Serialize;

/// What [`generate`] wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub config_works: u64,
    pub seed: u64,
    /// Distinct works after upserts and merges are applied.
    pub distinct_works: u64,
    /// Work records in the files (distinct works + older versions + merged-away duplicates).
    pub work_records: u64,
    /// Older versions written to earlier partitions.
    pub upserted: u64,
    /// Ids listed in `merged_ids` (each also present in the works files).
    pub merged: u64,
    pub institutions: u64,
    pub json_bytes: u64,
    pub compressed_bytes: u64,
    pub files: Vec<PartFile>,
    /// The figures the generator knows by construction.
    pub truth: GroundTruth,
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y } as i64;
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

/// The partition and part layout, and which works are upserted or merged.
struct Layout {
    works: u64,
    seed: u64,
    per_part: u64,
    per_partition: u64,
    parts: u64,
    upsert_rate: f64,
    merge_rate: f64,
    dates: Vec<String>,
}

impl Layout {
    fn new(config: &Config) -> Self {
        let parts = config.works.div_ceil(config.works_per_part);
        let partitions = parts.div_ceil(config.parts_per_partition);
        let step = (120 / partitions.max(1)).max(1) as i64;
        let (y, m, d) = config.first_partition;
        let first = days_from_civil(y, m, d);
        let dates = (0..partitions as i64)
            .map(|p| {
                let (y, m, d) = civil_from_days(first + p * step);
                format!("{y:04}-{m:02}-{d:02}")
            })
            .collect();
        Layout {
            works: config.works,
            seed: config.seed,
            per_part: config.works_per_part,
            per_partition: config.parts_per_partition,
            parts,
            upsert_rate: config.upsert_rate,
            merge_rate: config.merge_rate,
            dates,
        }
    }

    fn partition_of(&self, part: u64) -> usize {
        (part / self.per_partition) as usize
    }

    fn part_path(&self, part: u64) -> String {
        format!(
            "data/works/updated_date={}/part_{:03}.gz",
            self.dates[self.partition_of(part)],
            part % self.per_partition
        )
    }

    /// Work `w` also has an older version, written one partition earlier.
    fn is_upserted(&self, w: u64) -> bool {
        w / self.per_part >= self.per_partition
            && unit_hash(self.seed, stream::UPSERT, w) < self.upsert_rate
    }

    /// Work `w` is a duplicate merged into another work.
    fn is_merged(&self, w: u64) -> bool {
        w > 0 && !self.is_upserted(w) && unit_hash(self.seed, stream::MERGE, w) < self.merge_rate
    }

    /// The work a merged-away duplicate was merged into (never itself merged away).
    fn merge_target(&self, w: u64) -> u64 {
        let back = 1 + mix(self.seed ^ w.wrapping_mul(0x2545_f491_4f6c_dd1d)) % w.min(500);
        let mut t = w - back;
        while self.is_merged(t) {
            t -= 1;
        }
        t
    }

    /// `updated_date` timestamp of a record in partition `p`.
    fn timestamp(&self, p: usize, w: u64) -> String {
        let h = mix(self.seed ^ w ^ 0x7157);
        format!(
            "{}T{:02}:{:02}:{:02}.{:06}",
            self.dates[p],
            h % 24,
            (h >> 8) % 60,
            (h >> 16) % 60,
            (h >> 24) % 1_000_000
        )
    }
}

struct PartResult {
    file: PartFile,
    truth: TruthBuilder,
    institution_works: Vec<u64>,
    upserted: u64,
    merged: u64,
}

/// Generates the world described by `config` under `out_dir` (which must not already hold a
/// `data` folder) and returns what was written, with the ground truth.
pub fn generate(
    config: &Config,
    out_dir: &Path,
    progress: &dyn Progress,
) -> Result<Summary, SynthError> {
    if config.works == 0 {
        return Err(SynthError::Config(
            "the world needs at least one work".into(),
        ));
    }
    if config.years.0 > config.years.1 {
        return Err(SynthError::Config(format!(
            "first year {} is after last year {}",
            config.years.0, config.years.1
        )));
    }
    if config.works_per_part == 0 || config.parts_per_partition == 0 {
        return Err(SynthError::Config(
            "works per part and parts per partition must be positive".into(),
        ));
    }
    if !(0.0..=0.5).contains(&config.upsert_rate) || !(0.0..=0.5).contains(&config.merge_rate) {
        return Err(SynthError::Config(
            "upsert and merge rates must be between 0 and 0.5".into(),
        ));
    }
    if !(0.0..=0.8).contains(&config.group_lead_share) {
        return Err(SynthError::Config(format!(
            "the group's lead share must be between 0 and 0.8, not {}",
            config.group_lead_share
        )));
    }
    let data = out_dir.join("data");
    if data.exists() {
        return Err(SynthError::Exists { path: data });
    }
    let world = World::new(config.years, config.works, config.group_lead_share);
    let layout = Layout::new(config);
    let (first_part, end_part) = config.only_parts.unwrap_or((0, layout.parts));
    let end_part = end_part.min(layout.parts);
    if first_part >= end_part {
        return Err(SynthError::Config(format!(
            "the world has parts 0..{}; {first_part}..{end_part} is empty",
            layout.parts
        )));
    }
    let works_dir = data.join("works");
    for part in first_part..end_part {
        let dir = works_dir.join(format!(
            "updated_date={}",
            layout.dates[layout.partition_of(part)]
        ));
        fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    }
    let works_in_range =
        (end_part * layout.per_part).min(layout.works) - first_part * layout.per_part;
    let expected_records = works_in_range + (works_in_range as f64 * config.upsert_rate) as u64;
    progress.start(expected_records);

    let results: Vec<PartResult> = (first_part..end_part)
        .into_par_iter()
        .map(|part| write_part(&world, &layout, config, out_dir, part, progress))
        .collect::<Result<_, _>>()?;

    let mut truth = TruthBuilder::default();
    let mut institution_works = vec![0u64; world.institutions.len()];
    let mut files = Vec::with_capacity(results.len() + 2);
    let (mut upserted, mut merged) = (0, 0);
    for r in results {
        truth.merge(r.truth);
        for (total, n) in institution_works.iter_mut().zip(&r.institution_works) {
            *total += n;
        }
        upserted += r.upserted;
        merged += r.merged;
        files.push(r.file);
    }
    write_manifest(out_dir, "data/works/manifest", &files)?;

    let last_date = layout.dates.last().expect("at least one partition").clone();
    let institutions_file = write_institutions(
        &world,
        out_dir,
        &last_date,
        &institution_works,
        config.compression,
    )?;
    write_manifest(
        out_dir,
        "data/institutions/manifest",
        std::slice::from_ref(&institutions_file),
    )?;
    let merged_files = write_merged_ids(
        &layout,
        out_dir,
        config.compression,
        (
            first_part * layout.per_part,
            (end_part * layout.per_part).min(layout.works),
        ),
    )?;

    let truth = truth.finish(&world);
    let work_records: u64 = files.iter().map(|f| f.records).sum();
    let mut all_files = files;
    all_files.push(institutions_file);
    all_files.extend(merged_files);
    progress.finish();
    Ok(Summary {
        config_works: config.works,
        seed: config.seed,
        distinct_works: truth.works(),
        work_records,
        upserted,
        merged,
        institutions: world.institutions.len() as u64,
        json_bytes: all_files.iter().map(|f| f.json_bytes).sum(),
        compressed_bytes: all_files.iter().map(|f| f.compressed_bytes).sum(),
        files: all_files,
        truth,
    })
}

/// Counts bytes written through it.
struct CountingWriter<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn gz_writer(
    path: &Path,
    level: u32,
) -> Result<GzEncoder<CountingWriter<BufWriter<File>>>, SynthError> {
    let file = File::create(path).map_err(io_err(path))?;
    // flate2 writes a zero mtime, so the bytes depend only on the content.
    Ok(GzEncoder::new(
        CountingWriter {
            inner: BufWriter::with_capacity(1 << 20, file),
            bytes: 0,
        },
        Compression::new(level),
    ))
}

fn finish_gz(
    encoder: GzEncoder<CountingWriter<BufWriter<File>>>,
    path: &Path,
) -> Result<u64, SynthError> {
    let mut counting = encoder.finish().map_err(io_err(path))?;
    counting.flush().map_err(io_err(path))?;
    Ok(counting.bytes)
}

fn write_part(
    world: &World,
    layout: &Layout,
    config: &Config,
    out_dir: &Path,
    part: u64,
    progress: &dyn Progress,
) -> Result<PartResult, SynthError> {
    let rel = layout.part_path(part);
    let path = out_dir.join(&rel);
    let mut encoder = gz_writer(&path, config.compression)?;
    let partition = layout.partition_of(part);
    let mut j = JsonBuf::new();
    let mut ctx = emit::RecordContext {
        world,
        detail: config.detail,
        seed: config.seed,
        scratch: emit::Scratch::new(world),
    };
    let mut truth = TruthBuilder::default();
    let mut institution_works = vec![0u64; world.institutions.len()];
    let (mut records, mut json_bytes, mut upserted, mut merged) = (0u64, 0u64, 0u64, 0u64);
    let mut reported_records = 0u64;
    let start = part * layout.per_part;
    let end = (start + layout.per_part).min(layout.works);
    let next_partition_offset = layout.per_partition * layout.per_part;
    for w in start..end {
        if layout.is_merged(w) {
            let target = world.plan(config.seed, layout.merge_target(w));
            emit::write_work(
                &mut j,
                &mut ctx,
                &target,
                emit::work_id_number(w),
                true,
                &layout.timestamp(partition, w),
            );
            merged += 1;
        } else {
            let work = world.plan(config.seed, w);
            emit::write_work(
                &mut j,
                &mut ctx,
                &work,
                emit::work_id_number(w),
                false,
                &layout.timestamp(partition, w),
            );
            truth.add(world, &work);
            let mut seen: Vec<usize> = Vec::new();
            for a in &work.authorships {
                for &i in &a.institutions {
                    if !seen.contains(&i) {
                        seen.push(i);
                        institution_works[i] += 1;
                    }
                }
            }
        }
        records += 1;
        // The older version of a work one partition later lives here.
        let later = w + next_partition_offset;
        if later < layout.works && layout.is_upserted(later) {
            let newest = world.plan(config.seed, later);
            let old = world.older_version(&newest, config.seed);
            emit::write_work(
                &mut j,
                &mut ctx,
                &old,
                emit::work_id_number(later),
                false,
                &layout.timestamp(partition, later),
            );
            records += 1;
            upserted += 1;
        }
        if j.buf.len() >= 1 << 20 || w + 1 == end {
            encoder.write_all(&j.buf).map_err(io_err(&path))?;
            json_bytes += j.buf.len() as u64;
            progress.advance(records - reported_records, j.buf.len() as u64);
            reported_records = records;
            j.clear();
        }
    }
    let compressed_bytes = finish_gz(encoder, &path)?;
    Ok(PartResult {
        file: PartFile {
            path: rel,
            records,
            compressed_bytes,
            json_bytes,
        },
        truth,
        institution_works,
        upserted,
        merged,
    })
}

fn write_manifest(out_dir: &Path, rel: &str, files: &[PartFile]) -> Result<(), SynthError> {
    let path = out_dir.join(rel);
    let entries: Vec<serde_json::Value> = files
        .iter()
        .map(|f| {
            serde_json::json!({
                "url": format!("s3://openalex/{}", f.path),
                "meta": {"content_length": f.compressed_bytes, "record_count": f.records}
            })
        })
        .collect();
    let manifest = serde_json::json!({
        "entries": entries,
        "meta": {
            "content_length": files.iter().map(|f| f.compressed_bytes).sum::<u64>(),
            "record_count": files.iter().map(|f| f.records).sum::<u64>()
        }
    });
    let text = serde_json::to_string_pretty(&manifest).expect("a manifest serialises");
    fs::write(&path, text + "\n").map_err(io_err(&path))
}

fn write_institutions(
    world: &World,
    out_dir: &Path,
    date: &str,
    works: &[u64],
    level: u32,
) -> Result<PartFile, SynthError> {
    let rel = format!("data/institutions/updated_date={date}/part_000.gz");
    let path = out_dir.join(&rel);
    let dir = path.parent().expect("a part has a folder");
    fs::create_dir_all(dir).map_err(io_err(dir))?;
    let mut encoder = gz_writer(&path, level)?;
    let mut j = JsonBuf::new();
    let timestamp = format!("{date}T00:00:00.000000");
    for (i, &count) in works.iter().enumerate() {
        emit::write_institution(&mut j, world, i, &timestamp, count);
    }
    encoder.write_all(&j.buf).map_err(io_err(&path))?;
    let compressed_bytes = finish_gz(encoder, &path)?;
    Ok(PartFile {
        path: rel,
        records: world.institutions.len() as u64,
        compressed_bytes,
        json_bytes: j.buf.len() as u64,
    })
}

/// Writes the merged ids over two merge dates, streaming over all work numbers.
fn write_merged_ids(
    layout: &Layout,
    out_dir: &Path,
    level: u32,
    works: (u64, u64),
) -> Result<Vec<PartFile>, SynthError> {
    let dir = out_dir.join("data/merged_ids/works");
    fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    let n = layout.dates.len();
    // Two merge dates, or one when the world has a single partition.
    let mut dates = vec![layout.dates[n / 2].clone(), layout.dates[n - 1].clone()];
    dates.dedup();
    let mut outputs = Vec::new();
    for date in &dates {
        let rel = format!("data/merged_ids/works/{date}.csv.gz");
        let path = out_dir.join(&rel);
        let mut encoder = gz_writer(&path, level)?;
        encoder
            .write_all(b"merge_date,id,merge_into_id\n")
            .map_err(io_err(&path))?;
        outputs.push((rel, path, encoder, 0u64, 28u64));
    }
    for w in works.0.max(1)..works.1 {
        if !layout.is_merged(w) {
            continue;
        }
        let which = (mix(layout.seed ^ w ^ 0xd47e) % dates.len() as u64) as usize;
        let (_, path, encoder, records, bytes) = &mut outputs[which];
        let line = format!(
            "{},W{},W{}\n",
            dates[which],
            emit::work_id_number(w),
            emit::work_id_number(layout.merge_target(w))
        );
        encoder.write_all(line.as_bytes()).map_err(io_err(path))?;
        *records += 1;
        *bytes += line.len() as u64;
    }
    outputs
        .into_iter()
        .map(|(rel, path, encoder, records, json_bytes)| {
            let compressed_bytes = finish_gz(encoder, &path)?;
            Ok(PartFile {
                path: rel,
                records,
                compressed_bytes,
                json_bytes,
            })
        })
        .collect()
}

/// The OpenAlex work id (`https://openalex.org/W...`) of work number `index` in a world.
pub fn work_id(index: u64) -> String {
    format!("https://openalex.org/W{}", emit::work_id_number(index))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        for (y, m, d) in [(2025, 1, 6), (2024, 2, 29), (2000, 12, 31), (1970, 1, 1)] {
            assert_eq!(civil_from_days(days_from_civil(y, m, d)), (y, m, d));
        }
        assert_eq!(days_from_civil(1970, 1, 2), 1);
    }
}
