//! The HTTP client: one request at a time, at a configured rate, retried with backoff.

use crate::PullError;
use crate::retry::{RetryPolicy, parse_retry_after};
use reqwest::Url;
use reqwest::header::HeaderMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};
use tokio::sync::Mutex;
use tokio::time::Instant;

/// The public OpenAlex API.
pub const DEFAULT_API_URL: &str = "https://api.openalex.org";

/// What a list call costs in USD on the OpenAlex price list, used to turn the `X-RateLimit-*-USD` headers
/// into calls when a response does not state its own cost.
const LIST_CALL_USD: f64 = 0.0001;

/// How to reach the API.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Base URL, without a trailing slash: [`DEFAULT_API_URL`] or a test server.
    pub api_url: String,
    /// Sent as the `api_key` query parameter, which is how OpenAlex expects it.
    pub api_key: Option<String>,
    /// Sent as the `mailto` parameter and in the User-Agent, so OpenAlex can reach the user.
    pub mailto: Option<String>,
    /// At most this many requests per second (OpenAlex allows 100).
    pub requests_per_second: f64,
    pub retry: RetryPolicy,
    /// Per-request timeout; a slow page is retried like a dropped one.
    pub timeout: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            api_url: DEFAULT_API_URL.to_string(),
            api_key: None,
            mailto: None,
            requests_per_second: 10.0,
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(120),
        }
    }
}

/// Whether a request counts against the daily budget. OpenAlex charges list calls; singletons are free.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    List,
    Singleton,
}

/// The budget the server reported in its last response, in list calls.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServerBudget {
    pub daily_calls: Option<u64>,
    pub remaining_calls: u64,
}

/// Told about retries as they happen, so a progress bar can say why it stalls.
pub trait RetryListener: Send + Sync {
    fn retrying(&self, url: &str, retry: u32, wait: Duration, reason: &str);
}

/// A client for the OpenAlex API.
pub struct ApiClient {
    http: reqwest::Client,
    config: ClientConfig,
    next_slot: Mutex<Option<Instant>>,
    list_calls: AtomicU64,
    server_budget: std::sync::Mutex<Option<ServerBudget>>,
    listener: Option<Arc<dyn RetryListener>>,
}

/// A failed attempt, and whether trying again can help.
enum Attempt {
    Retry {
        reason: String,
        retry_after: Option<Duration>,
    },
    Fatal(PullError),
}

impl ApiClient {
    pub fn new(
        config: ClientConfig,
        listener: Option<Arc<dyn RetryListener>>,
    ) -> Result<Self, PullError> {
        // reqwest is built without a bundled crypto provider; ring builds faster than aws-lc. Installing
        // fails harmlessly when a provider is already installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let agent = match &config.mailto {
            Some(mail) => format!("tandem/{} (mailto:{mail})", env!("CARGO_PKG_VERSION")),
            None => format!("tandem/{}", env!("CARGO_PKG_VERSION")),
        };
        let http = reqwest::Client::builder()
            .user_agent(agent)
            .timeout(config.timeout)
            .connect_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| PullError::Client(e.to_string()))?;
        if config.requests_per_second.is_nan() || config.requests_per_second <= 0.0 {
            return Err(PullError::BadArgument(format!(
                "the request rate must be above 0 per second, not {}",
                config.requests_per_second
            )));
        }
        Url::parse(&config.api_url).map_err(|e| {
            PullError::BadArgument(format!("--api-url {}: not a URL: {e}", config.api_url))
        })?;
        Ok(ApiClient {
            http,
            config,
            next_slot: Mutex::new(None),
            list_calls: AtomicU64::new(0),
            server_budget: std::sync::Mutex::new(None),
            listener,
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// List calls sent by this client (each retry is a call too: the server charges it).
    pub fn list_calls(&self) -> u64 {
        self.list_calls.load(Ordering::Relaxed)
    }

    /// The budget the server reported last, if it reports one.
    pub fn server_budget(&self) -> Option<ServerBudget> {
        *self.server_budget.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The URL of `path` with `params`, the key and the mailto added.
    pub fn url(&self, path: &str, params: &[(&str, &str)]) -> Result<Url, PullError> {
        let base = self.config.api_url.trim_end_matches('/');
        let mut url = Url::parse(&format!("{base}/{}", path.trim_start_matches('/')))
            .map_err(|e| PullError::BadArgument(format!("--api-url {base}: {e}")))?;
        {
            let mut query = url.query_pairs_mut();
            for (k, v) in params {
                query.append_pair(k, v);
            }
            if let Some(mail) = &self.config.mailto {
                query.append_pair("mailto", mail);
            }
            if let Some(key) = &self.config.api_key {
                query.append_pair("api_key", key);
            }
        }
        Ok(url)
    }

    /// GETs `path` and parses the body with `parse`, retrying on 429, 5xx, network errors and bodies
    /// that do not parse (a page cut short). Returns the raw body and the parsed value.
    pub async fn get<T>(
        &self,
        path: &str,
        params: &[(&str, &str)],
        kind: CallKind,
        parse: impl Fn(&[u8]) -> Result<T, String>,
    ) -> Result<(Vec<u8>, T), PullError> {
        let url = self.url(path, params)?;
        let shown = redact(&url);
        let max_attempts = self.config.retry.max_attempts.max(1);
        let mut last = String::new();
        for attempt in 1..=max_attempts {
            self.wait_for_slot().await;
            if kind == CallKind::List {
                self.list_calls.fetch_add(1, Ordering::Relaxed);
            }
            let outcome = match self.http.get(url.clone()).send().await {
                Err(e) => Attempt::Retry {
                    reason: describe_reqwest_error(&e),
                    retry_after: None,
                },
                Ok(response) => {
                    let status = response.status();
                    let headers = response.headers().clone();
                    self.note_budget(&headers);
                    match response.bytes().await {
                        Err(e) => Attempt::Retry {
                            reason: format!(
                                "HTTP {}, body cut off: {}",
                                status.as_u16(),
                                describe_reqwest_error(&e)
                            ),
                            retry_after: None,
                        },
                        Ok(body) if status.is_success() => match parse(&body) {
                            Ok(value) => return Ok((body.to_vec(), value)),
                            Err(e) => Attempt::Retry {
                                reason: format!("malformed response: {e}"),
                                retry_after: None,
                            },
                        },
                        Ok(body) => self.classify_failure(&shown, status.as_u16(), &headers, &body),
                    }
                }
            };
            match outcome {
                Attempt::Fatal(error) => return Err(error),
                Attempt::Retry {
                    reason,
                    retry_after,
                } => {
                    last = reason;
                    if attempt == max_attempts {
                        break;
                    }
                    if let Some(asked) = retry_after
                        && asked > self.config.retry.max_retry_after
                    {
                        return Err(PullError::RateLimited {
                            url: shown,
                            wait: asked,
                        });
                    }
                    let wait = self.config.retry.wait_for(attempt, retry_after);
                    if let Some(listener) = &self.listener {
                        listener.retrying(&shown, attempt, wait, &last);
                    }
                    tokio::time::sleep(wait).await;
                }
            }
        }
        Err(PullError::RetriesExhausted {
            url: shown,
            attempts: max_attempts,
            last,
        })
    }

    fn classify_failure(
        &self,
        url: &str,
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Attempt {
        let message = error_message(body);
        let retry_after = headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let rate_limited =
            status == 429 || (status == 403 && message.to_ascii_lowercase().contains("rate limit"));
        if rate_limited || status >= 500 || status == 408 {
            return Attempt::Retry {
                reason: format!("HTTP {status}: {message}"),
                retry_after,
            };
        }
        let url = url.to_string();
        Attempt::Fatal(match status {
            401 | 403 if self.config.api_key.is_none() => PullError::ApiKeyMissing {
                url,
                status,
                message,
            },
            401 | 403 => PullError::ApiKeyRefused {
                url,
                status,
                message,
            },
            _ => PullError::Http {
                url,
                status,
                message,
            },
        })
    }

    /// Reads the `X-RateLimit-*-USD` headers OpenAlex sends with every response.
    fn note_budget(&self, headers: &HeaderMap) {
        let number = |name: &str| headers.get(name)?.to_str().ok()?.trim().parse::<f64>().ok();
        let Some(remaining) = number("x-ratelimit-remaining-usd") else {
            return;
        };
        let cost = number("x-ratelimit-cost-usd")
            .filter(|c| *c > 0.0)
            .unwrap_or(LIST_CALL_USD);
        let calls = |usd: f64| (usd / cost + 1e-6).floor().max(0.0) as u64;
        let budget = ServerBudget {
            daily_calls: number("x-ratelimit-limit-usd").map(calls),
            remaining_calls: calls(remaining),
        };
        *self.server_budget.lock().unwrap_or_else(|e| e.into_inner()) = Some(budget);
    }

    async fn wait_for_slot(&self) {
        let interval = Duration::from_secs_f64(1.0 / self.config.requests_per_second);
        let mut next = self.next_slot.lock().await;
        let now = Instant::now();
        if let Some(at) = *next
            && at > now
        {
            tokio::time::sleep_until(at).await;
        }
        *next = Some(Instant::now().max(next.unwrap_or(now)) + interval);
    }
}

/// The URL as shown in messages: without the API key.
pub(crate) fn redact(url: &Url) -> String {
    let mut shown = url.clone();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let shown = if k == "api_key" {
                "***".to_string()
            } else {
                v.into_owned()
            };
            (k.into_owned(), shown)
        })
        .collect();
    shown.query_pairs_mut().clear().extend_pairs(pairs);
    shown.to_string()
}

fn describe_reqwest_error(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "connection dropped while reading the response"
    } else {
        "network error"
    };
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail.push_str(": ");
        detail.push_str(&s.to_string());
        source = s.source();
    }
    format!("{kind} ({detail})")
}

/// OpenAlex errors are `{"error": ..., "message": ...}`; anything else is shown as text, shortened.
fn error_message(body: &[u8]) -> String {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        let field = |k: &str| value.get(k).and_then(|v| v.as_str()).map(str::to_string);
        match (field("error"), field("message")) {
            (Some(e), Some(m)) if e != m => return format!("{e}: {m}"),
            (Some(e), _) => return e,
            (None, Some(m)) => return m,
            _ => {}
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        "(empty body)".to_string()
    } else {
        text.chars().take(300).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_urls_with_key_and_mailto_and_redacts_the_key() {
        let client = ApiClient::new(
            ClientConfig {
                api_url: "http://127.0.0.1:9/".into(),
                api_key: Some("s3cret".into()),
                mailto: Some("a@b.org".into()),
                ..ClientConfig::default()
            },
            None,
        )
        .unwrap();
        let url = client
            .url(
                "/works",
                &[("filter", "publication_year:2023"), ("per_page", "200")],
            )
            .unwrap();
        assert_eq!(url.path(), "/works");
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        assert!(pairs.contains(&("api_key".into(), "s3cret".into())));
        assert!(pairs.contains(&("mailto".into(), "a@b.org".into())));
        assert!(pairs.contains(&("filter".into(), "publication_year:2023".into())));
        let shown = redact(&url);
        assert!(
            !shown.contains("s3cret") && shown.contains("api_key=***"),
            "{shown}"
        );
    }

    #[test]
    fn error_messages_come_from_the_json_body() {
        assert_eq!(
            error_message(br#"{"error":"Invalid filter","message":"bad year"}"#),
            "Invalid filter: bad year"
        );
        assert_eq!(error_message(b"  oops "), "oops");
        assert_eq!(error_message(b""), "(empty body)");
    }

    #[test]
    fn rejects_a_zero_rate() {
        let config = ClientConfig {
            requests_per_second: 0.0,
            ..ClientConfig::default()
        };
        assert!(matches!(
            ApiClient::new(config, None),
            Err(PullError::BadArgument(_))
        ));
    }
}
