//! Reading ROR dumps: schema v1 or v2, as a JSON array (the published form), JSON Lines, gzip of
//! either, or the zip archive ROR publishes. Records stream one at a time; a bad record is counted and
//! kept with its position, and the import goes on.

use std::cell::Cell;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::rc::Rc;

use serde::Serialize;
use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::RegistryError;
use crate::index::{FORMAT_VERSION, Registry, RegistryMeta};
use crate::organization::{Organization, Status};
use crate::ror::RawRecord;

/// A record that could not be imported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportReject {
    /// The file it came from (`archive.zip!entry.json` inside a zip).
    pub file: String,
    /// Line (JSON Lines) or element (JSON array) number, 1-based: `line 12`, `element 7`.
    pub position: String,
    pub reason: String,
}

impl fmt::Display for ImportReject {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} {}: {}", self.file, self.position, self.reason)
    }
}

/// How far an import has got, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportProgress {
    /// Records read so far (good or bad), across files.
    pub records: usize,
    /// Bytes of the input files read so far (compressed bytes for gzip and zip), across files: compare
    /// with the sum of the file sizes.
    pub bytes: u64,
}

/// What an import read.
pub struct Imported {
    pub registry: Registry,
    pub rejects: Vec<ImportReject>,
}

/// Reads a ROR dump into a registry (not yet saved). `progress` is called every 1,000 records.
///
/// A record that is not valid JSON or not a ROR record is an [`ImportReject`] with its position; the
/// import goes on. A file that cannot be read at all (missing, not JSON, a broken JSON array) is an
/// error.
pub fn import_file(
    path: &Path,
    progress: impl FnMut(ImportProgress),
) -> Result<Imported, RegistryError> {
    import_files(&[path], progress)
}

/// Reads several ROR dumps (for example a v2 and a v1 file) into one registry. A ROR id seen again
/// replaces the earlier record.
pub fn import_files(
    paths: &[&Path],
    mut progress: impl FnMut(ImportProgress),
) -> Result<Imported, RegistryError> {
    let mut collector = Collector::default();
    let mut bytes_before = 0u64;
    for path in paths {
        let records_before = collector.seen;
        let bytes_read = Rc::new(Cell::new(0u64));
        let counter = Rc::clone(&bytes_read);
        let mut file_progress = |n: usize| {
            progress(ImportProgress {
                records: records_before + n,
                bytes: bytes_before + counter.get(),
            })
        };
        read_file(path, &bytes_read, &mut collector, &mut file_progress)?;
        bytes_before += bytes_read.get();
        progress(ImportProgress {
            records: collector.seen,
            bytes: bytes_before,
        });
    }
    let source = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let Collector {
        orgs,
        rejects,
        v1,
        v2,
        duplicates,
        ..
    } = collector;
    let count = |s: Status| orgs.iter().filter(|o| o.status == s).count();
    let meta = RegistryMeta {
        format_version: FORMAT_VERSION,
        source,
        imported_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        organizations: orgs.len(),
        active: count(Status::Active),
        inactive: count(Status::Inactive),
        withdrawn: count(Status::Withdrawn),
        records_v1: v1,
        records_v2: v2,
        rejected: rejects.len(),
        duplicates,
        name_keys: 0,
    };
    Ok(Imported {
        registry: Registry::from_organizations(orgs, meta),
        rejects,
    })
}

fn read_file(
    path: &Path,
    bytes_read: &Rc<Cell<u64>>,
    collector: &mut Collector,
    progress: &mut dyn FnMut(usize),
) -> Result<(), RegistryError> {
    let file = File::open(path).map_err(|e| RegistryError::io(path, e))?;
    let file = CountingReader {
        inner: file,
        count: Rc::clone(bytes_read),
    };
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let magic = reader
        .fill_buf()
        .map_err(|e| RegistryError::io(path, e))?
        .get(..4)
        .map(<[u8]>::to_vec);
    let label = path.display().to_string();
    match magic.as_deref() {
        Some([b'P', b'K', 3, 4]) => {
            let mut file = reader.into_inner();
            file.seek(SeekFrom::Start(0))
                .map_err(|e| RegistryError::io(path, e))?;
            let mut archive = zip::ZipArchive::new(file).map_err(|e| {
                RegistryError::format(path, format!("not a readable zip archive: {e}"))
            })?;
            let names: Vec<String> = archive
                .file_names()
                .filter_map(Result::ok)
                .map(|n| n.into_owned())
                .collect();
            let entry_name = pick_zip_entry(&names).ok_or_else(|| {
                RegistryError::format(
                    path,
                    "the zip archive holds no .json or .jsonl file".to_string(),
                )
            })?;
            let entry = archive
                .by_name(&entry_name)
                .map_err(|e| RegistryError::format(path, format!("{entry_name}: {e}")))?;
            let label = format!("{label}!{entry_name}");
            if entry_name.ends_with(".gz") {
                let gz = flate2::read::MultiGzDecoder::new(entry);
                read_stream(
                    BufReader::with_capacity(1 << 20, gz),
                    &label,
                    collector,
                    progress,
                )
            } else {
                read_stream(
                    BufReader::with_capacity(1 << 20, entry),
                    &label,
                    collector,
                    progress,
                )
            }
        }
        Some([0x1f, 0x8b, ..]) => {
            let gz = flate2::read::MultiGzDecoder::new(reader);
            read_stream(
                BufReader::with_capacity(1 << 20, gz),
                &label,
                collector,
                progress,
            )
        }
        _ => read_stream(reader, &label, collector, progress),
    }
}

/// Counts the bytes read from a file, for progress.
struct CountingReader<R> {
    inner: R,
    count: Rc<Cell<u64>>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.set(self.count.get() + n as u64);
        Ok(n)
    }
}

impl<R: Seek> Seek for CountingReader<R> {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// ROR zips hold the dump as JSON (and CSV), in v1 and v2 since release 1.45: prefer v2.
fn pick_zip_entry(names: &[String]) -> Option<String> {
    let json: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| {
            [".json", ".jsonl", ".json.gz", ".jsonl.gz"]
                .iter()
                .any(|ext| n.ends_with(ext))
        })
        .collect();
    json.iter()
        .find(|n| n.contains("schema_v2"))
        .or_else(|| json.iter().find(|n| !n.contains("schema_v1")))
        .or_else(|| json.first())
        .map(|n| n.to_string())
}

#[derive(Default)]
struct Collector {
    orgs: Vec<Organization>,
    rejects: Vec<ImportReject>,
    v1: usize,
    v2: usize,
    duplicates: usize,
    /// Records read so far, good or bad, across files.
    seen: usize,
    by_ror: rustc_hash::FxHashMap<String, usize>,
}

impl Collector {
    fn record(&mut self, json: &str, file: &str, position: String) {
        self.seen += 1;
        let raw: RawRecord = match serde_json::from_str(json) {
            Ok(raw) => raw,
            Err(e) => {
                let reason = format!("not a ROR record: {e}");
                self.rejects.push(ImportReject {
                    file: file.to_string(),
                    position,
                    reason,
                });
                return;
            }
        };
        let is_v2 = json.contains("\"names\"");
        match raw.into_organization() {
            Ok(org) => {
                if is_v2 {
                    self.v2 += 1;
                } else {
                    self.v1 += 1;
                }
                match self.by_ror.get(&org.ror) {
                    // A later copy of the same id replaces the earlier one.
                    Some(&i) => {
                        self.duplicates += 1;
                        self.orgs[i] = org;
                    }
                    None => {
                        self.by_ror.insert(org.ror.clone(), self.orgs.len());
                        self.orgs.push(org);
                    }
                }
            }
            Err(reason) => self.rejects.push(ImportReject {
                file: file.to_string(),
                position,
                reason,
            }),
        }
    }
}

fn read_stream(
    mut reader: impl BufRead,
    label: &str,
    collector: &mut Collector,
    progress: &mut dyn FnMut(usize),
) -> Result<(), RegistryError> {
    let first = loop {
        let buf = reader
            .fill_buf()
            .map_err(|e| RegistryError::io_label(label, e))?;
        if buf.is_empty() {
            return Err(RegistryError::format_label(
                label,
                "the file is empty".to_string(),
            ));
        }
        // Skip a UTF-8 byte-order mark and leading whitespace.
        let skip = if buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
            3
        } else {
            buf.iter().take_while(|b| b.is_ascii_whitespace()).count()
        };
        if skip == 0 {
            break buf[0];
        }
        reader.consume(skip);
    };
    match first {
        b'[' => {
            let mut de = serde_json::Deserializer::from_reader(reader);
            de.deserialize_seq(ArrayVisitor {
                collector,
                label,
                progress,
            })
            .map_err(|e| RegistryError::format_label(label, format!("JSON array unreadable: {e}")))
        }
        b'{' => {
            let mut line = Vec::new();
            let mut number = 0usize;
            loop {
                line.clear();
                let n = reader
                    .read_until(b'\n', &mut line)
                    .map_err(|e| RegistryError::io_label(label, e))?;
                if n == 0 {
                    break;
                }
                number += 1;
                let text = match std::str::from_utf8(&line) {
                    Ok(text) => text.trim(),
                    Err(e) => {
                        collector.seen += 1;
                        collector.rejects.push(ImportReject {
                            file: label.to_string(),
                            position: format!("line {number}"),
                            reason: format!("not UTF-8: {e}"),
                        });
                        continue;
                    }
                };
                if text.is_empty() {
                    continue;
                }
                if number == 1 && text == "{" {
                    // Not JSON Lines but one pretty-printed object: a record, or an API response.
                    let mut rest = line.clone();
                    reader
                        .read_to_end(&mut rest)
                        .map_err(|e| RegistryError::io_label(label, e))?;
                    return read_single_object(&rest, label, collector);
                }
                collector.record(text, label, format!("line {number}"));
                if number.is_multiple_of(1000) {
                    progress(number);
                }
            }
            Ok(())
        }
        other => Err(RegistryError::format_label(
            label,
            format!(
                "expected a JSON array or JSON Lines of ROR records, found {:?}",
                other as char
            ),
        )),
    }
}

/// One JSON object: a ROR API response (`{"items": [...]}`) or a single record.
fn read_single_object(
    bytes: &[u8],
    label: &str,
    collector: &mut Collector,
) -> Result<(), RegistryError> {
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| RegistryError::format_label(label, format!("not a JSON object: {e}")))?;
    match value.get("items").and_then(|items| items.as_array()) {
        Some(items) => {
            for (i, item) in items.iter().enumerate() {
                collector.record(&item.to_string(), label, format!("items[{i}]"));
            }
        }
        None => collector.record(&value.to_string(), label, "object 1".to_string()),
    }
    Ok(())
}

struct ArrayVisitor<'a> {
    collector: &'a mut Collector,
    label: &'a str,
    progress: &'a mut dyn FnMut(usize),
}

impl<'de> Visitor<'de> for ArrayVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of ROR records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut number = 0usize;
        while let Some(raw) = seq.next_element_seed(RawSeed)? {
            number += 1;
            self.collector
                .record(raw.get(), self.label, format!("element {number}"));
            if number.is_multiple_of(1000) {
                (self.progress)(number);
            }
        }
        Ok(())
    }
}

struct RawSeed;

impl<'de> DeserializeSeed<'de> for RawSeed {
    type Value = Box<RawValue>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Box<RawValue>, D::Error> {
        serde::Deserialize::deserialize(d)
    }
}
