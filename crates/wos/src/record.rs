//! One Web of Science record → one [`Work`].

use crate::tagged::TaggedRecord;
use tandem_model::{
    Authorship, Institution, Keyword, SourceKind, Work, WorkId, map_work_type, normalize_doi,
};
use tandem_scopus::address::ResolverSession;

/// A work and the registry institutions it names for the first time in this session.
pub struct ParsedRecord {
    pub work: Work,
    pub institutions: Vec<Institution>,
}

/// Letters and digits only, lowercase: how author names are compared.
fn name_letters(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

struct Author {
    short: Option<String>,
    full: Option<String>,
}

impl Author {
    fn display(&self) -> Option<&str> {
        self.full.as_deref().or(self.short.as_deref())
    }
}

/// Finds an author by a name as `C1` brackets, `RP` or `OI` write it: the full name (AF), else the short
/// one (AU), else a unique surname-and-initials match.
fn find_author(authors: &[Author], name: &str) -> Option<usize> {
    find_authors(authors, name).first().copied()
}

/// Every author `name` may be, in file order: those whose full name (AF) matches, else those whose
/// short name (AU) matches, else the one surname-and-initials match. Several when a record lists two
/// authors under one name.
fn find_authors(authors: &[Author], name: &str) -> Vec<usize> {
    let key = name_letters(name);
    if key.is_empty() {
        return Vec::new();
    }
    let exact = |pick: fn(&Author) -> Option<&str>| -> Vec<usize> {
        (0..authors.len())
            .filter(|&i| pick(&authors[i]).is_some_and(|n| name_letters(n) == key))
            .collect()
    };
    let full = exact(|a| a.full.as_deref());
    if !full.is_empty() {
        return full;
    }
    let short = exact(|a| a.short.as_deref());
    if !short.is_empty() {
        return short;
    }
    let loose = tandem_scopus::name_key(name);
    let hits: Vec<usize> = (0..authors.len())
        .filter(|&i| {
            authors[i]
                .display()
                .is_some_and(|n| tandem_scopus::name_key(n) == loose)
        })
        .collect();
    if hits.len() == 1 { hits } else { Vec::new() }
}

/// `[Smith, J; Doe, A] Univ A, Oxford, England.` → (names, address without the final full stop).
fn split_c1(item: &str) -> (Vec<String>, String) {
    let item = item.trim();
    let (names, address) = match item.strip_prefix('[').and_then(|rest| rest.split_once(']')) {
        Some((names, address)) => (
            names
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            address,
        ),
        None => (Vec::new(), item),
    };
    (names, clean_address(address))
}

fn clean_address(address: &str) -> String {
    address
        .trim()
        .trim_end_matches(['.', ';'])
        .trim()
        .to_string()
}

/// `RP`: `Smith, J (corresponding author), Univ A, Oxford, England.; Doe, A (corresponding author), ...`
/// → each corresponding author's name and address.
fn corresponding(rp: &str) -> Vec<(String, Option<String>)> {
    const MARK: &str = "(corresponding author)";
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for piece in rp.split("; ") {
        match piece.split_once(MARK) {
            Some((name, rest)) => {
                let address = clean_address(rest.trim_start_matches([',', ' ']));
                out.push((
                    name.trim().to_string(),
                    (!address.is_empty()).then_some(address),
                ));
            }
            None => {
                // A `;` inside an address: it continues the previous entry.
                if let Some((_, Some(address))) = out.last_mut() {
                    address.push_str("; ");
                    address.push_str(&clean_address(piece));
                }
            }
        }
    }
    out
}

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// `PD` (`NOV 7`, `2024 NOV 7`) with the year → `2024-11-07`, when it names a month and a day.
fn publication_date(pd: &str, year: i32) -> Option<String> {
    let mut month = None;
    let mut day = None;
    for token in pd.split_whitespace() {
        let upper = token.to_ascii_uppercase();
        if let Some(m) = MONTHS.iter().position(|m| upper.starts_with(m)) {
            month = Some(m + 1);
        } else if token.len() <= 2
            && let Ok(d) = token.parse::<u32>()
            && (1..=31).contains(&d)
        {
            day = Some(d);
        }
    }
    Some(format!("{year:04}-{:02}-{:02}", month?, day?))
}

/// The last four-digit number in a text (`EA NOV 2024` → 2024).
fn last_year(text: &str) -> Option<i32> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|t| t.len() == 4)
        .filter_map(|t| t.parse().ok())
        .next_back()
}

/// Turns one record into a work. `Err` is the reason the record is rejected.
pub fn parse_record(
    record: &TaggedRecord,
    session: &mut ResolverSession<'_>,
) -> Result<ParsedRecord, String> {
    let doi = record.text("DI").as_deref().and_then(normalize_doi);
    let source_key = match (record.text("UT"), &doi) {
        (Some(ut), _) => ut,
        (None, Some(doi)) => format!("doi:{doi}"),
        (None, None) => {
            return Err(
                "the record has no UT (accession number) and no DI (DOI), so it cannot be told apart \
                 from others; expected a line such as `UT WOS:001350893300002`"
                    .into(),
            );
        }
    };
    let publication_year = match record.text("PY") {
        Some(text) => match text.parse::<i32>() {
            Ok(year) if (1000..=2999).contains(&year) => Some(year),
            _ => {
                return Err(format!(
                    "PY is {text:?}; expected a four-digit year such as 2024"
                ));
            }
        },
        // Early-access records may carry only the early-access date.
        None => record.text("EA").as_deref().and_then(last_year),
    };
    let cited_by_count = match record.text("TC") {
        None => None,
        Some(text) => Some(
            text.parse::<i64>()
                .map_err(|_| format!("TC is {text:?}; expected a whole number of citations"))?,
        ),
    };

    let short = record.items("AU");
    let full = record.items("AF");
    let mut authors: Vec<Author> = (0..short.len().max(full.len()))
        .map(|i| Author {
            short: short.get(i).cloned(),
            full: full.get(i).cloned(),
        })
        .collect();
    let mut by_author: Vec<Vec<String>> = vec![Vec::new(); authors.len()];
    let mut unlinked: Vec<String> = Vec::new();
    let push_unique = |list: &mut Vec<String>, address: String| {
        if !address.is_empty() && !list.contains(&address) {
            list.push(address);
        }
    };
    for item in record.items("C1") {
        let (names, address) = split_c1(item);
        if names.is_empty() {
            push_unique(&mut unlinked, address);
            continue;
        }
        // A name given twice in one bracket is two authors of that name (records list the same
        // person twice, `[Strawn, George; Strawn, George]`): each takes the next one.
        let mut taken: Vec<usize> = Vec::new();
        for name in names {
            let candidates = find_authors(&authors, &name);
            let next = candidates
                .iter()
                .find(|i| !taken.contains(i))
                .or(candidates.first());
            let index = match next {
                Some(&i) => i,
                None => {
                    // A name in brackets that is not in AU/AF (a group author): kept as its own author.
                    authors.push(Author {
                        short: None,
                        full: Some(name),
                    });
                    by_author.push(Vec::new());
                    authors.len() - 1
                }
            };
            taken.push(index);
            push_unique(&mut by_author[index], address.clone());
        }
    }
    let reprint = record
        .text("RP")
        .map(|rp| corresponding(&rp))
        .unwrap_or_default();
    let mut is_corresponding = vec![false; authors.len()];
    let has_c1 = !record.items("C1").is_empty();
    for (name, address) in &reprint {
        match find_author(&authors, name) {
            Some(i) => {
                is_corresponding[i] = true;
                // Without C1, the reprint address is the only address the record gives.
                if !has_c1 && let Some(address) = address {
                    push_unique(&mut by_author[i], address.clone());
                }
            }
            None => {
                if !has_c1 && let Some(address) = address {
                    push_unique(&mut unlinked, address.clone());
                }
            }
        }
    }
    // Addresses not tied to an author go to the authors without one (all of them, for records
    // whose C1 has no author brackets), or to an unnamed authorship when every author has one.
    if !unlinked.is_empty() {
        let bare: Vec<usize> = (0..authors.len())
            .filter(|&i| by_author[i].is_empty())
            .collect();
        if bare.is_empty() {
            authors.push(Author {
                short: None,
                full: None,
            });
            by_author.push(unlinked);
            is_corresponding.push(false);
        } else {
            for i in bare {
                by_author[i] = unlinked.clone();
            }
        }
    }
    let mut orcids: Vec<Option<String>> = vec![None; authors.len()];
    if let Some(oi) = record.text("OI") {
        for entry in oi.split(';') {
            if let Some((name, orcid)) = entry.trim().rsplit_once('/')
                && let Some(i) = find_author(&authors, name)
            {
                orcids[i] = Some(format!("https://orcid.org/{}", orcid.trim()));
            }
        }
    }

    let places = session.resolve_record(by_author.iter().flatten());
    let n = authors.len();
    let authorships = authors
        .iter()
        .zip(&by_author)
        .enumerate()
        .map(|(i, (author, addresses))| {
            let (countries, institutions) = places.places(addresses);
            Authorship {
                index: i as i32,
                position: Some(
                    if i == 0 {
                        "first"
                    } else if i + 1 == n {
                        "last"
                    } else {
                        "middle"
                    }
                    .to_string(),
                ),
                author_id: None,
                author_name: author.display().map(str::to_string),
                orcid: orcids[i].clone(),
                is_corresponding: (!reprint.is_empty()).then_some(is_corresponding[i]),
                countries,
                institutions,
                raw_affiliations: addresses.clone(),
            }
        })
        .collect();

    let original_type = record.text("DT");
    // "Article; Early Access" is an article; the first document type decides.
    let work_type = original_type
        .as_deref()
        .map(|t| map_work_type(t.split(';').next().unwrap_or(t)));
    let keywords = record
        .text("DE")
        .map(|de| {
            de.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|name| Keyword {
                    id: None,
                    name: name.to_string(),
                    score: None,
                    level: None,
                })
                .collect()
        })
        .unwrap_or_default();
    let work = Work {
        id: WorkId::from_external(SourceKind::Wos.as_str(), &source_key, doi.as_deref()),
        source: Some(SourceKind::Wos),
        source_key,
        doi,
        title: record.text("TI"),
        publication_date: match (record.text("PD"), publication_year) {
            (Some(pd), Some(year)) => publication_date(&pd, year),
            _ => None,
        },
        publication_year,
        work_type,
        is_retracted: original_type
            .as_deref()
            .is_some_and(|t| t.contains("Retracted Publication")),
        original_type,
        is_paratext: false,
        cited_by_count,
        fwci: None,
        updated_date: None,
        language: record.text("LA"),
        venue_id: None,
        venue_name: record.text("SO"),
        primary_topic: None,
        topics: Vec::new(),
        keywords,
        concepts: Vec::new(),
        authorships,
        is_authors_truncated: false,
        countries_distinct_count: None,
    };
    Ok(ParsedRecord {
        work,
        institutions: places.new_institutions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_c1_rp_and_dates() {
        assert_eq!(
            split_c1("[Smith, J; Doe, A] Univ A, Oxford OX1 3PU, England."),
            (
                vec!["Smith, J".to_string(), "Doe, A".to_string()],
                "Univ A, Oxford OX1 3PU, England".to_string()
            )
        );
        assert_eq!(
            split_c1("Deakin Univ, Burwood, Vic, Australia."),
            (
                Vec::new(),
                "Deakin Univ, Burwood, Vic, Australia".to_string()
            )
        );
        assert_eq!(
            corresponding(
                "Cervantes, J (corresponding author), Nova Univ, FL 33328 USA.; Cervantes, J (corresponding author), Other, USA."
            ),
            vec![
                (
                    "Cervantes, J".to_string(),
                    Some("Nova Univ, FL 33328 USA".to_string())
                ),
                ("Cervantes, J".to_string(), Some("Other, USA".to_string()))
            ]
        );
        assert_eq!(
            publication_date("2024 NOV 7", 2024).as_deref(),
            Some("2024-11-07")
        );
        assert_eq!(publication_date("NOV", 2024), None);
        assert_eq!(last_year("NOV 2024"), Some(2024));
    }
}
