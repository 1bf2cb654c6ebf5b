//! Shared helpers for the pull tests: a corpus, a client pointed at the mock server, page readers.
#![allow(dead_code)]

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tandem_pull::mock::{MockConfig, MockOpenAlex, generated_works, shared_data_works};
use tandem_pull::{ClientConfig, FetchOptions, Puller, RetryPolicy, Silent, Target};

/// The real works when `../shared/data` is there, else generated ones (and a note saying so).
pub fn corpus() -> Vec<Value> {
    match shared_data_works() {
        Some(works) => works,
        None => {
            eprintln!("../shared/data/openalex is absent: using generated works");
            generated_works(600, 3_000_000)
        }
    }
}

/// ROR ids of a few institutions in the corpus, including one whose child institutions cite it only
/// through `lineage` when the real data is present (Oxford).
pub fn group_rors(works: &[Value]) -> Vec<String> {
    let wanted = [
        "https://ror.org/052gg0110",
        "https://ror.org/05q3vnk25",
        "https://ror.org/01zgy1s35",
    ];
    let present: Vec<String> = wanted
        .iter()
        .filter(|r| {
            institutions(works)
                .iter()
                .any(|i| i.get("ror").and_then(Value::as_str) == Some(**r))
        })
        .map(|r| r.to_string())
        .collect();
    if !present.is_empty() {
        return present;
    }
    // Generated corpus: institution 3 is the parent of institution 4.
    vec![
        "https://ror.org/0gen00003".into(),
        "https://ror.org/0gen00011".into(),
    ]
}

pub fn institutions(works: &[Value]) -> Vec<Value> {
    works
        .iter()
        .flat_map(|w| w["authorships"].as_array().cloned().unwrap_or_default())
        .flat_map(|a| a["institutions"].as_array().cloned().unwrap_or_default())
        .collect()
}

/// The OpenAlex ids of the institutions with these ROR ids.
pub fn openalex_ids_of(works: &[Value], rors: &[String]) -> BTreeSet<String> {
    institutions(works)
        .into_iter()
        .filter(|i| {
            i["ror"]
                .as_str()
                .is_some_and(|r| rors.iter().any(|x| x == r))
        })
        .filter_map(|i| i["id"].as_str().map(short))
        .collect()
}

pub fn short(id: &str) -> String {
    id.rsplit('/').next().unwrap_or(id).to_string()
}

/// Works that count for the members under DESIGN.md: some authorship institution has a member in its
/// lineage. Computed here, independently of the server.
pub fn expected_ids(
    works: &[Value],
    member_ids: &BTreeSet<String>,
    years: Option<(i64, i64)>,
) -> BTreeSet<String> {
    works
        .iter()
        .filter(|w| match years {
            None => true,
            Some((a, b)) => w["publication_year"]
                .as_i64()
                .is_some_and(|y| y >= a && y <= b),
        })
        .filter(|w| {
            w["authorships"]
                .as_array()
                .into_iter()
                .flatten()
                .take(100)
                .any(|a| {
                    a["institutions"].as_array().into_iter().flatten().any(|i| {
                        i["lineage"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .any(|l| l.as_str().is_some_and(|l| member_ids.contains(&short(l))))
                    })
                })
        })
        .filter_map(|w| w["id"].as_str().map(short))
        .collect()
}

pub fn start(works: Vec<Value>) -> MockOpenAlex {
    MockOpenAlex::start(MockConfig {
        works,
        ..MockConfig::default()
    })
}

/// A client for the mock: fast rate and short backoff so tests stay quick.
pub fn client_config(server: &MockOpenAlex) -> ClientConfig {
    ClientConfig {
        api_url: server.url().to_string(),
        api_key: None,
        mailto: Some("analyst@example.org".into()),
        requests_per_second: 500.0,
        retry: RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(200),
            max_retry_after: Duration::from_secs(5),
        },
        timeout: Duration::from_secs(20),
    }
}

pub fn puller(config: ClientConfig, store: &Path) -> Puller {
    tandem_pull::puller(config, FetchOptions::new(store), Arc::new(Silent)).unwrap()
}

/// Plans, estimates and fetches; returns the plan.
pub async fn run(
    puller: &Puller,
    target: &Target,
) -> Result<tandem_pull::Plan, tandem_pull::PullError> {
    let plan = tandem_pull::make_plan(puller, target, None).await?;
    let estimate = puller.estimate(&plan).await?;
    puller.fetch(&estimate).await?;
    Ok(plan)
}

/// Every work id in a query's saved pages, in page order (duplicates kept).
pub fn page_ids(store: &Path, plan: &tandem_pull::Plan) -> Vec<String> {
    let mut ids = Vec::new();
    for saved in tandem_pull::saved_queries(store, plan).unwrap() {
        for page in saved.pages {
            let bytes = gunzip(&page);
            let value: Value = serde_json::from_slice(&bytes).unwrap();
            for w in value["results"].as_array().unwrap() {
                ids.push(short(w["id"].as_str().unwrap()));
            }
        }
    }
    ids
}

pub fn gunzip(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut out)
        .unwrap();
    out
}

pub fn shared_data_present() -> bool {
    shared_data_works().is_some()
}
