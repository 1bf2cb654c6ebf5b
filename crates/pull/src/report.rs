//! Expected against received, per query: every difference is explained or reported as an error.

use crate::PullError;
use crate::fetch::SavedQuery;
use crate::plan::short_openalex_id;
use crate::state::read_gzip;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// How a query's received works compare with what OpenAlex said it would return.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", content = "detail", rename_all = "lowercase")]
pub enum Verdict {
    /// Every expected work arrived.
    Exact,
    /// The numbers differ for a stated, harmless reason.
    Explained(String),
    /// Works are missing: an error.
    Short(String),
    /// The query has not finished; run the pull again.
    Incomplete(String),
}

/// One line of the end-of-pull report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryReport {
    pub query_id: String,
    pub label: String,
    pub filter: String,
    /// `meta.count` when paging started.
    pub expected: u64,
    /// `meta.count` on the last page.
    pub latest_count: u64,
    /// Work records in the saved pages.
    pub records: u64,
    /// Distinct work ids among them.
    pub distinct_works: u64,
    pub pages: u32,
    /// Works whose author lists were truncated, and how many of those were re-fetched in full.
    pub truncated_authors: u64,
    pub refetched: u64,
    pub verdict: Verdict,
}

impl QueryReport {
    pub fn is_error(&self) -> bool {
        matches!(self.verdict, Verdict::Short(_) | Verdict::Incomplete(_))
    }
}

/// The whole pull's report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PullReport {
    pub queries: Vec<QueryReport>,
    /// Distinct works over all queries: a work found by two queries counts (and is stored) once.
    pub distinct_works: u64,
}

impl PullReport {
    pub fn errors(&self) -> Vec<&QueryReport> {
        self.queries.iter().filter(|q| q.is_error()).collect()
    }
}

#[derive(Deserialize)]
struct IdsOnly {
    results: Vec<IdOnly>,
}

#[derive(Deserialize)]
struct IdOnly {
    #[serde(default)]
    id: Option<String>,
}

/// Compares, for each query, `meta.count` with the distinct works in its saved pages.
pub fn reconcile(saved: &[SavedQuery]) -> Result<PullReport, PullError> {
    let mut all = HashSet::new();
    let mut queries = Vec::new();
    for q in saved {
        let mut ids = HashSet::new();
        let mut records = 0u64;
        let mut with_id = 0u64;
        for page in &q.pages {
            let bytes = read_gzip(page)?;
            let parsed: IdsOnly =
                serde_json::from_slice(&bytes).map_err(|e| PullError::Checkpoint {
                    path: page.clone(),
                    message: format!("saved page does not parse: {e}"),
                })?;
            for work in parsed.results {
                records += 1;
                if let Some(id) = work.id {
                    with_id += 1;
                    ids.insert(short_openalex_id(&id));
                }
            }
        }
        let cp = &q.checkpoint;
        let expected = cp.expected_count.unwrap_or(0);
        let latest = cp.latest_count.unwrap_or(expected);
        let distinct = ids.len() as u64;
        let duplicates = with_id - distinct;
        let pending = cp
            .truncated
            .iter()
            .filter(|id| !cp.refetched.contains(id))
            .count();
        let verdict = if !cp.paging_done {
            Verdict::Incomplete(format!(
                "stopped after page {}; run the pull again to resume",
                cp.pages
            ))
        } else if pending > 0 {
            Verdict::Incomplete(format!(
                "{pending} truncated-author works not yet fetched in full"
            ))
        } else {
            let mut notes = Vec::new();
            if duplicates > 0 {
                notes.push(format!(
                    "{duplicates} records repeated across pages, stored once"
                ));
            }
            if distinct == expected {
                if notes.is_empty() {
                    Verdict::Exact
                } else {
                    Verdict::Explained(notes.join("; "))
                }
            } else if distinct == latest {
                notes.insert(
                    0,
                    format!("OpenAlex's count changed from {expected} to {latest} while paging"),
                );
                Verdict::Explained(notes.join("; "))
            } else if distinct > expected.max(latest) {
                notes.insert(
                    0,
                    format!(
                        "{} more works than counted: added to OpenAlex while paging",
                        distinct - expected.max(latest)
                    ),
                );
                Verdict::Explained(notes.join("; "))
            } else {
                Verdict::Short(format!(
                    "received {distinct} distinct works, OpenAlex counted {expected}{}: {} missing",
                    if latest != expected {
                        format!(" (then {latest})")
                    } else {
                        String::new()
                    },
                    expected.min(latest) - distinct
                ))
            }
        };
        all.extend(ids);
        queries.push(QueryReport {
            query_id: q.query.id.clone(),
            label: q.query.label.clone(),
            filter: q.query.filter.clone(),
            expected,
            latest_count: latest,
            records,
            distinct_works: distinct,
            pages: cp.pages,
            truncated_authors: cp.truncated.len() as u64,
            refetched: cp.refetched.len() as u64,
            verdict,
        });
    }
    Ok(PullReport {
        queries,
        distinct_works: all.len() as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::PlannedQuery;
    use crate::state::{Checkpoint, write_gzip_atomically};

    fn saved(dir: &std::path::Path, pages: &[&[&str]], expected: u64, latest: u64) -> SavedQuery {
        let query = PlannedQuery::new("publication_year:2023".into(), "test".into(), &["id"], 200);
        let mut cp = Checkpoint::new(&query.id, &query.filter, &["id"], 200);
        cp.expected_count = Some(expected);
        cp.latest_count = Some(latest);
        cp.paging_done = true;
        cp.pages = pages.len() as u32;
        let mut paths = Vec::new();
        for (i, ids) in pages.iter().enumerate() {
            let path = dir.join(format!("page-{i}.json.gz"));
            let results: Vec<serde_json::Value> = ids
                .iter()
                .map(|id| serde_json::json!({ "id": id }))
                .collect();
            let body = serde_json::json!({ "meta": { "count": expected }, "results": results });
            write_gzip_atomically(&path, body.to_string().as_bytes()).unwrap();
            paths.push(path);
        }
        SavedQuery {
            query,
            checkpoint: cp,
            pages: paths,
            full_works: vec![],
        }
    }

    #[test]
    fn exact_explained_and_short_counts() {
        let dir = tempfile::tempdir().unwrap();
        let exact = saved(dir.path(), &[&["W1", "W2"], &["W3"]], 3, 3);
        let report = reconcile(&[exact]).unwrap();
        assert_eq!(report.queries[0].verdict, Verdict::Exact);
        assert_eq!(report.distinct_works, 3);

        let dir = tempfile::tempdir().unwrap();
        let dup = saved(dir.path(), &[&["W1", "W2"], &["W2", "W3"]], 3, 3);
        let report = reconcile(&[dup]).unwrap();
        assert!(
            matches!(&report.queries[0].verdict, Verdict::Explained(s) if s.contains("1 records repeated"))
        );

        let dir = tempfile::tempdir().unwrap();
        let moved = saved(dir.path(), &[&["W1", "W2"]], 3, 2);
        let report = reconcile(&[moved]).unwrap();
        assert!(
            matches!(&report.queries[0].verdict, Verdict::Explained(s) if s.contains("from 3 to 2"))
        );

        let dir = tempfile::tempdir().unwrap();
        let short = saved(dir.path(), &[&["W1"]], 3, 3);
        let report = reconcile(&[short]).unwrap();
        assert!(
            matches!(&report.queries[0].verdict, Verdict::Short(s) if s.contains("2 missing")),
            "{report:?}"
        );
        assert_eq!(report.errors().len(), 1);
    }

    #[test]
    fn unfinished_queries_are_incomplete() {
        let dir = tempfile::tempdir().unwrap();
        let mut q = saved(dir.path(), &[&["W1"]], 3, 3);
        q.checkpoint.paging_done = false;
        assert!(matches!(
            reconcile(&[q.clone()]).unwrap().queries[0].verdict,
            Verdict::Incomplete(_)
        ));
        q.checkpoint.paging_done = true;
        q.checkpoint.truncated = vec!["W1".into()];
        let report = reconcile(&[q]).unwrap();
        assert!(
            matches!(&report.queries[0].verdict, Verdict::Incomplete(s) if s.contains("truncated"))
        );
    }
}
