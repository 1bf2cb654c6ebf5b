//! Reading Scopus author lists and the `Authors with affiliations` column.
//!
//! `Authors with affiliations` writes each author as `Name, address, address; Name, address`. Both
//! separators also occur inside addresses, so the column is read against what else the record says:
//! a `; ` piece starts a new author only when it begins with the next author's name (from `Authors` or
//! `Author full names`), and an author's text is cut into addresses at the `, ` boundaries that
//! reproduce the record's `Affiliations` entries. When that fails, an address ends at a segment that is
//! a country name.

use std::collections::HashSet;

/// One author as the author columns give them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuthorName {
    /// As in `Authors`: "Parise O." or (newer layout) "Wu, H.".
    pub short: Option<String>,
    /// As in `Author full names`, without the id: "Parise, Orlando".
    pub full: Option<String>,
    /// The Scopus author id.
    pub scopus_id: Option<String>,
}

impl AuthorName {
    /// The name to store: the full name where the export has one.
    pub fn display(&self) -> Option<&str> {
        self.full.as_deref().or(self.short.as_deref())
    }

    fn candidates(&self) -> impl Iterator<Item = &str> {
        self.short
            .as_deref()
            .into_iter()
            .chain(self.full.as_deref())
            .filter(|n| !n.is_empty())
    }
}

/// Scopus writes this where a record has no authors.
const NO_AUTHOR: &str = "[No author name available]";

fn split_list(text: &str) -> Vec<String> {
    text.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != NO_AUTHOR)
        .map(str::to_string)
        .collect()
}

/// `Parise, Orlando (6603398373)` → (`Parise, Orlando`, `6603398373`).
fn split_full_name(entry: &str) -> (String, Option<String>) {
    if let Some(open) = entry.rfind(" (")
        && let Some(id) = entry[open + 2..].strip_suffix(')')
        && !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_digit())
    {
        return (entry[..open].trim().to_string(), Some(id.to_string()));
    }
    (entry.trim().to_string(), None)
}

/// The authors of a record from `Authors`, `Author full names` and `Author(s) ID`. Columns whose count
/// disagrees with `Authors` are not used, so a name is never paired with another author's id.
pub fn read_authors(short: Option<&str>, full: Option<&str>, ids: Option<&str>) -> Vec<AuthorName> {
    let short = short.map(split_list).unwrap_or_default();
    let full: Vec<(String, Option<String>)> = full
        .map(split_list)
        .unwrap_or_default()
        .iter()
        .map(|f| split_full_name(f))
        .collect();
    let ids = ids.map(split_list).unwrap_or_default();
    let n = if short.is_empty() {
        full.len()
    } else {
        short.len()
    };
    let full_fits = full.len() == n;
    let ids_fit = ids.len() == n;
    (0..n)
        .map(|i| {
            let (full_name, full_id) = if full_fits {
                let (name, id) = full[i].clone();
                (Some(name), id)
            } else {
                (None, None)
            };
            AuthorName {
                short: short.get(i).cloned(),
                full: full_name,
                scopus_id: full_id.or_else(|| ids_fit.then(|| ids[i].clone())),
            }
        })
        .collect()
}

/// Splits `Authors with affiliations` into each author's address strings, in author order. Text that
/// cannot be tied to an author (before the first name) goes to the first author.
pub fn addresses_by_author(
    text: &str,
    authors: &[AuthorName],
    known_affiliations: &HashSet<&str>,
) -> Vec<Vec<String>> {
    let mut per_author: Vec<String> = vec![String::new(); authors.len()];
    if authors.is_empty() {
        return Vec::new();
    }
    let mut current: Option<usize> = None;
    for piece in text.split("; ") {
        let next = current.map_or(0, |c| c + 1);
        let starts_next = authors.get(next).and_then(|a| {
            a.candidates().find_map(|name| {
                if piece == name {
                    Some(String::new())
                } else {
                    piece
                        .strip_prefix(name)
                        .and_then(|rest| rest.strip_prefix(", "))
                        .map(str::to_string)
                }
            })
        });
        match starts_next {
            Some(rest) => {
                current = Some(next);
                per_author[next] = rest;
            }
            None => {
                let target = current.unwrap_or(0);
                let slot = &mut per_author[target];
                if !slot.is_empty() {
                    slot.push_str("; ");
                }
                slot.push_str(piece);
            }
        }
    }
    per_author
        .iter()
        .map(|t| split_addresses(t, known_affiliations))
        .collect()
}

/// Cuts one author's text into addresses: first at the boundaries that reproduce known `Affiliations`
/// entries exactly (fewest pieces), else after each segment that is a country name.
pub fn split_addresses(text: &str, known: &HashSet<&str>) -> Vec<String> {
    let cleaned = text.replace(";,", ",").replace("; ", ", ");
    let segments: Vec<&str> = cleaned
        .split(", ")
        .map(|s| s.trim().trim_end_matches([',', ';']).trim())
        .filter(|s| !s.is_empty())
        .collect();
    if segments.is_empty() {
        return Vec::new();
    }
    if let Some(pieces) = cover_with_known(&segments, known) {
        return pieces;
    }
    let mut out = Vec::new();
    let mut chunk: Vec<&str> = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        chunk.push(segment);
        let is_last = i + 1 == segments.len();
        if is_last || tandem_countries::country_code_for_name(segment).is_some() {
            out.push(chunk.join(", "));
            chunk.clear();
        }
    }
    out
}

/// The longest known entries an address joins at most this many segments.
const MAX_SEGMENTS_PER_ADDRESS: usize = 40;

fn cover_with_known(segments: &[&str], known: &HashSet<&str>) -> Option<Vec<String>> {
    if known.is_empty() {
        return None;
    }
    let n = segments.len();
    // best[i]: fewest pieces covering segments[..i], and where the last piece starts.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0));
    for start in 0..n {
        let Some((pieces, _)) = best[start] else {
            continue;
        };
        let mut joined = String::new();
        for end in start + 1..=n.min(start + MAX_SEGMENTS_PER_ADDRESS) {
            if end > start + 1 {
                joined.push_str(", ");
            }
            joined.push_str(segments[end - 1]);
            if known.contains(joined.as_str()) && best[end].is_none_or(|(p, _)| pieces + 1 < p) {
                best[end] = Some((pieces + 1, start));
            }
        }
    }
    best[n]?;
    let mut out = Vec::new();
    let mut end = n;
    while end > 0 {
        let (_, start) = best[end]?;
        out.push(segments[start..end].join(", "));
        end = start;
    }
    out.reverse();
    Some(out)
}

/// A comparable key for a person's name in any Scopus spelling: "Parise O.", "O. Parise", "Wu, H.",
/// "Parise, Orlando" → surname letters then initials, lowercase (`pariseo`, `wuh`).
pub fn name_key(name: &str) -> String {
    let name = name.trim();
    let (surname, given): (String, Vec<&str>) = if let Some((surname, given)) = name.split_once(',')
    {
        (surname.to_string(), given.split_whitespace().collect())
    } else {
        let words: Vec<&str> = name.split_whitespace().collect();
        let is_initials = |w: &&&str| w.contains('.') || w.chars().count() == 1;
        let leading = words.iter().take_while(is_initials).count();
        if leading > 0 && leading < words.len() {
            // "O. Parise", "C. de Asmundis"
            (words[leading..].join(" "), words[..leading].to_vec())
        } else {
            // "Parise O.", "de Asmundis C."
            let trailing = words.iter().rev().take_while(is_initials).count();
            let split = words.len() - trailing;
            (words[..split].join(" "), words[split..].to_vec())
        }
    };
    let mut key: String = surname
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    for part in given {
        for piece in part.split(['.', '-']) {
            if let Some(first) = piece.chars().find(|c| c.is_alphanumeric()) {
                key.extend(first.to_lowercase());
            }
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(short: &str, full: &str) -> Vec<AuthorName> {
        read_authors(Some(short), Some(full), None)
    }

    #[test]
    fn reads_author_columns() {
        let a = read_authors(
            Some("Parise O.; Kronenberger R."),
            Some("Parise, Orlando (6603398373); Kronenberger, Rani (57315847100)"),
            Some("6603398373; 57315847100"),
        );
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].display(), Some("Parise, Orlando"));
        assert_eq!(a[1].scopus_id.as_deref(), Some("57315847100"));
        let old = read_authors(Some("Parise O.; Kronenberger R."), None, Some("1; 2"));
        assert_eq!(old[1].display(), Some("Kronenberger R."));
        assert_eq!(old[1].scopus_id.as_deref(), Some("2"));
        assert!(read_authors(Some("[No author name available]"), None, None).is_empty());
    }

    #[test]
    fn splits_authors_with_affiliations_on_known_entries() {
        let authors = names("Smith J.; Doe A.", "Smith, John (1); Doe, Ann (2)");
        let known: HashSet<&str> = [
            "Dept X, Univ A, Oxford, United Kingdom",
            "Lab Y, Inst B, Paris, France",
        ]
        .into();
        let text = "Smith J., Dept X, Univ A, Oxford, United Kingdom, Lab Y, Inst B, Paris, France; \
                    Doe A., Lab Y, Inst B, Paris, France";
        let by = addresses_by_author(text, &authors, &known);
        assert_eq!(
            by,
            vec![
                vec![
                    "Dept X, Univ A, Oxford, United Kingdom".to_string(),
                    "Lab Y, Inst B, Paris, France".to_string()
                ],
                vec!["Lab Y, Inst B, Paris, France".to_string()]
            ]
        );
    }

    #[test]
    fn newer_layout_uses_full_names_and_semicolons_inside_addresses_stay() {
        let authors = names("Wu, H.; Cui, H.", "Wu, Haowei (5); Cui, Hui Ling (6)");
        let text = "Wu, Haowei, A Lab; B Centre, Beijing, China; Cui, Hui Ling";
        let by = addresses_by_author(text, &authors, &HashSet::new());
        assert_eq!(by[0], vec!["A Lab, B Centre, Beijing, China".to_string()]);
        assert!(by[1].is_empty());
    }

    #[test]
    fn falls_back_to_country_boundaries() {
        let split = split_addresses(
            "Univ A, Sydney, NSW, Australia;, Baylor College of Medicine, Houston, TX, United States, ",
            &HashSet::new(),
        );
        assert_eq!(
            split,
            vec![
                "Univ A, Sydney, NSW, Australia".to_string(),
                "Baylor College of Medicine, Houston, TX, United States".to_string()
            ]
        );
    }

    #[test]
    fn name_keys_agree_across_spellings() {
        assert_eq!(name_key("Parise O."), name_key("O. Parise"));
        assert_eq!(name_key("de Asmundis C."), name_key("C. de Asmundis"));
        assert_eq!(name_key("Wu, H."), name_key("H. Wu"));
        assert_eq!(name_key("Rao S.K."), name_key("S.K. Rao"));
        assert_ne!(name_key("Wu, H."), name_key("Wu, K."));
    }
}
