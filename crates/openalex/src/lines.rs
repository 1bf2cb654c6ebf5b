//! Streaming readers for OpenAlex files. Each is an [`Input`]: it reads one file and sends records, rejects
//! and progress to a [`RecordSink`].

use crate::raw::RecordError;
use flate2::read::MultiGzDecoder;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tandem_model::{Input, InputError, RecordSink, Reject, WorkId};

/// Rejected raw text is kept up to this many bytes; enough to find and fix the record.
const MAX_REJECT_RAW: usize = 64 * 1024;
/// How often (in records) progress is reported.
const PROGRESS_EVERY: u64 = 512;
/// Decompressed bytes read at a time by the line reader.
const LINE_BUFFER: usize = 1 << 20;

/// The `updated_date=YYYY-MM-DD` folder a snapshot file sits in, or "" for loose files.
pub(crate) fn partition_of(path: &Path) -> String {
    path.ancestors()
        .filter_map(|p| p.file_name()?.to_str())
        .find_map(|n| n.strip_prefix("updated_date=").map(str::to_string))
        .unwrap_or_default()
}

fn io_error(path: &Path, source: std::io::Error) -> InputError {
    InputError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Counts compressed bytes as they are read, for progress and for error positions.
struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Opens a file, transparently gunzipping it when its name ends in `.gz`.
fn open_raw(path: &Path) -> Result<(Box<dyn Read + Send>, Arc<AtomicU64>), InputError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let count = Arc::new(AtomicU64::new(0));
    let counted = CountingReader {
        inner: file,
        count: count.clone(),
    };
    let gz = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let reader: Box<dyn Read + Send> = if gz {
        Box::new(MultiGzDecoder::new(BufReader::with_capacity(
            1 << 20,
            counted,
        )))
    } else {
        Box::new(counted)
    };
    Ok((reader, count))
}

/// [`open_raw`] with a buffer, for readers that want lines or a whole document.
fn open(path: &Path) -> Result<(Box<dyn BufRead + Send>, Arc<AtomicU64>), InputError> {
    let (reader, count) = open_raw(path)?;
    Ok((Box::new(BufReader::with_capacity(1 << 20, reader)), count))
}

fn reject(
    input: &str,
    line: Option<u64>,
    offset: Option<u64>,
    record: Option<u64>,
    reason: String,
    raw: &[u8],
) -> Reject {
    let raw = &raw[..raw.len().min(MAX_REJECT_RAW)];
    Reject {
        input: input.to_string(),
        line,
        offset,
        record,
        reason,
        raw: String::from_utf8_lossy(raw).into_owned(),
    }
}

/// Reads a file line by line. Each complete line goes to `on_line(line_no, offset, bytes)`. A read error
/// (a truncated or corrupt gzip stream) is reported as a reject at the point it happened; every line
/// before it has been delivered.
fn for_each_line(
    path: &Path,
    sink: &mut dyn RecordSink,
    mut on_line: impl FnMut(&mut dyn RecordSink, u64, u64, &[u8]),
) -> Result<(), InputError> {
    let name = path.display().to_string();
    let (mut reader, compressed) = open_raw(path)?;
    // Lines are cut out of a large buffer the decoder writes into, so no line is copied; a line longer
    // than the buffer grows it.
    let mut buf = vec![0u8; LINE_BUFFER];
    let (mut start, mut end) = (0usize, 0usize);
    let (mut line_no, mut offset) = (0u64, 0u64);
    let mut deliver = |sink: &mut dyn RecordSink, bytes: &[u8], line_no: u64, offset: u64| {
        let line = trim_line(bytes);
        if !line.is_empty() {
            on_line(sink, line_no, offset, line);
        }
        if line_no.is_multiple_of(PROGRESS_EVERY) {
            sink.progress(compressed.load(Ordering::Relaxed));
        }
    };
    loop {
        while let Some(at) = memchr::memchr(b'\n', &buf[start..end]) {
            let n = at + 1;
            line_no += 1;
            deliver(sink, &buf[start..start + n], line_no, offset);
            offset += n as u64;
            start += n;
        }
        if start > 0 {
            buf.copy_within(start..end, 0);
            end -= start;
            start = 0;
        }
        if end == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
        match reader.read(&mut buf[end..]) {
            Ok(0) => {
                if end > 0 {
                    line_no += 1;
                    deliver(sink, &buf[..end], line_no, offset);
                }
                break;
            }
            Ok(n) => end += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                sink.reject(reject(
                    &name,
                    Some(line_no + 1),
                    Some(offset),
                    None,
                    format!(
                        "could not read past byte {} of the decompressed data (byte {} of the file): {e}; \
                         the file is truncated or corrupt, and the {line_no} lines before this point were kept",
                        offset + end as u64,
                        compressed.load(Ordering::Relaxed)
                    ),
                    &buf[..end],
                ));
                break;
            }
        }
    }
    sink.progress(compressed.load(Ordering::Relaxed));
    Ok(())
}

fn trim_line(buf: &[u8]) -> &[u8] {
    let mut end = buf.len();
    while end > 0 && matches!(buf[end - 1], b'\n' | b'\r' | b' ' | b'\t') {
        end -= 1;
    }
    let mut start = 0;
    while start < end && matches!(buf[start], b' ' | b'\t') {
        start += 1;
    }
    // A UTF-8 byte order mark on the first line is not part of the record.
    if buf[start..end].starts_with(b"\xEF\xBB\xBF") {
        start += 3;
    }
    &buf[start..end]
}

/// One work, from JSON text, with the reasons a user can act on.
fn work_from_json(json: &[u8]) -> Result<tandem_model::Work, String> {
    match std::str::from_utf8(json) {
        Err(e) => Err(format!(
            "not valid UTF-8 at byte {} of the record; expected UTF-8 JSON",
            e.valid_up_to()
        )),
        Ok(text) => crate::parse_work_str(text).map_err(|e| e.to_string()),
    }
}

/// A file of OpenAlex works: JSON Lines (a snapshot part, an export), a saved API list response, or a
/// JSON array of works; gzip or plain.
pub struct WorksFile {
    path: PathBuf,
    partition: String,
}

/// How a works file is laid out, decided from its first line.
enum Layout {
    /// One work per line.
    WorkLines,
    /// One API list response (`{"meta":..., "results": [...]}`) per line.
    PageLines,
    /// One JSON document spanning lines: a pretty-printed API response or a JSON array.
    Document,
}

#[derive(Deserialize)]
struct Page<'a> {
    #[serde(borrow)]
    results: Option<Vec<&'a RawValue>>,
}

/// The works in one JSON document: an API response's `results`, the elements of an array, or the document
/// itself when it is a single work. (RawValue cannot go through serde's untagged enums, hence by hand.)
fn document_records(text: &[u8]) -> Result<Vec<&RawValue>, serde_json::Error> {
    let first = text.iter().find(|b| !b.is_ascii_whitespace()).copied();
    if first == Some(b'[') {
        return serde_json::from_slice::<Vec<&RawValue>>(text);
    }
    let page: Page = serde_json::from_slice(text)?;
    match page.results {
        Some(results) => Ok(results),
        None => Ok(vec![serde_json::from_slice::<&RawValue>(text)?]),
    }
}

impl WorksFile {
    pub fn new(path: PathBuf) -> Self {
        let partition = partition_of(&path);
        WorksFile { path, partition }
    }

    fn layout(&self) -> Result<Layout, InputError> {
        let (mut reader, _) = open(&self.path)?;
        let mut first = Vec::new();
        // Only the first non-empty line decides; a read error here is reported by the real pass.
        loop {
            first.clear();
            match reader.read_until(b'\n', &mut first) {
                Ok(0) | Err(_) => return Ok(Layout::WorkLines),
                Ok(_) => {
                    let line = trim_line(&first);
                    if line.is_empty() {
                        continue;
                    }
                    if line.starts_with(b"[") {
                        return Ok(Layout::Document);
                    }
                    return Ok(
                        match serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(
                            line,
                        ) {
                            Ok(obj) if obj.contains_key("results") && !obj.contains_key("id") => {
                                Layout::PageLines
                            }
                            Ok(_) => Layout::WorkLines,
                            // A line that starts an object but is not one: a pretty-printed document.
                            Err(e) if line.starts_with(b"{") && e.is_eof() => Layout::Document,
                            Err(_) => Layout::WorkLines,
                        },
                    );
                }
            }
        }
    }

    fn deliver(
        &self,
        sink: &mut dyn RecordSink,
        json: &[u8],
        line: Option<u64>,
        offset: Option<u64>,
        record: Option<u64>,
    ) {
        match work_from_json(json) {
            Ok(work) => sink.work(work),
            Err(reason) => sink.reject(reject(&self.name(), line, offset, record, reason, json)),
        }
    }

    fn read_document(&self, sink: &mut dyn RecordSink) -> Result<(), InputError> {
        let name = self.name();
        let (mut reader, compressed) = open(&self.path)?;
        let mut bytes = Vec::new();
        if let Err(e) = reader.read_to_end(&mut bytes) {
            sink.reject(reject(
                &name,
                None,
                Some(bytes.len() as u64),
                None,
                format!("could not read past byte {} of the decompressed data: {e}; the file is truncated or corrupt", bytes.len()),
                &bytes[bytes.len().saturating_sub(200)..],
            ));
        }
        sink.progress(compressed.load(Ordering::Relaxed));
        let text = trim_line(&bytes);
        match document_records(text) {
            Ok(results) => {
                for (i, value) in results.iter().enumerate() {
                    self.deliver(sink, value.get().as_bytes(), None, None, Some(i as u64 + 1));
                }
            }
            Err(e) => sink.reject(reject(
                &name,
                Some(e.line() as u64),
                None,
                None,
                format!(
                    "not a JSON document of OpenAlex works: {e}; expected JSON Lines of works, an API response \
                     {{\"meta\": ..., \"results\": [...]}}, or a JSON array of works"
                ),
                text,
            )),
        }
        Ok(())
    }
}

impl Input for WorksFile {
    fn name(&self) -> String {
        self.path.display().to_string()
    }

    fn size_bytes(&self) -> u64 {
        std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0)
    }

    fn partition(&self) -> String {
        self.partition.clone()
    }

    fn read(&self, sink: &mut dyn RecordSink) -> Result<(), InputError> {
        match self.layout()? {
            Layout::Document => self.read_document(sink),
            Layout::WorkLines => for_each_line(&self.path, sink, |sink, line, offset, json| {
                self.deliver(sink, json, Some(line), Some(offset), None)
            }),
            Layout::PageLines => {
                for_each_line(
                    &self.path,
                    sink,
                    |sink, line, offset, json| match document_records(json) {
                        Ok(results) => {
                            for (i, value) in results.iter().enumerate() {
                                self.deliver(
                                    sink,
                                    value.get().as_bytes(),
                                    Some(line),
                                    Some(offset),
                                    Some(i as u64 + 1),
                                );
                            }
                        }
                        Err(e) => sink.reject(reject(
                            &self.name(),
                            Some(line),
                            Some(offset),
                            None,
                            format!("not valid JSON: {e}; expected one API response per line"),
                            json,
                        )),
                    },
                )
            }
        }
    }
}

/// A JSON Lines file of OpenAlex institution entities (`data/institutions/...`).
pub struct InstitutionsFile {
    path: PathBuf,
}

impl InstitutionsFile {
    pub fn new(path: PathBuf) -> Self {
        InstitutionsFile { path }
    }
}

impl Input for InstitutionsFile {
    fn name(&self) -> String {
        self.path.display().to_string()
    }

    fn size_bytes(&self) -> u64 {
        std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0)
    }

    fn partition(&self) -> String {
        partition_of(&self.path)
    }

    fn read(&self, sink: &mut dyn RecordSink) -> Result<(), InputError> {
        let name = self.name();
        for_each_line(&self.path, sink, |sink, line, offset, json| {
            let parsed = match std::str::from_utf8(json) {
                Err(e) => Err(format!("not valid UTF-8 at byte {}", e.valid_up_to())),
                Ok(_) => crate::parse_institution(json).map_err(|e| match e {
                    RecordError::MissingId | RecordError::BadId(_) => {
                        "institution has no usable `id`; expected \"https://openalex.org/I...\""
                            .to_string()
                    }
                    other => other.to_string(),
                }),
            };
            match parsed {
                Ok(inst) => sink.institution(inst),
                Err(reason) => {
                    sink.reject(reject(&name, Some(line), Some(offset), None, reason, json))
                }
            }
        })
    }
}

/// A `merged_ids/works/*.csv.gz` file: `merge_date,id,merge_into_id`. Each `id` is removed from the store.
pub struct MergedIdsFile {
    path: PathBuf,
}

impl MergedIdsFile {
    pub fn new(path: PathBuf) -> Self {
        MergedIdsFile { path }
    }
}

impl Input for MergedIdsFile {
    fn name(&self) -> String {
        self.path.display().to_string()
    }

    fn size_bytes(&self) -> u64 {
        std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0)
    }

    fn partition(&self) -> String {
        partition_of(&self.path)
    }

    fn read(&self, sink: &mut dyn RecordSink) -> Result<(), InputError> {
        let name = self.name();
        let (reader, compressed) = open(&self.path)?;
        let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
        let headers = csv
            .headers()
            .map_err(|e| InputError::Format {
                path: name.clone(),
                message: e.to_string(),
            })?
            .clone();
        let Some(id_column) = headers.iter().position(|h| h.trim() == "id") else {
            return Err(InputError::Format {
                path: name,
                message: format!(
                    "no `id` column; expected the header merge_date,id,merge_into_id, found {:?}",
                    headers.iter().collect::<Vec<_>>()
                ),
            });
        };
        for (i, row) in csv.records().enumerate() {
            let line = i as u64 + 2;
            match row {
                Ok(row) => match row.get(id_column).and_then(WorkId::from_openalex) {
                    Some(id) => sink.merged_work(id),
                    None => sink.reject(reject(
                        &name,
                        Some(line),
                        None,
                        None,
                        "merged id is not an OpenAlex work id such as W2741809807".to_string(),
                        row.iter().collect::<Vec<_>>().join(",").as_bytes(),
                    )),
                },
                Err(e) => {
                    let stop = e.is_io_error();
                    sink.reject(reject(
                        &name,
                        Some(line),
                        None,
                        None,
                        format!("bad CSV row: {e}"),
                        b"",
                    ));
                    if stop {
                        break;
                    }
                }
            }
        }
        sink.progress(compressed.load(Ordering::Relaxed));
        Ok(())
    }
}
