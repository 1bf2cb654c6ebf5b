//! The plain-text "Full Record" layout: `FN`/`VR` header lines, then records of two-letter tags with
//! three-space continuation lines, each closed by `ER`; `EF` ends the file.

use crate::tagged::TaggedRecord;
use std::io::BufRead;

/// What the plain-text reader hands out: a record, or a record (or stray line) it could not read.
#[derive(Debug)]
pub enum PlainItem {
    Record(TaggedRecord),
    Bad {
        line: u64,
        record: Option<u64>,
        reason: String,
        raw: String,
    },
}

fn is_tag(bytes: &[u8]) -> bool {
    bytes.len() >= 2
        && bytes[0].is_ascii_uppercase()
        && (bytes[1].is_ascii_uppercase() || bytes[1].is_ascii_digit())
        && (bytes.len() == 2 || bytes[2] == b' ')
}

struct Open {
    record: TaggedRecord,
    raw: String,
    /// The first problem found in it, which makes it a reject at `ER`.
    problem: Option<String>,
}

/// Reads records one at a time. `on_item` gets each; `on_line` gets the line count every so often.
pub fn read_plain(
    reader: &mut dyn BufRead,
    mut on_item: impl FnMut(PlainItem),
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut line_no = 0u64;
    let mut records = 0u64;
    let mut open: Option<Open> = None;
    let mut ended = false;
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        line_no += 1;
        let mut bytes: &[u8] = &buf;
        if line_no == 1 && bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes = &bytes[3..];
        }
        while let [rest @ .., b'\n' | b'\r'] = bytes {
            bytes = rest;
        }
        let line = String::from_utf8_lossy(bytes);
        let valid_utf8 = matches!(line, std::borrow::Cow::Borrowed(_));
        if let Some(o) = open.as_mut() {
            o.raw.push_str(&line);
            o.raw.push('\n');
            if !valid_utf8 && o.problem.is_none() {
                o.problem = Some(format!(
                    "line {line_no} is not valid UTF-8; expected a UTF-8 export"
                ));
            }
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if bytes.starts_with(b"   ") {
            match open.as_mut() {
                Some(o) => match o.record.fields.last_mut() {
                    Some((_, items)) => items.push(line.trim().to_string()),
                    None => {
                        o.problem.get_or_insert(format!(
                            "line {line_no}: a continuation line before any tag; expected a tag such as PT"
                        ));
                    }
                },
                None => on_item(PlainItem::Bad {
                    line: line_no,
                    record: None,
                    reason: format!(
                        "line {line_no}: a continuation line outside any record; expected PT to start a record"
                    ),
                    raw: line.into_owned(),
                }),
            }
            continue;
        }
        if !is_tag(bytes) {
            match open.as_mut() {
                Some(o) => {
                    o.problem.get_or_insert(format!(
                        "line {line_no}: {:?} is neither a two-letter tag with its value nor a \
                         three-space continuation line",
                        truncate(&line, 60)
                    ));
                }
                None => on_item(PlainItem::Bad {
                    line: line_no,
                    record: None,
                    reason: format!(
                        "line {line_no}: {:?} is not a Web of Science tag line; expected PT to start a record",
                        truncate(&line, 60)
                    ),
                    raw: line.into_owned(),
                }),
            }
            continue;
        }
        let tag = &line[..2];
        let value = line.get(3..).unwrap_or("").trim_end();
        match tag {
            "FN" | "VR" if open.is_none() => continue,
            "EF" => {
                ended = true;
                if let Some(o) = open.take() {
                    on_item(unterminated(o, line_no));
                }
                continue;
            }
            "ER" => {
                match open.take() {
                    Some(o) => on_item(finish(o)),
                    None => on_item(PlainItem::Bad {
                        line: line_no,
                        record: None,
                        reason: format!("line {line_no}: ER without a record before it"),
                        raw: line.into_owned(),
                    }),
                }
                continue;
            }
            _ => {}
        }
        if ended {
            // Text after EF is not part of the export.
            continue;
        }
        if tag == "PT"
            && let Some(o) = open.take()
        {
            on_item(unterminated(o, line_no));
        }
        let o = open.get_or_insert_with(|| {
            records += 1;
            Open {
                record: TaggedRecord {
                    fields: Vec::new(),
                    line: line_no,
                    record: records,
                },
                raw: format!("{line}\n"),
                problem: None,
            }
        });
        let items = if value.is_empty() {
            Vec::new()
        } else {
            vec![value.trim().to_string()]
        };
        match o.record.fields.iter_mut().find(|(t, _)| t == tag) {
            // A repeated tag continues the first (some tools write one line per tag).
            Some((_, existing)) => existing.extend(items),
            None => o.record.fields.push((tag.to_string(), items)),
        }
    }
    if let Some(o) = open.take() {
        on_item(unterminated(o, line_no + 1));
    }
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn finish(o: Open) -> PlainItem {
    match o.problem {
        None => PlainItem::Record(o.record),
        Some(reason) => PlainItem::Bad {
            line: o.record.line,
            record: Some(o.record.record),
            reason: format!(
                "record {} (line {}): {reason}",
                o.record.record, o.record.line
            ),
            raw: o.raw,
        },
    }
}

fn unterminated(o: Open, at: u64) -> PlainItem {
    PlainItem::Bad {
        line: o.record.line,
        record: Some(o.record.record),
        reason: format!(
            "record {} (line {}): no ER line closes it before line {at}; expected ER after each record \
             (the export may be truncated)",
            o.record.record, o.record.line
        ),
        raw: o.raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<PlainItem> {
        let mut out = Vec::new();
        read_plain(&mut text.as_bytes(), |i| out.push(i)).unwrap();
        out
    }

    #[test]
    fn reads_tags_and_continuations() {
        let items = read(
            "\u{feff}FN Clarivate Analytics Web of Science\r\nVR 1.0\r\nPT J\r\nAU Smith, J\r\n   Doe, A\r\n\
             TI A long\r\n   title\r\nER\r\n\r\nEF\r\n",
        );
        assert_eq!(items.len(), 1);
        let PlainItem::Record(r) = &items[0] else {
            panic!("expected a record: {items:?}")
        };
        assert_eq!(r.items("AU"), ["Smith, J", "Doe, A"]);
        assert_eq!(r.text("TI").as_deref(), Some("A long title"));
        assert_eq!((r.line, r.record), (3, 1));
    }

    #[test]
    fn bad_lines_and_truncation_are_reported_with_positions() {
        let items = read("PT J\nAU A, B\n!! garbage\nER\nPT J\nAU C, D\nER\nPT J\nTI cut off\n");
        assert_eq!(items.len(), 3);
        match &items[0] {
            PlainItem::Bad {
                line,
                record,
                reason,
                ..
            } => {
                assert_eq!((*line, *record), (1, Some(1)));
                assert!(reason.contains("line 3"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(items[1], PlainItem::Record(_)));
        match &items[2] {
            PlainItem::Bad { line, reason, .. } => {
                assert_eq!(*line, 8);
                assert!(reason.contains("no ER"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }
}
