//! A local HTTP server that behaves like the OpenAlex API, for tests (feature `mock-api`).
//!
//! It serves a corpus of works (the real records in `../shared/data/openalex`, or generated ones when
//! that folder is absent) with the API's list semantics: `filter` with OR lists (at most 100 values) on
//! `authorships.institutions.lineage`, `.ror` and `.id`, `publication_year` and `ids.openalex`;
//! `meta.count`; cursor paging and basic paging with its 10,000-result cap; `per_page` between 1 and 200;
//! `select`; author lists cut at 100 with `is_authors_truncated` in lists but not on `/works/W…`;
//! `/institutions?filter=ror:...`; the `api_key` check; the `X-RateLimit-*-USD` budget headers. Faults can
//! be injected on chosen requests: 429 with `Retry-After`, 503, a dropped connection, a malformed page.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// What the real API caps: per_page, OR values, basic-paging results, authors in lists.
const MAX_PER_PAGE: usize = 200;
const MAX_OR_VALUES: usize = 100;
const MAX_BASIC_RESULTS: usize = 10_000;
const LIST_AUTHORS: usize = 100;
/// The price of one list call on the OpenAlex price list.
const LIST_CALL_USD: f64 = 0.0001;

/// A failure to inject instead of a normal answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// 429 with `Retry-After: <seconds>`.
    TooManyRequests { retry_after_secs: u64 },
    /// 503.
    ServiceUnavailable,
    /// The response starts, then the connection is cut.
    DropConnection,
    /// A 200 whose body is cut in half: not valid JSON.
    MalformedPage,
    /// A 400 that no retry fixes (stands in for a pull killed at this point).
    Fatal,
}

/// How the server behaves.
#[derive(Debug, Clone, Default)]
pub struct MockConfig {
    /// The works it serves, as OpenAlex JSON objects.
    pub works: Vec<Value>,
    /// Institution records served by `/institutions` besides those cited in the works.
    pub institutions: Vec<Value>,
    /// When set, every request must carry `api_key=<this>`.
    pub api_key: Option<String>,
    /// Faults by the ordinal (1-based) of `/works` list requests.
    pub faults: BTreeMap<u64, Fault>,
    /// When set, the daily budget in list calls: budget headers are sent, and calls past it get 429.
    pub daily_budget: Option<u64>,
}

/// A request as the server saw it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub path: String,
    pub params: Vec<(String, String)>,
    /// The HTTP status the server answered with.
    pub status: u16,
}

impl RecordedRequest {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

struct Shared {
    works: Vec<Value>,
    /// The works as lists serve them (author lists cut at 100).
    listed: Vec<Value>,
    by_id: HashMap<String, usize>,
    institutions: Vec<Value>,
    config: MockConfig,
    works_list_requests: AtomicU64,
    list_calls: AtomicU64,
    log: Mutex<Vec<RecordedRequest>>,
}

/// A running mock server on 127.0.0.1; stops when dropped.
pub struct MockOpenAlex {
    url: String,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl MockOpenAlex {
    /// Starts the server on its own thread and runtime, so it serves sync and async tests alike.
    pub fn start(config: MockConfig) -> MockOpenAlex {
        let mut works = config.works.clone();
        works.sort_by_key(|w| work_number(w).unwrap_or(u64::MAX));
        let by_id = works
            .iter()
            .enumerate()
            .filter_map(|(i, w)| Some((short_id(w.get("id")?.as_str()?), i)))
            .collect();
        let institutions = institutions_of(&works, &config.institutions);
        let listed = works.iter().map(as_listed).collect();
        let shared = Arc::new(Shared {
            works,
            listed,
            by_id,
            institutions,
            config,
            works_list_requests: AtomicU64::new(0),
            list_calls: AtomicU64::new(0),
            log: Mutex::new(Vec::new()),
        });
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = Router::new()
            .route("/works", get(works_list))
            .route("/works/{id}", get(work_single))
            .route("/institutions", get(institutions_list))
            .with_state(shared.clone());
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await;
            });
        });
        MockOpenAlex {
            url,
            shared,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }

    /// Base URL, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every request so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// List calls (works and institutions) served so far, faults included.
    pub fn list_calls(&self) -> u64 {
        self.shared.list_calls.load(Ordering::SeqCst)
    }

    /// The works the server holds, sorted by id (full author lists).
    pub fn works(&self) -> &[Value] {
        &self.shared.works
    }
}

impl Drop for MockOpenAlex {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn short_id(id: &str) -> String {
    id.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(id)
        .to_ascii_uppercase()
}

fn work_number(work: &Value) -> Option<u64> {
    short_id(work.get("id")?.as_str()?)
        .strip_prefix('W')?
        .parse()
        .ok()
}

fn bare_ror(ror: &str) -> String {
    ror.trim()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(ror)
        .to_ascii_lowercase()
}

/// Distinct institutions cited in the works, plus the extra records (which win).
fn institutions_of(works: &[Value], extra: &[Value]) -> Vec<Value> {
    let mut by_id: BTreeMap<String, Value> = BTreeMap::new();
    for work in works {
        for inst in authorship_institutions(work, usize::MAX) {
            if let Some(id) = inst.get("id").and_then(Value::as_str) {
                let mut record = Map::new();
                for key in [
                    "id",
                    "ror",
                    "display_name",
                    "country_code",
                    "type",
                    "lineage",
                ] {
                    if let Some(v) = inst.get(key) {
                        record.insert(key.into(), v.clone());
                    }
                }
                by_id.entry(short_id(id)).or_insert(Value::Object(record));
            }
        }
    }
    for inst in extra {
        if let Some(id) = inst.get("id").and_then(Value::as_str) {
            by_id.insert(short_id(id), inst.clone());
        }
    }
    by_id.into_values().collect()
}

fn authorship_institutions(work: &Value, max_authors: usize) -> impl Iterator<Item = &Value> {
    work.get("authorships")
        .and_then(Value::as_array)
        .into_iter()
        .flat_map(move |a| a.iter().take(max_authors))
        .filter_map(|a| a.get("institutions").and_then(Value::as_array))
        .flatten()
}

/// An OpenAlex-style error answer.
fn error(status: StatusCode, error: &str, message: &str) -> Response {
    (
        status,
        axum::Json(json!({ "error": error, "message": message })),
    )
        .into_response()
}

impl Shared {
    fn record(&self, path: &str, params: &[(String, String)], status: u16) {
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(RecordedRequest {
                path: path.to_string(),
                params: params.to_vec(),
                status,
            });
    }

    /// The key check: 401 without a key, 403 with a wrong one.
    fn check_key(&self, params: &[(String, String)]) -> Option<Response> {
        let expected = self.config.api_key.as_deref()?;
        match params
            .iter()
            .find(|(k, _)| k == "api_key")
            .map(|(_, v)| v.as_str())
        {
            None => Some(error(
                StatusCode::UNAUTHORIZED,
                "API key required",
                "Add api_key=YOUR_KEY to your request; keys are free at openalex.org/settings/api",
            )),
            Some(key) if key != expected => Some(error(
                StatusCode::FORBIDDEN,
                "Invalid API key",
                "The api_key given is not valid",
            )),
            Some(_) => None,
        }
    }

    /// Counts a list call; past the budget, a 429.
    fn charge_list_call(&self) -> Option<Response> {
        let used = self.list_calls.fetch_add(1, Ordering::SeqCst) + 1;
        match self.config.daily_budget {
            Some(budget) if used > budget => {
                let mut response = error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "Rate limit exceeded",
                    "Daily budget exceeded; it resets at midnight UTC",
                );
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("86400"));
                Some(response)
            }
            _ => None,
        }
    }

    fn add_budget_headers(&self, response: &mut Response, cost: f64) {
        let Some(budget) = self.config.daily_budget else {
            return;
        };
        let used = self.list_calls.load(Ordering::SeqCst).min(budget);
        let headers = response.headers_mut();
        let usd = |v: f64| HeaderValue::from_str(&format!("{v:.4}")).expect("ascii");
        headers.insert("x-ratelimit-limit-usd", usd(budget as f64 * LIST_CALL_USD));
        headers.insert(
            "x-ratelimit-remaining-usd",
            usd((budget - used) as f64 * LIST_CALL_USD),
        );
        headers.insert("x-ratelimit-cost-usd", usd(cost));
    }
}

type Params = Query<Vec<(String, String)>>;

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

async fn works_list(State(shared): State<Arc<Shared>>, Query(params): Params) -> Response {
    let ordinal = shared.works_list_requests.fetch_add(1, Ordering::SeqCst) + 1;
    let mut response = if let Some(denied) = shared.check_key(&params) {
        denied
    } else if let Some(spent) = shared.charge_list_call() {
        spent
    } else {
        match shared.config.faults.get(&ordinal) {
            Some(Fault::TooManyRequests { retry_after_secs }) => {
                let mut r = error(
                    StatusCode::TOO_MANY_REQUESTS,
                    "Too Many Requests",
                    "Slow down",
                );
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
                r
            }
            Some(Fault::ServiceUnavailable) => {
                (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable").into_response()
            }
            Some(Fault::Fatal) => error(
                StatusCode::BAD_REQUEST,
                "Injected failure",
                "This request fails on purpose",
            ),
            Some(fault @ (Fault::DropConnection | Fault::MalformedPage)) => {
                match list_works(&shared, &params) {
                    Ok(body) => {
                        let bytes = serde_json::to_vec(&body).expect("json");
                        let half = Bytes::copy_from_slice(&bytes[..bytes.len() / 2]);
                        if *fault == Fault::MalformedPage {
                            ([(header::CONTENT_TYPE, "application/json")], half).into_response()
                        } else {
                            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                                Ok(half),
                                Err(std::io::Error::new(
                                    std::io::ErrorKind::ConnectionReset,
                                    "dropped",
                                )),
                            ];
                            Response::builder()
                                .header(header::CONTENT_TYPE, "application/json")
                                .body(Body::from_stream(futures_util::stream::iter(chunks)))
                                .expect("response")
                        }
                    }
                    Err(e) => e.into_response(),
                }
            }
            None => match list_works(&shared, &params) {
                Ok(body) => axum::Json(body).into_response(),
                Err(e) => e.into_response(),
            },
        }
    };
    shared.add_budget_headers(&mut response, LIST_CALL_USD);
    shared.record("/works", &params, response.status().as_u16());
    response
}

async fn work_single(
    State(shared): State<Arc<Shared>>,
    UrlPath(id): UrlPath<String>,
    Query(params): Params,
) -> Response {
    let mut response = if let Some(denied) = shared.check_key(&params) {
        denied
    } else {
        match shared.by_id.get(&short_id(&id)) {
            None => error(
                StatusCode::NOT_FOUND,
                "Not found",
                &format!("Work {id} not found"),
            ),
            Some(&i) => match select_fields(&shared.works[i], param(&params, "select")) {
                Ok(work) => axum::Json(work).into_response(),
                Err(e) => e.into_response(),
            },
        }
    };
    shared.add_budget_headers(&mut response, 0.0);
    shared.record(&format!("/works/{id}"), &params, response.status().as_u16());
    response
}

async fn institutions_list(State(shared): State<Arc<Shared>>, Query(params): Params) -> Response {
    let mut response = if let Some(denied) = shared.check_key(&params) {
        denied
    } else if let Some(spent) = shared.charge_list_call() {
        spent
    } else {
        match list_institutions(&shared, &params) {
            Ok(body) => axum::Json(body).into_response(),
            Err(e) => e.into_response(),
        }
    };
    shared.add_budget_headers(&mut response, LIST_CALL_USD);
    shared.record("/institutions", &params, response.status().as_u16());
    response
}

/// A 400 answer, made into a `Response` only when it is sent (a `Response` is too large to pass
/// around as an `Err`).
struct BadRequest(String);

impl IntoResponse for BadRequest {
    fn into_response(self) -> Response {
        error(
            StatusCode::BAD_REQUEST,
            "Invalid query parameters error.",
            &self.0,
        )
    }
}

fn bad_request(message: String) -> BadRequest {
    BadRequest(message)
}

fn per_page(params: &[(String, String)]) -> Result<usize, BadRequest> {
    let Some(text) = param(params, "per_page").or_else(|| param(params, "per-page")) else {
        return Ok(25);
    };
    match text.parse::<usize>() {
        Ok(n) if (1..=MAX_PER_PAGE).contains(&n) => Ok(n),
        _ => Err(bad_request(format!(
            "per-page parameter must be between 1 and {MAX_PER_PAGE}, not {text}"
        ))),
    }
}

/// A parsed `filter` clause.
enum Clause {
    Lineage(Vec<String>),
    Ror(Vec<String>),
    InstitutionId(Vec<String>),
    Year(Vec<(i64, i64)>),
    WorkId(Vec<String>),
}

fn parse_filter(text: &str) -> Result<Vec<Clause>, BadRequest> {
    let mut clauses = Vec::new();
    for part in text.split(',').filter(|p| !p.trim().is_empty()) {
        let Some((key, value)) = part.split_once(':') else {
            return Err(bad_request(format!(
                "Invalid filter {part:?}: expected field:value"
            )));
        };
        let values: Vec<&str> = value
            .split('|')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect();
        if values.is_empty() {
            return Err(bad_request(format!("Invalid filter {part:?}: no value")));
        }
        if values.len() > MAX_OR_VALUES {
            return Err(bad_request(format!(
                "Maximum number of values exceeded for {key}. Decrease values to {MAX_OR_VALUES} or below."
            )));
        }
        let ids = || values.iter().map(|v| short_id(v)).collect::<Vec<_>>();
        clauses.push(match key.trim() {
            "authorships.institutions.lineage" | "institutions.lineage" => Clause::Lineage(ids()),
            "authorships.institutions.ror" | "institutions.ror" => {
                Clause::Ror(values.iter().map(|v| bare_ror(v)).collect())
            }
            "authorships.institutions.id" | "institutions.id" | "institution.id" => {
                Clause::InstitutionId(ids())
            }
            "ids.openalex" | "openalex" | "openalex_id" => Clause::WorkId(ids()),
            "publication_year" => {
                let mut ranges = Vec::new();
                for v in &values {
                    let year = |s: &str| {
                        s.trim().parse::<i64>().map_err(|_| {
                            bad_request(format!("Invalid filter: publication_year:{v}"))
                        })
                    };
                    ranges.push(if let Some(rest) = v.strip_prefix('>') {
                        (year(rest)? + 1, i64::MAX)
                    } else if let Some(rest) = v.strip_prefix('<') {
                        (i64::MIN, year(rest)? - 1)
                    } else if let Some((a, b)) = v.split_once('-') {
                        (year(a)?, year(b)?)
                    } else {
                        (year(v)?, year(v)?)
                    });
                }
                Clause::Year(ranges)
            }
            other => {
                return Err(bad_request(format!(
                    "{other} is not a valid field for filtering works"
                )));
            }
        });
    }
    Ok(clauses)
}

/// Matching looks at the author list as lists serve it: cut at 100, as the real API does.
fn matches(work: &Value, clauses: &[Clause]) -> bool {
    let institution_values = |key: &str| -> Vec<String> {
        authorship_institutions(work, LIST_AUTHORS)
            .flat_map(|inst| match inst.get(key) {
                Some(Value::String(s)) => vec![s.clone()],
                Some(Value::Array(list)) => list
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                _ => vec![],
            })
            .collect()
    };
    clauses.iter().all(|clause| match clause {
        Clause::Lineage(ids) => institution_values("lineage")
            .iter()
            .any(|l| ids.contains(&short_id(l))),
        Clause::InstitutionId(ids) => institution_values("id")
            .iter()
            .any(|l| ids.contains(&short_id(l))),
        Clause::Ror(rors) => institution_values("ror")
            .iter()
            .any(|r| rors.contains(&bare_ror(r))),
        Clause::WorkId(ids) => work
            .get("id")
            .and_then(Value::as_str)
            .is_some_and(|id| ids.contains(&short_id(id))),
        Clause::Year(ranges) => work
            .get("publication_year")
            .and_then(Value::as_i64)
            .is_some_and(|y| ranges.iter().any(|(a, b)| (*a..=*b).contains(&y))),
    })
}

/// Root fields of a work that `select` accepts.
const WORK_FIELDS: &[&str] = &[
    "id",
    "doi",
    "title",
    "display_name",
    "relevance_score",
    "publication_year",
    "publication_date",
    "ids",
    "language",
    "primary_location",
    "type",
    "type_crossref",
    "indexed_in",
    "open_access",
    "authorships",
    "institution_assertions",
    "countries_distinct_count",
    "institutions_distinct_count",
    "corresponding_author_ids",
    "corresponding_institution_ids",
    "apc_list",
    "apc_paid",
    "fwci",
    "has_fulltext",
    "fulltext_origin",
    "cited_by_count",
    "citation_normalized_percentile",
    "cited_by_percentile_year",
    "biblio",
    "is_retracted",
    "is_paratext",
    "primary_topic",
    "topics",
    "keywords",
    "concepts",
    "mesh",
    "locations_count",
    "locations",
    "best_oa_location",
    "sustainable_development_goals",
    "grants",
    "datasets",
    "versions",
    "referenced_works_count",
    "referenced_works",
    "related_works",
    "abstract_inverted_index",
    "cited_by_api_url",
    "counts_by_year",
    "updated_date",
    "created_date",
    "is_authors_truncated",
];

fn select_fields(work: &Value, select: Option<&str>) -> Result<Value, BadRequest> {
    let Some(select) = select else {
        return Ok(work.clone());
    };
    let mut out = Map::new();
    for field in select.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        if !WORK_FIELDS.contains(&field) {
            return Err(bad_request(format!("{field} is not a valid select field")));
        }
        if let Some(v) = work.get(field) {
            out.insert(field.to_string(), v.clone());
        }
    }
    // Like the real API, the flag stays visible whenever the list was cut.
    if let Some(flag) = work.get("is_authors_truncated") {
        out.insert("is_authors_truncated".into(), flag.clone());
    }
    Ok(Value::Object(out))
}

/// A work as a list response shows it: at most 100 authorships, flagged when cut.
fn as_listed(work: &Value) -> Value {
    let mut work = work.clone();
    if let Some(authorships) = work.get_mut("authorships").and_then(Value::as_array_mut)
        && authorships.len() > LIST_AUTHORS
    {
        authorships.truncate(LIST_AUTHORS);
        work["is_authors_truncated"] = Value::Bool(true);
    }
    work
}

fn encode_cursor(offset: usize) -> String {
    format!("c{:x}", (offset as u64) ^ 0x5eed_5eed)
}

fn decode_cursor(cursor: &str) -> Option<usize> {
    if cursor == "*" {
        return Some(0);
    }
    let n = u64::from_str_radix(cursor.strip_prefix('c')?, 16).ok()?;
    Some((n ^ 0x5eed_5eed) as usize)
}

fn list_works(shared: &Shared, params: &[(String, String)]) -> Result<Value, BadRequest> {
    let per_page = per_page(params)?;
    let clauses = match param(params, "filter") {
        Some(f) => parse_filter(f)?,
        None => vec![],
    };
    let matching: Vec<&Value> = shared
        .listed
        .iter()
        .filter(|w| matches(w, &clauses))
        .collect();
    let count = matching.len();
    let (start, page_number, next_cursor) = match (param(params, "cursor"), param(params, "page")) {
        (Some(_), Some(_)) => {
            return Err(bad_request(
                "cursor and page cannot be used together".into(),
            ));
        }
        (Some(cursor), None) => {
            let Some(offset) = decode_cursor(cursor) else {
                return Err(bad_request(format!("{cursor} is not a valid cursor")));
            };
            let next = (offset < count).then(|| encode_cursor(offset + per_page));
            (offset, Value::Null, next)
        }
        (None, page) => {
            let page: usize = match page.map(str::parse) {
                None => 1,
                Some(Ok(n)) if n >= 1 => n,
                Some(_) => return Err(bad_request("page must be a positive number".into())),
            };
            if page * per_page > MAX_BASIC_RESULTS {
                return Err(bad_request(format!(
                    "Maximum results size of {MAX_BASIC_RESULTS} records is exceeded. Cursor pagination is required \
                     for records beyond {MAX_BASIC_RESULTS}."
                )));
            }
            ((page - 1) * per_page, json!(page), None)
        }
    };
    let select = param(params, "select");
    let mut results = Vec::new();
    for work in matching.iter().skip(start).take(per_page) {
        results.push(select_fields(work, select)?);
    }
    Ok(json!({
        "meta": {
            "count": count,
            "db_response_time_ms": 1,
            "page": page_number,
            "per_page": per_page,
            "next_cursor": next_cursor,
            "groups_count": null
        },
        "results": results,
        "group_by": []
    }))
}

fn list_institutions(shared: &Shared, params: &[(String, String)]) -> Result<Value, BadRequest> {
    let per_page = per_page(params)?;
    let mut rors: Option<Vec<String>> = None;
    if let Some(filter) = param(params, "filter") {
        for part in filter.split(',') {
            let Some(("ror", values)) = part.split_once(':') else {
                return Err(bad_request(format!(
                    "{part} is not a valid filter for institutions in this server"
                )));
            };
            let values: Vec<String> = values.split('|').map(bare_ror).collect();
            if values.len() > MAX_OR_VALUES {
                return Err(bad_request(format!(
                    "Maximum number of values exceeded for ror. Decrease values to {MAX_OR_VALUES} or below."
                )));
            }
            rors = Some(values);
        }
    }
    let matching: Vec<&Value> = shared
        .institutions
        .iter()
        .filter(|inst| match &rors {
            None => true,
            Some(rors) => inst
                .get("ror")
                .and_then(Value::as_str)
                .is_some_and(|r| rors.contains(&bare_ror(r))),
        })
        .collect();
    let select: Option<Vec<&str>> =
        param(params, "select").map(|s| s.split(',').map(str::trim).collect());
    let results: Vec<Value> = matching
        .iter()
        .take(per_page)
        .map(|inst| match &select {
            None => (*inst).clone(),
            Some(fields) => Value::Object(
                fields
                    .iter()
                    .filter_map(|f| Some((f.to_string(), inst.get(*f)?.clone())))
                    .collect(),
            ),
        })
        .collect();
    Ok(json!({
        "meta": { "count": matching.len(), "db_response_time_ms": 1, "page": 1, "per_page": per_page, "next_cursor": null, "groups_count": null },
        "results": results,
        "group_by": []
    }))
}

/// `../shared/data` from the workspace root.
pub fn shared_data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// The real works in `../shared/data/openalex` (`works_api_591.jsonl.gz` and `api_page_200works.json`),
/// one record per id (the greater `updated_date`; on a tie, the API page), or `None` when absent.
pub fn shared_data_works() -> Option<Vec<Value>> {
    let dir = shared_data_dir().join("openalex");
    let lines_path = dir.join("works_api_591.jsonl.gz");
    let page_path = dir.join("api_page_200works.json");
    if !lines_path.is_file() || !page_path.is_file() {
        return None;
    }
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(&lines_path).ok()?)
        .read_to_string(&mut text)
        .ok()?;
    let mut all: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("shared data line"))
        .collect();
    let page: Value = serde_json::from_slice(&std::fs::read(&page_path).ok()?).ok()?;
    all.extend(page["results"].as_array()?.iter().cloned());
    let mut by_id: BTreeMap<String, Value> = BTreeMap::new();
    for work in all {
        let Some(id) = work.get("id").and_then(Value::as_str).map(short_id) else {
            continue;
        };
        let newer = |old: &Value| {
            work.get("updated_date").and_then(Value::as_str)
                >= old.get("updated_date").and_then(Value::as_str)
        };
        if by_id.get(&id).is_none_or(newer) {
            by_id.insert(id, work);
        }
    }
    Some(by_id.into_values().collect())
}

/// A generated institution: `I{900000+n}`, ROR `0gen{n:05}`; every fourth one is a child of the one before.
pub fn generated_institution(n: u64) -> Value {
    let id = format!("https://openalex.org/I{}", 900_000 + n);
    let mut lineage = vec![Value::String(id.clone())];
    if n.is_multiple_of(4) && n > 0 {
        lineage.push(Value::String(format!(
            "https://openalex.org/I{}",
            900_000 + n - 1
        )));
    }
    let countries = ["GB", "US", "DE", "CN", "FR", "AU"];
    json!({
        "id": id,
        "display_name": format!("Generated Institution {n}"),
        "ror": format!("https://ror.org/0gen{n:05}"),
        "country_code": countries[(n as usize) % countries.len()],
        "type": "education",
        "lineage": lineage
    })
}

/// `n` deterministic OpenAlex-shaped works over 40 generated institutions, ids from `W{first_id}`.
pub fn generated_works(n: usize, first_id: u64) -> Vec<Value> {
    (0..n as u64)
        .map(|k| {
            let authors = 1 + (k % 5) as usize;
            let authorships: Vec<Value> = (0..authors)
                .map(|a| {
                    let inst = generated_institution((k * 7 + a as u64 * 3) % 40 + 1);
                    let country = inst["country_code"].clone();
                    json!({
                        "author_position": if a == 0 { "first" } else { "middle" },
                        "author": { "id": format!("https://openalex.org/A{}", 5_000_000 + k * 10 + a as u64), "display_name": format!("Author {k}-{a}") },
                        "institutions": [inst],
                        "countries": [country],
                        "is_corresponding": a == 0,
                        "raw_author_name": format!("Author {k}-{a}"),
                        "raw_affiliation_strings": ["Generated Institution"]
                    })
                })
                .collect();
            json!({
                "id": format!("https://openalex.org/W{}", first_id + k),
                "doi": format!("https://doi.org/10.5555/gen.{k}"),
                "title": format!("Generated work {k}"),
                "display_name": format!("Generated work {k}"),
                "publication_year": 2000 + (k % 25) as i64,
                "publication_date": format!("{}-06-01", 2000 + k % 25),
                "type": "article",
                "language": "en",
                "is_paratext": false,
                "is_retracted": false,
                "cited_by_count": k % 17,
                "updated_date": "2024-06-01T00:00:00",
                "authorships": authorships,
                "countries_distinct_count": 1
            })
        })
        .collect()
}

/// A work with `authors` authorships cycling over `institutions`: lists cut it at 100.
pub fn big_team_work(id: u64, authors: usize, institutions: &[Value], year: i64) -> Value {
    let authorships: Vec<Value> = (0..authors)
        .map(|a| {
            let inst = institutions[a % institutions.len()].clone();
            let country = inst.get("country_code").cloned().unwrap_or(Value::Null);
            json!({
                "author_position": if a == 0 { "first" } else if a + 1 == authors { "last" } else { "middle" },
                "author": { "id": format!("https://openalex.org/A{}", 7_000_000 + a), "display_name": format!("Team member {a}") },
                "institutions": [inst],
                "countries": [country],
                "is_corresponding": false,
                "raw_author_name": format!("Team member {a}"),
                "raw_affiliation_strings": []
            })
        })
        .collect();
    json!({
        "id": format!("https://openalex.org/W{id}"),
        "doi": format!("https://doi.org/10.5555/team.{id}"),
        "title": "A large-team measurement",
        "display_name": "A large-team measurement",
        "publication_year": year,
        "publication_date": format!("{year}-03-01"),
        "type": "article",
        "is_paratext": false,
        "is_retracted": false,
        "updated_date": "2025-01-15T00:00:00",
        "authorships": authorships
    })
}

/// Every row of every table of the store's current version, rendered as text and sorted, by table name:
/// two stores hold the same data exactly when these are equal.
pub fn store_table_rows(store: &std::path::Path) -> BTreeMap<String, Vec<String>> {
    use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let current = store.join("current");
    let mut tables = BTreeMap::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&current)
        .unwrap_or_else(|e| panic!("{}: {e}", current.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut rows = Vec::new();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("table folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "parquet"))
            .collect();
        files.sort();
        for file in files {
            let reader = ParquetRecordBatchReaderBuilder::try_new(
                std::fs::File::open(&file).expect("open parquet"),
            )
            .expect("parquet")
            .build()
            .expect("reader");
            for batch in reader {
                let batch = batch.expect("batch");
                let options = FormatOptions::default().with_null("∅");
                let formatters: Vec<ArrayFormatter> = batch
                    .columns()
                    .iter()
                    .map(|c| ArrayFormatter::try_new(c.as_ref(), &options).expect("formatter"))
                    .collect();
                for row in 0..batch.num_rows() {
                    let cells: Vec<String> = formatters
                        .iter()
                        .map(|f| f.value(row).to_string())
                        .collect();
                    rows.push(cells.join(" | "));
                }
            }
        }
        rows.sort();
        tables.insert(
            dir.file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned(),
            rows,
        );
    }
    tables
}
