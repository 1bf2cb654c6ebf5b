//! Pulls works from the live OpenAlex API into a Tandem store, getting the API's sharp edges right.
//!
//! - **Planning** ([`plan`]): a group's ROR ids are resolved to OpenAlex ids (`/institutions?filter=ror:...`)
//!   and combined, 100 to an OR filter, on `authorships.institutions.lineage`, so works credited only to a
//!   member's child institutions are fetched too.
//! - **Budget** ([`Puller::estimate`]): each query's `meta.count` gives its pages; a plan that needs more
//!   list calls than remain today stops before it starts, unless forced.
//! - **Fetching** ([`Puller::fetch`]): cursor paging at 200 per page with `select`, a configurable request
//!   rate, retries with exponential backoff and jitter that honour `Retry-After` ([`RetryPolicy`]), and
//!   works with truncated author lists re-fetched one by one.
//! - **Resumable**: each page is saved verbatim (gzipped) to `STORE/pull/<query-id>/page-NNNNN.json.gz`
//!   and the query's checkpoint is rewritten atomically after it; a killed pull continues where it stopped.
//! - **Exact** ([`reconcile`]): per query, `meta.count` against distinct works received.
//!
//! Everything saved is then read by `tandem_openalex` and upserted by the store's ingest, the same path as
//! a snapshot.

mod client;
mod error;
mod fetch;
mod ingest;
pub mod plan;
mod report;
mod retry;
mod state;

#[cfg(feature = "mock-api")]
pub mod mock;

pub use client::{ApiClient, CallKind, ClientConfig, DEFAULT_API_URL, RetryListener, ServerBudget};
pub use error::PullError;
pub use fetch::{
    BudgetStatus, Estimate, FREE_DAILY_LIST_CALLS, FetchOptions, LIST_AUTHOR_LIMIT, MAX_PER_PAGE,
    PullObserver, Puller, QueryEstimate, SavedQuery, Silent, saved_queries,
};
pub use ingest::{PullIngest, ingest_pulled};
pub use plan::{Plan, PlannedQuery, ResolvedInstitution, Target, YearRange};
pub use report::{PullReport, QueryReport, Verdict, reconcile};
pub use retry::{RetryPolicy, parse_retry_after};
pub use state::{Checkpoint, QueryDir, UsageLedger};

use std::sync::Arc;
use std::time::Duration;

/// Passes the client's retry notices on to a [`PullObserver`].
struct ObserverRetries(Arc<dyn PullObserver>);

impl RetryListener for ObserverRetries {
    fn retrying(&self, url: &str, retry: u32, wait: Duration, reason: &str) {
        self.0.retrying(url, retry, wait, reason);
    }
}

/// Builds the client and puller for a pull, wiring retry notices to the observer.
pub fn puller(
    config: ClientConfig,
    options: FetchOptions,
    observer: Arc<dyn PullObserver>,
) -> Result<Puller, PullError> {
    let client = ApiClient::new(config, Some(Arc::new(ObserverRetries(observer.clone()))))?;
    Puller::new(Arc::new(client), options, observer)
}

/// Plans a pull of `target` over `years`: resolves institutions and forms the queries.
pub async fn make_plan(
    puller: &Puller,
    target: &Target,
    years: Option<YearRange>,
) -> Result<Plan, PullError> {
    plan::plan(
        puller.client(),
        target,
        years,
        plan::WORK_SELECT,
        puller.options().per_page,
    )
    .await
}
