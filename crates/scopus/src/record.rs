//! One Scopus CSV row → one [`Work`].

use crate::address::{ResolverSession, unescape_html};
use crate::authors::{AuthorName, addresses_by_author, name_key, read_authors};
use std::collections::HashSet;
use tandem_model::{
    Authorship, Institution, Keyword, SourceKind, Work, WorkId, map_work_type, normalize_doi,
};

/// Where each column of interest sits in this export's header.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    pub authors: Option<usize>,
    pub full_names: Option<usize>,
    pub author_ids: Option<usize>,
    pub title: usize,
    pub year: Option<usize>,
    pub source_title: Option<usize>,
    pub cited_by: Option<usize>,
    pub doi: Option<usize>,
    pub affiliations: Option<usize>,
    pub authors_with_affiliations: Option<usize>,
    pub author_keywords: Option<usize>,
    pub correspondence: Option<usize>,
    pub language: Option<usize>,
    pub document_type: Option<usize>,
    pub eid: Option<usize>,
}

/// Why a header is not a Scopus export's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "not a Scopus CSV export: the header has no {missing:?} column; expected Scopus's header \
     (Authors, Author full names, Author(s) ID, Title, Year, Source title, ..., DOI, ..., Affiliations, \
     Authors with affiliations, ..., Document Type, ..., EID), found {found:?}"
)]
pub struct HeaderError {
    pub missing: &'static str,
    pub found: Vec<String>,
}

impl Columns {
    /// Finds the columns by name (case and a byte order mark ignored). `Title` and one author column
    /// are required; the rest are used when present, so both the current layout and the older one
    /// without `Author full names` are read.
    pub fn from_header<'a>(
        header: impl IntoIterator<Item = &'a str>,
    ) -> Result<Columns, HeaderError> {
        let names: Vec<String> = header
            .into_iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase())
            .collect();
        let find = |wanted: &[&str]| names.iter().position(|n| wanted.iter().any(|w| n == w));
        let title = find(&["title"]).ok_or_else(|| HeaderError {
            missing: "Title",
            found: names.clone(),
        })?;
        let columns = Columns {
            authors: find(&["authors", "author"]),
            full_names: find(&["author full names"]),
            author_ids: find(&["author(s) id", "author(s) ids", "author ids"]),
            title,
            year: find(&["year"]),
            source_title: find(&["source title"]),
            cited_by: find(&["cited by"]),
            doi: find(&["doi"]),
            affiliations: find(&["affiliations"]),
            authors_with_affiliations: find(&["authors with affiliations"]),
            author_keywords: find(&["author keywords"]),
            correspondence: find(&["correspondence address"]),
            language: find(&["language of original document"]),
            document_type: find(&["document type"]),
            eid: find(&["eid"]),
        };
        if columns.authors.is_none()
            && columns.full_names.is_none()
            && columns.authors_with_affiliations.is_none()
        {
            return Err(HeaderError {
                missing: "Authors",
                found: names,
            });
        }
        Ok(columns)
    }
}

fn field(row: &csv::StringRecord, column: Option<usize>) -> Option<&str> {
    column
        .and_then(|c| row.get(c))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A work and the registry institutions it names (each once per reading session).
pub struct ParsedRecord {
    pub work: Work,
    pub institutions: Vec<Institution>,
}

/// Turns one row into a work. `Err` is the reason the record is rejected.
pub fn parse_row(
    columns: &Columns,
    row: &csv::StringRecord,
    session: &mut ResolverSession<'_>,
) -> Result<ParsedRecord, String> {
    let doi = field(row, columns.doi).and_then(normalize_doi);
    let eid = field(row, columns.eid);
    let source_key = match (eid, &doi) {
        (Some(eid), _) => eid.to_string(),
        (None, Some(doi)) => format!("doi:{doi}"),
        (None, None) => {
            return Err(
                "the record has no EID and no DOI, so it cannot be told apart from others; expected a \
                 Scopus EID such as 2-s2.0-85210137108 in the EID column"
                    .into(),
            );
        }
    };
    let publication_year = match field(row, columns.year) {
        None => None,
        Some(text) => match text.parse::<i32>() {
            Ok(year) if (1000..=2999).contains(&year) => Some(year),
            _ => {
                return Err(format!(
                    "Year is {text:?}; expected a four-digit year such as 2024"
                ));
            }
        },
    };
    let cited_by_count = match field(row, columns.cited_by) {
        None => None,
        Some(text) => Some(
            text.parse::<i64>()
                .map_err(|_| format!("Cited by is {text:?}; expected a whole number"))?,
        ),
    };
    let original_type = field(row, columns.document_type).map(str::to_string);

    let authors = read_authors(
        field(row, columns.authors)
            .map(|s| unescape_html(s).into_owned())
            .as_deref(),
        field(row, columns.full_names),
        field(row, columns.author_ids),
    );
    let affiliations_text = field(row, columns.affiliations).map(unescape_html);
    let affiliations: Vec<&str> = affiliations_text
        .as_deref()
        .map(|t| {
            t.split("; ")
                .map(|s| s.trim().trim_end_matches(';').trim())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let known: HashSet<&str> = affiliations.iter().copied().collect();
    let mut by_author: Vec<Vec<String>> =
        match field(row, columns.authors_with_affiliations).map(unescape_html) {
            Some(text) => addresses_by_author(&text, &authors, &known),
            None => vec![Vec::new(); authors.len()],
        };
    // Entries of `Affiliations` that no author carries: the export says they belong to the work, so
    // they go to the authors without an address (all authors when the export has no
    // `Authors with affiliations`), or to an unnamed authorship when every author has one.
    let linked: HashSet<&str> = by_author.iter().flatten().map(String::as_str).collect();
    let unlinked: Vec<String> = affiliations
        .iter()
        .filter(|a| !linked.contains(**a))
        .map(|a| a.to_string())
        .collect();
    let mut authors = authors;
    if !unlinked.is_empty() {
        let bare: Vec<usize> = (0..by_author.len())
            .filter(|&i| by_author[i].is_empty())
            .collect();
        if bare.is_empty() {
            authors.push(AuthorName::default());
            by_author.push(unlinked);
        } else {
            for i in bare {
                by_author[i] = unlinked.clone();
            }
        }
    }

    let corresponding = field(row, columns.correspondence)
        .and_then(|c| c.split(';').next())
        .map(name_key)
        .filter(|k| !k.is_empty());

    let places = session.resolve_record(by_author.iter().flatten());
    let n = authors.len();
    let authorships: Vec<Authorship> = authors
        .iter()
        .zip(&by_author)
        .enumerate()
        .map(|(i, (author, addresses))| {
            let (countries, institutions) = places.places(addresses);
            let is_corresponding = corresponding.as_ref().map(|key| {
                author
                    .short
                    .as_deref()
                    .or(author.full.as_deref())
                    .is_some_and(|name| name_key(name) == *key)
            });
            Authorship {
                index: i as i32,
                position: Some(position(i, n).to_string()),
                author_id: author.scopus_id.as_ref().map(|id| format!("scopus:{id}")),
                author_name: author.display().map(str::to_string),
                orcid: None,
                is_corresponding,
                countries,
                institutions,
                raw_affiliations: addresses.clone(),
            }
        })
        .collect();

    let keywords = field(row, columns.author_keywords)
        .map(|k| {
            k.split(';')
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
        id: WorkId::from_external(SourceKind::Scopus.as_str(), &source_key, doi.as_deref()),
        source: Some(SourceKind::Scopus),
        source_key,
        doi,
        title: field(row, Some(columns.title)).map(str::to_string),
        publication_year,
        publication_date: None,
        work_type: original_type.as_deref().map(map_work_type),
        is_retracted: original_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("retracted")),
        original_type,
        is_paratext: false,
        cited_by_count,
        fwci: None,
        updated_date: None,
        language: field(row, columns.language).map(str::to_string),
        venue_id: None,
        venue_name: field(row, columns.source_title).map(str::to_string),
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

fn position(i: usize, n: usize) -> &'static str {
    if i == 0 {
        "first"
    } else if i + 1 == n {
        "last"
    } else {
        "middle"
    }
}
