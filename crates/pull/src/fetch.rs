//! Running a plan: counting, the budget check, cursor paging, and re-fetching truncated works.

use crate::PullError;
use crate::client::{ApiClient, CallKind};
use crate::plan::{Plan, PlannedQuery, WORK_SELECT};
use crate::state::{Checkpoint, QueryDir, UsageLedger, write_gzip_atomically};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// OpenAlex's maximum page size.
pub const MAX_PER_PAGE: u32 = 200;
/// Authors a list response keeps per work; longer lists are cut and flagged `is_authors_truncated`.
pub const LIST_AUTHOR_LIMIT: usize = 100;
/// List calls a free API key may make per day.
pub const FREE_DAILY_LIST_CALLS: u64 = 10_000;

/// How a pull runs.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// The store folder; pages and checkpoints go to `STORE/pull/`.
    pub store: PathBuf,
    /// Works per page, at most 200.
    pub per_page: u32,
    /// List calls allowed per day, used when the server does not report its own figure.
    pub daily_budget: u64,
    /// Go on even when the plan needs more list calls than remain today.
    pub force: bool,
    /// Set (e.g. by Ctrl-C) to stop after the page in flight; the pull then resumes from its checkpoint.
    pub cancel: Arc<AtomicBool>,
}

impl FetchOptions {
    pub fn new(store: impl Into<PathBuf>) -> FetchOptions {
        FetchOptions {
            store: store.into(),
            per_page: MAX_PER_PAGE,
            daily_budget: FREE_DAILY_LIST_CALLS,
            force: false,
            cancel: Arc::new(AtomicBool::new(false)),
        }
    }
}

/// Progress events, for a progress bar. Every method has an empty default.
pub trait PullObserver: Send + Sync {
    fn estimated(&self, _estimate: &Estimate) {}
    fn query_started(&self, _query: &PlannedQuery, _checkpoint: &Checkpoint) {}
    fn page_saved(&self, _query: &PlannedQuery, _checkpoint: &Checkpoint, _records_in_page: usize) {
    }
    fn refetching(&self, _query: &PlannedQuery, _work_id: &str) {}
    fn retrying(&self, _url: &str, _retry: u32, _wait: Duration, _reason: &str) {}
    fn budget(&self, _status: &BudgetStatus) {}
}

/// An observer that ignores everything.
pub struct Silent;
impl PullObserver for Silent {}

/// The daily budget, in list calls.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BudgetStatus {
    pub daily_calls: u64,
    pub remaining_calls: u64,
    /// "reported by OpenAlex" or "counted by Tandem for this store".
    pub source: String,
    /// List calls this process has sent.
    pub used_by_this_run: u64,
}

/// What one query is expected to cost.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct QueryEstimate {
    pub query: PlannedQuery,
    /// `meta.count`.
    pub expected_works: u64,
    /// Pages of `per_page` works.
    pub pages: u64,
    /// Pages already saved by an earlier, interrupted run.
    pub pages_saved: u64,
    /// List calls still to make: the remaining pages plus the final empty page that ends a cursor.
    pub calls_needed: u64,
    pub complete: bool,
}

/// What a plan is expected to cost, against the budget.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Estimate {
    pub queries: Vec<QueryEstimate>,
    pub expected_works: u64,
    pub calls_needed: u64,
    pub budget: BudgetStatus,
}

impl Estimate {
    /// `calls_needed` as a share of the daily budget (1.0 = a whole day's calls).
    pub fn share_of_daily_budget(&self) -> f64 {
        if self.budget.daily_calls == 0 {
            f64::INFINITY
        } else {
            self.calls_needed as f64 / self.budget.daily_calls as f64
        }
    }

    pub fn fits_budget(&self) -> bool {
        self.calls_needed <= self.budget.remaining_calls
    }
}

#[derive(Deserialize)]
struct Meta {
    count: u64,
    #[serde(default)]
    next_cursor: Option<String>,
}

#[derive(Deserialize)]
struct PageHead {
    meta: Meta,
    results: Vec<WorkHead>,
}

#[derive(Deserialize)]
struct WorkHead {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    is_authors_truncated: Option<bool>,
    #[serde(default)]
    authorships: Option<Vec<IgnoredAny>>,
}

impl WorkHead {
    /// Flagged by OpenAlex, or cut at exactly the limit (when `select` drops the flag).
    fn authors_truncated(&self) -> bool {
        self.is_authors_truncated == Some(true)
            || self
                .authorships
                .as_ref()
                .is_some_and(|a| a.len() >= LIST_AUTHOR_LIMIT)
    }
}

fn parse_page(body: &[u8]) -> Result<PageHead, String> {
    serde_json::from_slice::<PageHead>(body).map_err(|e| {
        format!(
            "expected a list response {{\"meta\": {{\"count\": ...}}, \"results\": [...]}}: {e}"
        )
    })
}

/// Runs plans against the API.
pub struct Puller {
    client: Arc<ApiClient>,
    options: FetchOptions,
    observer: Arc<dyn PullObserver>,
    recorded_calls: std::sync::Mutex<u64>,
}

impl Puller {
    pub fn new(
        client: Arc<ApiClient>,
        options: FetchOptions,
        observer: Arc<dyn PullObserver>,
    ) -> Result<Puller, PullError> {
        if options.per_page == 0 || options.per_page > MAX_PER_PAGE {
            return Err(PullError::BadArgument(format!(
                "per_page must be between 1 and {MAX_PER_PAGE}, not {}",
                options.per_page
            )));
        }
        Ok(Puller {
            client,
            options,
            observer,
            recorded_calls: std::sync::Mutex::new(0),
        })
    }

    pub fn client(&self) -> &ApiClient {
        &self.client
    }

    pub fn options(&self) -> &FetchOptions {
        &self.options
    }

    fn select(&self) -> String {
        WORK_SELECT.join(",")
    }

    /// Adds the list calls sent since the last call to the store's usage ledger.
    fn record_usage(&self) -> Result<(), PullError> {
        let mut recorded = self
            .recorded_calls
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let sent = self.client.list_calls();
        if sent > *recorded {
            UsageLedger::add(&self.options.store, sent - *recorded)?;
            *recorded = sent;
        }
        Ok(())
    }

    /// Today's budget: the server's figures when it sends them, else the configured daily budget less
    /// what the ledger says this store's pulls spent today.
    pub fn budget_status(&self) -> BudgetStatus {
        let used_by_this_run = self.client.list_calls();
        match self.client.server_budget() {
            Some(server) => BudgetStatus {
                daily_calls: server.daily_calls.unwrap_or(self.options.daily_budget),
                remaining_calls: server.remaining_calls,
                source: "reported by OpenAlex".into(),
                used_by_this_run,
            },
            None => {
                let used = UsageLedger::load_today(&self.options.store).list_calls;
                BudgetStatus {
                    daily_calls: self.options.daily_budget,
                    remaining_calls: self.options.daily_budget.saturating_sub(used),
                    source: format!(
                        "--daily-budget less {used} calls counted today for this store"
                    ),
                    used_by_this_run,
                }
            }
        }
    }

    /// `meta.count` of a filter: one list call of one result.
    pub async fn count(&self, filter: &str) -> Result<u64, PullError> {
        #[derive(Deserialize)]
        struct CountOnly {
            meta: Meta,
        }
        let (_, page) = self
            .client
            .get(
                "works",
                &[("filter", filter), ("per_page", "1"), ("select", "id")],
                CallKind::List,
                |body| {
                    serde_json::from_slice::<CountOnly>(body)
                        .map_err(|e| format!("expected {{\"meta\": {{\"count\": ...}}}}: {e}"))
                },
            )
            .await?;
        Ok(page.meta.count)
    }

    /// Counts each query that has no checkpoint yet and sets the cost against the budget.
    pub async fn estimate(&self, plan: &Plan) -> Result<Estimate, PullError> {
        let per_page = u64::from(self.options.per_page);
        let mut queries = Vec::new();
        for query in &plan.queries {
            let dir = QueryDir::new(&self.options.store, &query.id);
            let checkpoint = Checkpoint::load(&dir.checkpoint())?;
            let estimate = match checkpoint {
                Some(cp) if cp.complete() => QueryEstimate {
                    query: query.clone(),
                    expected_works: cp.expected_count.unwrap_or(cp.records),
                    pages: u64::from(cp.pages),
                    pages_saved: u64::from(cp.pages),
                    calls_needed: 0,
                    complete: true,
                },
                Some(cp) if cp.expected_count.is_some() => {
                    let expected = cp.latest_count.or(cp.expected_count).unwrap_or(0);
                    let pages = expected.div_ceil(per_page);
                    let left = if cp.paging_done {
                        0
                    } else {
                        pages.saturating_sub(u64::from(cp.pages)) + 1
                    };
                    QueryEstimate {
                        query: query.clone(),
                        expected_works: expected,
                        pages,
                        pages_saved: u64::from(cp.pages),
                        calls_needed: left,
                        complete: false,
                    }
                }
                _ => {
                    let expected = self.count(&query.filter).await?;
                    let pages = expected.div_ceil(per_page);
                    QueryEstimate {
                        query: query.clone(),
                        expected_works: expected,
                        pages,
                        pages_saved: 0,
                        calls_needed: pages + 1,
                        complete: false,
                    }
                }
            };
            queries.push(estimate);
        }
        self.record_usage()?;
        let estimate = Estimate {
            expected_works: queries.iter().map(|q| q.expected_works).sum(),
            calls_needed: queries.iter().map(|q| q.calls_needed).sum(),
            queries,
            budget: self.budget_status(),
        };
        self.observer.estimated(&estimate);
        Ok(estimate)
    }

    /// Fetches every query of the plan, resuming from checkpoints. Stops before starting when the plan
    /// needs more calls than remain today, unless `force`.
    pub async fn fetch(&self, estimate: &Estimate) -> Result<(), PullError> {
        if !estimate.fits_budget() && !self.options.force {
            return Err(PullError::BudgetExceeded {
                needed: estimate.calls_needed,
                remaining: estimate.budget.remaining_calls,
                daily: estimate.budget.daily_calls,
                source_of_figures: estimate.budget.source.clone(),
            });
        }
        for query in &estimate.queries {
            if !query.complete {
                self.fetch_query(&query.query).await?;
            }
        }
        Ok(())
    }

    fn check_cancel(&self) -> Result<(), PullError> {
        if self.options.cancel.load(Ordering::SeqCst) {
            Err(PullError::Interrupted)
        } else {
            Ok(())
        }
    }

    /// Pages through one query with a cursor, saving each page and the checkpoint after it, then fetches
    /// the works whose author lists were truncated.
    pub async fn fetch_query(&self, query: &PlannedQuery) -> Result<Checkpoint, PullError> {
        let dir = QueryDir::new(&self.options.store, &query.id);
        std::fs::create_dir_all(&dir.path).map_err(|e| PullError::io(&dir.path, e))?;
        let checkpoint_path = dir.checkpoint();
        let mut cp = match Checkpoint::load(&checkpoint_path)? {
            Some(cp) => cp,
            None => {
                let mut cp =
                    Checkpoint::new(&query.id, &query.filter, WORK_SELECT, self.options.per_page);
                cp.save(&checkpoint_path)?;
                cp
            }
        };
        self.observer.query_started(query, &cp);
        let select = self.select();
        let per_page = self.options.per_page.to_string();
        while !cp.paging_done {
            self.check_cancel()?;
            let cursor = cp.next_cursor.clone().unwrap_or_else(|| "*".into());
            let (body, page) = self
                .client
                .get(
                    "works",
                    &[
                        ("filter", query.filter.as_str()),
                        ("per_page", per_page.as_str()),
                        ("cursor", cursor.as_str()),
                        ("select", select.as_str()),
                    ],
                    CallKind::List,
                    parse_page,
                )
                .await?;
            cp.latest_count = Some(page.meta.count);
            cp.expected_count.get_or_insert(page.meta.count);
            let received = page.results.len();
            if received > 0 {
                let number = cp.pages + 1;
                write_gzip_atomically(&dir.page(number), &body)?;
                cp.pages = number;
                cp.records += received as u64;
                for work in &page.results {
                    if work.authors_truncated()
                        && let Some(id) = work.id.as_deref().map(crate::plan::short_openalex_id)
                        && !cp.truncated.contains(&id)
                    {
                        cp.truncated.push(id);
                    }
                }
            }
            // A cursor ends with a null next_cursor or an empty page, whichever the server sends first.
            match page.meta.next_cursor {
                Some(next) if received > 0 => cp.next_cursor = Some(next),
                _ => {
                    cp.next_cursor = None;
                    cp.paging_done = true;
                }
            }
            cp.save(&checkpoint_path)?;
            self.record_usage()?;
            self.observer.page_saved(query, &cp, received);
            self.observer.budget(&self.budget_status());
        }
        let pending: Vec<String> = cp
            .truncated
            .iter()
            .filter(|id| !cp.refetched.contains(id))
            .cloned()
            .collect();
        for work_id in pending {
            self.check_cancel()?;
            self.observer.refetching(query, &work_id);
            let (body, _) = self
                .client
                .get(
                    &format!("works/{work_id}"),
                    &[("select", select.as_str())],
                    CallKind::Singleton,
                    |body| {
                        let head: WorkHead = serde_json::from_slice(body)
                            .map_err(|e| format!("expected one work: {e}"))?;
                        match head.id.as_deref().map(crate::plan::short_openalex_id) {
                            Some(id) if id == work_id => Ok(()),
                            other => Err(format!("expected work {work_id}, got {other:?}")),
                        }
                    },
                )
                .await?;
            write_gzip_atomically(&dir.full_work(&work_id), &body)?;
            cp.refetched.push(work_id);
            cp.save(&checkpoint_path)?;
        }
        Ok(cp)
    }
}

/// The saved files of a query, in the order ingest reads them.
#[derive(Debug, Clone)]
pub struct SavedQuery {
    pub query: PlannedQuery,
    pub checkpoint: Checkpoint,
    pub pages: Vec<PathBuf>,
    pub full_works: Vec<(String, PathBuf)>,
}

/// Reads what a plan's queries saved in the store.
pub fn saved_queries(store: &Path, plan: &Plan) -> Result<Vec<SavedQuery>, PullError> {
    let mut out = Vec::new();
    for query in &plan.queries {
        let dir = QueryDir::new(store, &query.id);
        let Some(checkpoint) = Checkpoint::load(&dir.checkpoint())? else {
            continue;
        };
        let pages = (1..=checkpoint.pages).map(|n| dir.page(n)).collect();
        let full_works = checkpoint
            .refetched
            .iter()
            .map(|id| (id.clone(), dir.full_work(id)))
            .collect();
        out.push(SavedQuery {
            query: query.clone(),
            checkpoint,
            pages,
            full_works,
        });
    }
    Ok(out)
}
