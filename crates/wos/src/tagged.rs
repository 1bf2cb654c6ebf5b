//! A Web of Science record as tags and their values, whichever layout it came from.

/// Tags whose value is a list: one item per line in the plain-text layout, `; `-separated in the
/// tab-delimited layout.
pub const LIST_TAGS: &[&str] = &["AU", "AF", "BA", "BF", "CA", "GP", "BE", "C1", "CR"];

/// One record: each tag with its items, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaggedRecord {
    pub fields: Vec<(String, Vec<String>)>,
    /// 1-based line where the record starts.
    pub line: u64,
    /// 1-based record number in the file.
    pub record: u64,
}

impl TaggedRecord {
    /// The items of `tag` (lines in the plain-text layout), or none.
    pub fn items(&self, tag: &str) -> &[String] {
        self.fields
            .iter()
            .find(|(t, _)| t == tag)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }

    /// The value of `tag` as one text, continuation lines joined by a space; `None` when absent or empty.
    pub fn text(&self, tag: &str) -> Option<String> {
        let items = self.items(tag);
        let text = items
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        (!text.is_empty()).then_some(text)
    }

    /// The record back in plain-text layout, for the rejects file.
    pub fn to_plain_text(&self) -> String {
        let mut out = String::new();
        for (tag, items) in &self.fields {
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { tag } else { "  " });
                out.push(' ');
                out.push_str(item);
                out.push('\n');
            }
            if items.is_empty() {
                out.push_str(tag);
                out.push('\n');
            }
        }
        out.push_str("ER\n");
        out
    }
}

/// Splits a tab-delimited list value at `; `, but not inside `[...]` (the author lists of `C1`).
pub fn split_list_value(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' => depth += 1,
            b']' => depth = (depth - 1).max(0),
            b';' if depth == 0 => {
                let item = value[start..i].trim();
                if !item.is_empty() {
                    out.push(item.to_string());
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let last = value[start..].trim();
    if !last.is_empty() {
        out.push(last.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_c1_lists_outside_brackets() {
        assert_eq!(
            split_list_value(
                "[Smith, J; Doe, A] Univ A, Oxford, England; [Roe, B] Univ B, Paris, France"
            ),
            vec![
                "[Smith, J; Doe, A] Univ A, Oxford, England".to_string(),
                "[Roe, B] Univ B, Paris, France".to_string()
            ]
        );
        assert_eq!(
            split_list_value("Smith, J; Doe, A"),
            vec!["Smith, J", "Doe, A"]
        );
        assert!(split_list_value(" ").is_empty());
    }
}
