//! Turning "these institutions, these years" into the fewest OpenAlex filter queries.

use crate::PullError;
use crate::client::{ApiClient, CallKind};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tandem_model::normalize_ror;

/// OpenAlex accepts at most this many values in one OR filter (`a|b|c`).
pub const MAX_OR_VALUES: usize = 100;

/// The fields of a work the store reads (see `tandem_openalex`'s reader). Asking only for these keeps
/// pages small; the store's output is the same as from full records.
pub const WORK_SELECT: &[&str] = &[
    "id",
    "doi",
    "title",
    "display_name",
    "publication_year",
    "publication_date",
    "language",
    "type",
    "type_crossref",
    "is_paratext",
    "is_retracted",
    "cited_by_count",
    "fwci",
    "updated_date",
    "primary_location",
    "primary_topic",
    "topics",
    "keywords",
    "concepts",
    "authorships",
    "countries_distinct_count",
];

/// What to pull.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// Works that count for these institutions (ROR ids) under DESIGN.md: any authorship institution
    /// whose lineage holds one of them.
    Institutions(Vec<String>),
    /// A raw OpenAlex works filter, used as given.
    Filter(String),
}

/// A span of publication years, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearRange {
    pub from: i32,
    pub to: i32,
}

impl YearRange {
    /// Parses `2023` or `2019-2023`.
    pub fn parse(text: &str) -> Result<YearRange, PullError> {
        let bad = || {
            PullError::BadArgument(format!(
                "--years {text}: expected a year (2023) or a range (2019-2023)"
            ))
        };
        let year = |s: &str| -> Result<i32, PullError> {
            let s = s.trim();
            if s.len() != 4 {
                return Err(bad());
            }
            s.parse().map_err(|_| bad())
        };
        let (from, to) = match text.split_once('-') {
            Some((a, b)) => (year(a)?, year(b)?),
            None => (year(text)?, year(text)?),
        };
        if from > to {
            return Err(PullError::BadArgument(format!(
                "--years {text}: the range runs backwards"
            )));
        }
        Ok(YearRange { from, to })
    }

    /// The OpenAlex filter clause.
    pub fn filter(&self) -> String {
        if self.from == self.to {
            format!("publication_year:{}", self.from)
        } else {
            format!("publication_year:{}-{}", self.from, self.to)
        }
    }
}

/// A member institution as OpenAlex knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolvedInstitution {
    /// Bare ROR id, e.g. `052gg0110`.
    pub ror: String,
    /// OpenAlex id, e.g. `I40120149`.
    pub openalex_id: String,
    pub name: Option<String>,
}

/// One filter query of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedQuery {
    /// Stable id: the same filter, fields and page size always get the same id, which is what lets a pull
    /// resume. Also the query's folder name under `STORE/pull/`.
    pub id: String,
    /// The OpenAlex works filter.
    pub filter: String,
    /// For people: what the query is.
    pub label: String,
}

impl PlannedQuery {
    pub fn new(filter: String, label: String, select: &[&str], per_page: u32) -> PlannedQuery {
        let mut hash = Sha256::new();
        hash.update(filter.as_bytes());
        hash.update([0]);
        hash.update(select.join(",").as_bytes());
        hash.update([0]);
        hash.update(per_page.to_le_bytes());
        let id = format!("q-{}", &hex::encode(hash.finalize())[..16]);
        PlannedQuery { id, filter, label }
    }
}

/// The queries of a pull and how its institutions resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub queries: Vec<PlannedQuery>,
    pub resolved: Vec<ResolvedInstitution>,
    /// ROR ids OpenAlex does not know; their works cannot be pulled.
    pub unresolved: Vec<String>,
}

/// Normalises ROR ids, rejecting anything that is not one.
pub fn normalize_rors(rors: &[String]) -> Result<Vec<String>, PullError> {
    let mut out = Vec::new();
    for ror in rors {
        let id = normalize_ror(ror).ok_or_else(|| {
            PullError::BadArgument(format!(
                "{ror:?} is not a ROR id (expected e.g. https://ror.org/052gg0110 or 052gg0110)"
            ))
        })?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

/// One query per block of up to 100 institutions, on `authorships.institutions.lineage` so that works
/// credited only to a member's child institutions (a college of Oxford) are fetched too.
pub fn lineage_queries(
    openalex_ids: &[String],
    years: Option<YearRange>,
    select: &[&str],
    per_page: u32,
) -> Vec<PlannedQuery> {
    let mut ids: Vec<String> = openalex_ids
        .iter()
        .map(|id| short_openalex_id(id))
        .collect();
    ids.sort();
    ids.dedup();
    let blocks = ids.len().div_ceil(MAX_OR_VALUES);
    ids.chunks(MAX_OR_VALUES)
        .enumerate()
        .map(|(i, block)| {
            let mut filter = format!("authorships.institutions.lineage:{}", block.join("|"));
            if let Some(years) = years {
                filter.push(',');
                filter.push_str(&years.filter());
            }
            let mut label = format!(
                "{} institution{}",
                block.len(),
                if block.len() == 1 { "" } else { "s" }
            );
            if blocks > 1 {
                label = format!("block {} of {blocks}: {label}", i + 1);
            }
            if let Some(years) = years {
                label.push_str(&format!(", {}-{}", years.from, years.to));
            }
            PlannedQuery::new(filter, label, select, per_page)
        })
        .collect()
}

/// `https://openalex.org/I123` → `I123`.
pub fn short_openalex_id(id: &str) -> String {
    id.trim()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(id)
        .to_string()
}

#[derive(Deserialize)]
struct InstitutionPage {
    results: Vec<InstitutionRecord>,
}

#[derive(Deserialize)]
struct InstitutionRecord {
    id: Option<String>,
    ror: Option<String>,
    display_name: Option<String>,
}

/// Looks up the OpenAlex ids of ROR ids with `/institutions?filter=ror:...`, 100 at a time.
pub async fn resolve_institutions(
    client: &ApiClient,
    rors: &[String],
) -> Result<(Vec<ResolvedInstitution>, Vec<String>), PullError> {
    let mut resolved = Vec::new();
    for block in rors.chunks(MAX_OR_VALUES) {
        let filter = format!(
            "ror:{}",
            block
                .iter()
                .map(|r| format!("https://ror.org/{r}"))
                .collect::<Vec<_>>()
                .join("|")
        );
        let (_, page) = client
            .get(
                "institutions",
                &[
                    ("filter", filter.as_str()),
                    ("per_page", "200"),
                    ("select", "id,ror,display_name"),
                ],
                CallKind::List,
                |body| serde_json::from_slice::<InstitutionPage>(body).map_err(|e| e.to_string()),
            )
            .await?;
        for record in page.results {
            let (Some(id), Some(ror)) = (record.id, record.ror.as_deref().and_then(normalize_ror))
            else {
                continue;
            };
            if block.contains(&ror) && !resolved.iter().any(|r: &ResolvedInstitution| r.ror == ror)
            {
                resolved.push(ResolvedInstitution {
                    ror,
                    openalex_id: short_openalex_id(&id),
                    name: record.display_name,
                });
            }
        }
    }
    let unresolved = rors
        .iter()
        .filter(|r| !resolved.iter().any(|x| &x.ror == *r))
        .cloned()
        .collect();
    Ok((resolved, unresolved))
}

/// Builds the plan for a target: resolves institutions (list calls) and forms the queries.
pub async fn plan(
    client: &ApiClient,
    target: &Target,
    years: Option<YearRange>,
    select: &[&str],
    per_page: u32,
) -> Result<Plan, PullError> {
    match target {
        Target::Filter(filter) => {
            let filter = filter.trim();
            if filter.is_empty() {
                return Err(PullError::BadArgument("--filter is empty".into()));
            }
            let mut full = filter.to_string();
            if let Some(years) = years {
                full.push(',');
                full.push_str(&years.filter());
            }
            let label = format!("filter {full}");
            Ok(Plan {
                queries: vec![PlannedQuery::new(full, label, select, per_page)],
                resolved: vec![],
                unresolved: vec![],
            })
        }
        Target::Institutions(rors) => {
            let rors = normalize_rors(rors)?;
            if rors.is_empty() {
                return Err(PullError::BadArgument("no institutions to pull".into()));
            }
            let (resolved, unresolved) = resolve_institutions(client, &rors).await?;
            if resolved.is_empty() {
                return Err(PullError::NothingToPull(rors.len()));
            }
            let ids: Vec<String> = resolved.iter().map(|r| r.openalex_id.clone()).collect();
            Ok(Plan {
                queries: lineage_queries(&ids, years, select, per_page),
                resolved,
                unresolved,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_years() {
        assert_eq!(
            YearRange::parse("2023").unwrap(),
            YearRange {
                from: 2023,
                to: 2023
            }
        );
        assert_eq!(
            YearRange::parse("2019-2023").unwrap().filter(),
            "publication_year:2019-2023"
        );
        assert_eq!(
            YearRange::parse("2023").unwrap().filter(),
            "publication_year:2023"
        );
        assert!(YearRange::parse("2023-2019").is_err());
        assert!(YearRange::parse("23").is_err());
        assert!(YearRange::parse("twenty").is_err());
    }

    #[test]
    fn combines_up_to_100_members_per_query_on_lineage() {
        let ids: Vec<String> = (1..=230)
            .map(|i| format!("https://openalex.org/I{i}"))
            .collect();
        let years = Some(YearRange {
            from: 2019,
            to: 2023,
        });
        let queries = lineage_queries(&ids, years, WORK_SELECT, 200);
        assert_eq!(queries.len(), 3);
        let counts: Vec<usize> = queries
            .iter()
            .map(|q| q.filter.split(',').next().unwrap().split('|').count())
            .collect();
        assert_eq!(counts, vec![100, 100, 30]);
        for q in &queries {
            assert!(
                q.filter.starts_with("authorships.institutions.lineage:I"),
                "{}",
                q.filter
            );
            assert!(q.filter.ends_with(",publication_year:2019-2023"));
            assert!(!q.filter.contains("ror"), "must not filter on ROR alone");
        }
        let again = lineage_queries(&ids, years, WORK_SELECT, 200);
        assert_eq!(queries, again, "query ids are stable, so pulls can resume");
        let other_years = lineage_queries(
            &ids,
            Some(YearRange {
                from: 2020,
                to: 2023,
            }),
            WORK_SELECT,
            200,
        );
        assert_ne!(queries[0].id, other_years[0].id);
        assert_ne!(
            queries[0].id,
            lineage_queries(&ids, years, WORK_SELECT, 100)[0].id
        );
    }

    #[test]
    fn one_small_group_is_one_query() {
        let ids = vec!["I2".to_string(), "I1".to_string(), "I2".to_string()];
        let queries = lineage_queries(&ids, None, WORK_SELECT, 200);
        assert_eq!(queries.len(), 1);
        assert_eq!(queries[0].filter, "authorships.institutions.lineage:I1|I2");
    }

    #[test]
    fn normalizes_and_rejects_ror_ids() {
        let ok = normalize_rors(&[
            "https://ror.org/052gg0110".into(),
            "052GG0110".into(),
            "013meh722".into(),
        ])
        .unwrap();
        assert_eq!(ok, vec!["052gg0110".to_string(), "013meh722".to_string()]);
        let err = normalize_rors(&["Oxford".into()]).unwrap_err().to_string();
        assert!(err.contains("\"Oxford\" is not a ROR id"), "{err}");
    }
}
