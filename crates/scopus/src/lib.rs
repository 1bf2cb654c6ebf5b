//! Reads Scopus CSV exports into Tandem's model records.
//!
//! A Scopus export is UTF-8 CSV with a byte order mark and quoted, possibly multi-line fields. Both the
//! current layout (with `Author full names`) and the older one without it are read; columns are found by
//! name, so any selection of export fields works as long as `Title` and an author column are there.
//! Each row becomes a [`tandem_model::Work`] with source `scopus`, keyed by its DOI where it has one (so
//! the same DOI from Web of Science is the same work) and by its EID otherwise. Each author's addresses
//! come from `Authors with affiliations`, cut against the record's `Affiliations`, and go through the
//! [`address::AddressResolver`]: a country from the string, and institutions from the ROR registry when
//! one is loaded. A row that cannot be read becomes a [`tandem_model::Reject`] with its line and record
//! number, and reading goes on.
//!
//! The [`address`] module is shared with the Web of Science reader (`tandem-wos`).

pub mod address;
mod authors;
pub mod corrections;
mod record;

pub use authors::{AuthorName, addresses_by_author, name_key, read_authors, split_addresses};
pub use record::{Columns, HeaderError, ParsedRecord, parse_row};

use address::AddressResolver;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tandem_model::{Input, InputError, RecordSink, Reject};

/// Rejected raw text is kept up to this many bytes.
const MAX_REJECT_RAW: usize = 64 * 1024;
/// How often (in records) progress is reported.
const PROGRESS_EVERY: u64 = 256;

/// A path given on the command line that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("{0}: no such file or folder")]
    Missing(PathBuf),
    #[error("{path}: cannot list folder: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}: folder holds no Scopus exports (expected *.csv files)")]
    Empty(PathBuf),
}

/// Files given directly are read whatever their name; folders contribute their `*.csv` files (not
/// recursively). The result is sorted, so a run does not depend on the order paths were named in.
pub fn files_from_paths(
    paths: &[PathBuf],
    extensions: &[&str],
) -> Result<Vec<PathBuf>, DiscoverError> {
    let mut files = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(DiscoverError::Missing(path.clone()));
        }
        if path.is_file() {
            files.push(path.clone());
            continue;
        }
        let entries = std::fs::read_dir(path).map_err(|source| DiscoverError::Io {
            path: path.clone(),
            source,
        })?;
        let before = files.len();
        for entry in entries {
            let entry = entry.map_err(|source| DiscoverError::Io {
                path: path.clone(),
                source,
            })?;
            let file = entry.path();
            let matches = file.is_file()
                && file
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| extensions.iter().any(|x| e.eq_ignore_ascii_case(x)));
            if matches {
                files.push(file);
            }
        }
        if files.len() == before {
            return Err(DiscoverError::Empty(path.clone()));
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

/// One input per export file; all share `resolver`, whose report sums them.
pub fn inputs_from_paths(
    paths: &[PathBuf],
    resolver: Arc<AddressResolver>,
) -> Result<Vec<Box<dyn Input>>, DiscoverError> {
    Ok(files_from_paths(paths, &["csv"])?
        .into_iter()
        .map(|p| Box::new(ScopusFile::new(p, resolver.clone())) as Box<dyn Input>)
        .collect())
}

/// Counts bytes as they are read, for progress.
pub struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R> CountingReader<R> {
    pub fn new(inner: R) -> (CountingReader<R>, Arc<AtomicU64>) {
        let count = Arc::new(AtomicU64::new(0));
        (
            CountingReader {
                inner,
                count: count.clone(),
            },
            count,
        )
    }
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Builds a reject, capping the raw text.
pub fn make_reject(
    input: &str,
    line: Option<u64>,
    record: Option<u64>,
    reason: String,
    raw: &str,
) -> Reject {
    let mut end = raw.len().min(MAX_REJECT_RAW);
    while !raw.is_char_boundary(end) {
        end -= 1;
    }
    Reject {
        input: input.to_string(),
        line,
        offset: None,
        record,
        reason,
        raw: raw[..end].to_string(),
    }
}

/// A Scopus CSV export file.
pub struct ScopusFile {
    path: PathBuf,
    resolver: Arc<AddressResolver>,
}

impl ScopusFile {
    pub fn new(path: PathBuf, resolver: Arc<AddressResolver>) -> ScopusFile {
        ScopusFile { path, resolver }
    }

    fn io_error(&self, source: std::io::Error) -> InputError {
        InputError::Io {
            path: self.name(),
            source,
        }
    }
}

/// The row as CSV text, for the rejects file.
fn row_text(row: &csv::ByteRecord) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    if writer.write_byte_record(row).is_err() {
        return String::new();
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).trim_end().to_string()
}

impl Input for ScopusFile {
    fn name(&self) -> String {
        self.path.display().to_string()
    }

    fn size_bytes(&self) -> u64 {
        std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0)
    }

    fn partition(&self) -> String {
        String::new()
    }

    fn read(&self, sink: &mut dyn RecordSink) -> Result<(), InputError> {
        let name = self.name();
        let file = File::open(&self.path).map_err(|e| self.io_error(e))?;
        let (counted, bytes) = CountingReader::new(file);
        let mut csv = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(BufReader::with_capacity(1 << 20, counted));
        let header = match csv.byte_headers() {
            Ok(h) => h.clone(),
            Err(e) => {
                return Err(InputError::Format {
                    path: name,
                    message: format!("cannot read the CSV header on line 1: {e}"),
                });
            }
        };
        let header_text: Vec<String> = header
            .iter()
            .map(|h| String::from_utf8_lossy(h).into_owned())
            .collect();
        let columns =
            Columns::from_header(header_text.iter().map(String::as_str)).map_err(|e| {
                InputError::Format {
                    path: name.clone(),
                    message: e.to_string(),
                }
            })?;
        let mut session = self.resolver.session();
        let mut row = csv::ByteRecord::new();
        let mut record_no = 0u64;
        loop {
            let line_before = csv.position().line();
            match csv.read_byte_record(&mut row) {
                Ok(false) => break,
                Ok(true) => {
                    record_no += 1;
                    let line = row.position().map_or(line_before, |p| p.line());
                    if row.len() == 1 && row.get(0).is_some_and(|f| f.trim_ascii().is_empty()) {
                        continue;
                    }
                    let result = if row.len() != header.len() {
                        Err(format!(
                            "the row has {} fields where the header has {}; expected one field per column \
                             (a quote left open swallows the rows after it)",
                            row.len(),
                            header.len()
                        ))
                    } else {
                        match csv::StringRecord::from_byte_record(row.clone()) {
                            Ok(text) => parse_row(&columns, &text, &mut session),
                            Err(e) => Err(format!(
                                "not valid UTF-8 ({}); expected a UTF-8 Scopus export",
                                e.utf8_error()
                            )),
                        }
                    };
                    match result {
                        Ok(parsed) => {
                            for inst in parsed.institutions {
                                sink.institution(inst);
                            }
                            sink.work(parsed.work);
                        }
                        Err(reason) => sink.reject(make_reject(
                            &name,
                            Some(line),
                            Some(record_no),
                            format!("record {record_no} (line {line}): {reason}"),
                            &row_text(&row),
                        )),
                    }
                    if record_no.is_multiple_of(PROGRESS_EVERY) {
                        sink.progress(bytes.load(Ordering::Relaxed));
                    }
                }
                Err(e) => {
                    record_no += 1;
                    let line = e.position().map_or(line_before, |p| p.line());
                    let stop = e.is_io_error();
                    sink.reject(make_reject(
                        &name,
                        Some(line),
                        Some(record_no),
                        format!("record {record_no} (line {line}): bad CSV: {e}"),
                        "",
                    ));
                    if stop {
                        break;
                    }
                }
            }
        }
        sink.progress(bytes.load(Ordering::Relaxed));
        Ok(())
    }
}
