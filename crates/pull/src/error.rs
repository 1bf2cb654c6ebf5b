use std::path::PathBuf;
use std::time::Duration;

/// Why a pull stopped. Every variant says what to do next; none loses what was already saved, so the
/// same command resumes after the cause is fixed.
#[derive(Debug, thiserror::Error)]
pub enum PullError {
    #[error(
        "OpenAlex asks for an API key ({url}: HTTP {status}: {message}). Pass --api-key KEY or set \
         OPENALEX_API_KEY; keys are free at https://openalex.org/settings/api"
    )]
    ApiKeyMissing {
        url: String,
        status: u16,
        message: String,
    },
    #[error(
        "OpenAlex refused the API key ({url}: HTTP {status}: {message}). Check the key given with --api-key \
         or OPENALEX_API_KEY at https://openalex.org/settings/api"
    )]
    ApiKeyRefused {
        url: String,
        status: u16,
        message: String,
    },
    #[error("{url}: HTTP {status}: {message}")]
    Http {
        url: String,
        status: u16,
        message: String,
    },
    #[error(
        "{url}: gave up after {attempts} attempts; last failure: {last}. Run the same command again to resume"
    )]
    RetriesExhausted {
        url: String,
        attempts: u32,
        last: String,
    },
    #[error(
        "{url}: OpenAlex asks to wait {} s before the next request (daily budget spent?). The pull is \
         checkpointed: run the same command again later to resume",
        wait.as_secs()
    )]
    RateLimited { url: String, wait: Duration },
    #[error("{url}: the response is not what the OpenAlex API returns: {message}")]
    UnexpectedResponse { url: String, message: String },
    #[error(
        "this pull needs about {needed} list calls but only {remaining} of the daily budget of {daily} remain \
         ({source_of_figures}). Narrow the pull (--years), wait for the budget to reset, or pass --force"
    )]
    BudgetExceeded {
        needed: u64,
        remaining: u64,
        daily: u64,
        source_of_figures: String,
    },
    #[error("none of the {0} ROR ids is known to OpenAlex, so there is nothing to pull")]
    NothingToPull(usize),
    #[error("{0}")]
    BadArgument(String),
    #[error(
        "interrupted; everything received so far is checkpointed: run the same command again to resume"
    )]
    Interrupted,
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: broken checkpoint: {message}. Delete that query's folder to fetch it again from the start"
    )]
    Checkpoint { path: PathBuf, message: String },
    #[error("cannot start the HTTP client: {0}")]
    Client(String),
    #[error(transparent)]
    Discover(#[from] tandem_openalex::DiscoverError),
    #[error(
        "ingest of the pulled pages failed: {0}. The pages are kept: run the same command again to retry"
    )]
    Store(#[from] tandem_store::StoreError),
}

impl PullError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        PullError::Io {
            path: path.into(),
            source,
        }
    }
}
