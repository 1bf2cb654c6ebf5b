//! Reads Web of Science exports into Tandem's model records.
//!
//! Two layouts are read, told apart by the file's first line:
//! - the plain-text "Full Record" layout: `FN`/`VR` header lines, two-letter tags, three-space
//!   continuation lines, `ER` after each record and `EF` at the end;
//! - the tab-delimited layout: one header row of the same tags, one record per row, `; `-separated lists.
//!
//! Both may be UTF-8 with a byte order mark (or UTF-16, as older "Win" exports are), with CRLF line
//! endings. Each record becomes a [`tandem_model::Work`] with source `wos`, keyed by its DOI where it has
//! one (so the same DOI from Scopus is the same work) and by its UT otherwise. `C1` addresses are tied to
//! authors through their `[Author; Author]` prefixes; addresses without one belong to every author
//! without an address. Each address goes through the shared
//! [`tandem_scopus::address::AddressResolver`]. A record that cannot be read becomes a
//! [`tandem_model::Reject`] with its line and record number, and reading goes on.

mod plain;
mod record;
mod tagged;

pub use plain::{PlainItem, read_plain};
pub use record::{ParsedRecord, parse_record};
pub use tagged::{LIST_TAGS, TaggedRecord, split_list_value};
pub use tandem_scopus::DiscoverError;

use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tandem_model::{Input, InputError, RecordSink};
use tandem_scopus::address::{AddressResolver, ResolverSession};
use tandem_scopus::{CountingReader, make_reject};

/// How often (in records) progress is reported.
const PROGRESS_EVERY: u64 = 100;

/// The two export layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    PlainText,
    TabDelimited,
}

/// One input per export file (files given directly, and `*.txt`/`*.tsv`/`*.tab` files in folders);
/// all share `resolver`, whose report sums them.
pub fn inputs_from_paths(
    paths: &[PathBuf],
    resolver: Arc<AddressResolver>,
) -> Result<Vec<Box<dyn Input>>, DiscoverError> {
    Ok(
        tandem_scopus::files_from_paths(paths, &["txt", "tsv", "tab"])?
            .into_iter()
            .map(|p| Box::new(WosFile::new(p, resolver.clone())) as Box<dyn Input>)
            .collect(),
    )
}

/// Decides the layout from the first non-empty line (byte order mark removed).
pub fn detect_layout(first_line: &str) -> Option<Layout> {
    let line = first_line.trim_start_matches('\u{feff}').trim_end();
    let tag_line = |l: &str| {
        let b = l.as_bytes();
        b.len() >= 2
            && b[0].is_ascii_uppercase()
            && (b[1].is_ascii_uppercase() || b[1].is_ascii_digit())
            && (b.len() == 2 || b[2] == b' ')
    };
    if line.contains('\t') {
        let tags: Vec<&str> = line.split('\t').filter(|t| !t.is_empty()).collect();
        let all_tags = tags.iter().all(|t| t.len() == 2 && tag_line(t));
        if all_tags && tags.iter().any(|t| *t == "PT" || *t == "UT") {
            return Some(Layout::TabDelimited);
        }
        return None;
    }
    (tag_line(line) && ["FN", "VR", "PT"].contains(&&line[..2])).then_some(Layout::PlainText)
}

/// A Web of Science export file in either layout.
pub struct WosFile {
    path: PathBuf,
    resolver: Arc<AddressResolver>,
}

impl WosFile {
    pub fn new(path: PathBuf, resolver: Arc<AddressResolver>) -> WosFile {
        WosFile { path, resolver }
    }

    fn io_error(&self, source: std::io::Error) -> InputError {
        InputError::Io {
            path: self.name(),
            source,
        }
    }

    /// The file as UTF-8 text: read through as it is, or decoded whole from UTF-16 (exports are at
    /// most a thousand records, a few megabytes).
    fn open(&self) -> Result<(Box<dyn BufRead>, Arc<AtomicU64>), InputError> {
        let file = File::open(&self.path).map_err(|e| self.io_error(e))?;
        let (counted, bytes) = CountingReader::new(file);
        let mut reader = BufReader::with_capacity(1 << 20, counted);
        let head = reader.fill_buf().map_err(|e| self.io_error(e))?;
        let little = head.starts_with(&[0xFF, 0xFE]);
        let big = head.starts_with(&[0xFE, 0xFF]);
        if !(little || big) {
            return Ok((Box::new(reader), bytes));
        }
        let mut raw = Vec::new();
        reader.read_to_end(&mut raw).map_err(|e| self.io_error(e))?;
        let units = raw[2..].chunks_exact(2).map(|p| {
            if little {
                u16::from_le_bytes([p[0], p[1]])
            } else {
                u16::from_be_bytes([p[0], p[1]])
            }
        });
        let text: String = char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        Ok((Box::new(Cursor::new(text.into_bytes())), bytes))
    }

    fn deliver(
        &self,
        sink: &mut dyn RecordSink,
        session: &mut ResolverSession<'_>,
        record: &TaggedRecord,
    ) {
        match parse_record(record, session) {
            Ok(parsed) => {
                for inst in parsed.institutions {
                    sink.institution(inst);
                }
                sink.work(parsed.work);
            }
            Err(reason) => sink.reject(make_reject(
                &self.name(),
                Some(record.line),
                Some(record.record),
                format!("record {} (line {}): {reason}", record.record, record.line),
                &record.to_plain_text(),
            )),
        }
    }

    fn read_plain_text(
        &self,
        reader: &mut dyn BufRead,
        bytes: &AtomicU64,
        sink: &mut dyn RecordSink,
    ) -> Result<(), InputError> {
        let name = self.name();
        let mut session = self.resolver.session();
        let mut seen = 0u64;
        read_plain(reader, |item| {
            seen += 1;
            match item {
                PlainItem::Record(record) => self.deliver(sink, &mut session, &record),
                PlainItem::Bad {
                    line,
                    record,
                    reason,
                    raw,
                } => sink.reject(make_reject(&name, Some(line), record, reason, &raw)),
            }
            if seen.is_multiple_of(PROGRESS_EVERY) {
                sink.progress(bytes.load(Ordering::Relaxed));
            }
        })
        .map_err(|e| self.io_error(e))?;
        sink.progress(bytes.load(Ordering::Relaxed));
        Ok(())
    }

    /// One record per line: the layout has no quoting, so a line break always ends a row. (Lines are
    /// read here rather than through the csv crate, whose line numbers are off with CRLF line endings
    /// and blank lines, which these exports have.)
    fn read_tab_delimited(
        &self,
        reader: &mut dyn BufRead,
        bytes: &AtomicU64,
        sink: &mut dyn RecordSink,
    ) -> Result<(), InputError> {
        let name = self.name();
        let mut buf = Vec::new();
        let mut line = 0u64;
        // The header row: the first non-empty line.
        let header: Vec<String> = loop {
            buf.clear();
            if reader
                .read_until(b'\n', &mut buf)
                .map_err(|e| self.io_error(e))?
                == 0
            {
                return Err(InputError::Format {
                    path: name.clone(),
                    message:
                        "the file has no header row; expected a row of tags such as PT, AU, TI, UT"
                            .into(),
                });
            }
            line += 1;
            let row = trim_line_end(&buf);
            if row.trim_ascii().is_empty() {
                continue;
            }
            break String::from_utf8_lossy(row)
                .split('\t')
                .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
                .collect();
        };
        // Rows often end with a tab: a last, empty column.
        let width = header
            .iter()
            .rposition(|h| !h.is_empty())
            .map_or(0, |i| i + 1);
        let mut session = self.resolver.session();
        let mut record_no = 0u64;
        loop {
            buf.clear();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    record_no += 1;
                    sink.reject(make_reject(
                        &name,
                        Some(line + 1),
                        Some(record_no),
                        format!(
                            "record {record_no} (line {}): cannot read the row: {e}",
                            line + 1
                        ),
                        "",
                    ));
                    break;
                }
            }
            line += 1;
            let text = trim_line_end(&buf);
            if text.trim_ascii().is_empty() {
                continue;
            }
            record_no += 1;
            let row: Vec<&[u8]> = text.split(|b| *b == b'\t').collect();
            let raw = || String::from_utf8_lossy(text).into_owned();
            let extra = row.iter().skip(width).any(|f| !f.trim_ascii().is_empty());
            if row.len() < width || extra {
                sink.reject(make_reject(
                    &name,
                    Some(line),
                    Some(record_no),
                    format!(
                        "record {record_no} (line {line}): the row has {} fields where the header has \
                         {width} tags; expected one tab-separated field per tag",
                        row.len()
                    ),
                    &raw(),
                ));
                continue;
            }
            let mut fields = Vec::with_capacity(width);
            let mut bad_utf8 = None;
            for (tag, value) in header.iter().zip(row.iter()).take(width) {
                let value = match std::str::from_utf8(value) {
                    Ok(v) => v.trim(),
                    Err(e) => {
                        bad_utf8.get_or_insert(format!("field {tag} is not valid UTF-8 ({e})"));
                        continue;
                    }
                };
                if value.is_empty() || tag.is_empty() {
                    continue;
                }
                let items = if LIST_TAGS.contains(&tag.as_str()) {
                    split_list_value(value)
                } else {
                    vec![value.to_string()]
                };
                fields.push((tag.clone(), items));
            }
            if let Some(reason) = bad_utf8 {
                sink.reject(make_reject(
                    &name,
                    Some(line),
                    Some(record_no),
                    format!("record {record_no} (line {line}): {reason}; expected a UTF-8 export"),
                    &raw(),
                ));
                continue;
            }
            let record = TaggedRecord {
                fields,
                line,
                record: record_no,
            };
            self.deliver(sink, &mut session, &record);
            if record_no.is_multiple_of(PROGRESS_EVERY) {
                sink.progress(bytes.load(Ordering::Relaxed));
            }
        }
        sink.progress(bytes.load(Ordering::Relaxed));
        Ok(())
    }
}

/// A line without its `\n` or `\r\n`.
fn trim_line_end(mut line: &[u8]) -> &[u8] {
    while let [rest @ .., b'\n' | b'\r'] = line {
        line = rest;
    }
    line
}

impl Input for WosFile {
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
        let (mut reader, bytes) = self.open()?;
        // Peek at the first non-empty line without consuming it.
        let first = {
            let buffer = reader.fill_buf().map_err(|e| self.io_error(e))?;
            let text = String::from_utf8_lossy(&buffer[..buffer.len().min(64 * 1024)]).into_owned();
            text.lines()
                .map(|l| l.trim_start_matches('\u{feff}'))
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .to_string()
        };
        match detect_layout(&first) {
            Some(Layout::PlainText) => self.read_plain_text(&mut reader, &bytes, sink),
            Some(Layout::TabDelimited) => self.read_tab_delimited(&mut reader, &bytes, sink),
            None => Err(InputError::Format {
                path: self.name(),
                message: format!(
                    "not a Web of Science export: the first line is {:?}; expected the plain-text layout \
                     (starting `FN Clarivate Analytics Web of Science` or `PT J`) or the tab-delimited \
                     layout (a header row of two-letter tags such as PT, AU, TI, ..., UT)",
                    first.chars().take(80).collect::<String>()
                ),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_layouts() {
        assert_eq!(
            detect_layout("\u{feff}FN Clarivate Analytics Web of Science"),
            Some(Layout::PlainText)
        );
        assert_eq!(detect_layout("PT J"), Some(Layout::PlainText));
        assert_eq!(
            detect_layout("\u{feff}PT\tAU\tBA\tTI\tUT\t"),
            Some(Layout::TabDelimited)
        );
        assert_eq!(detect_layout("Authors,Title,Year"), None);
        assert_eq!(detect_layout("hello\tworld"), None);
    }
}
