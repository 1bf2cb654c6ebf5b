//! The test server keeps the API's list rules, so the client is tested against them.

use serde_json::Value;
use tandem_pull::mock::{
    MockConfig, MockOpenAlex, big_team_work, generated_institution, generated_works,
};

async fn get(server: &MockOpenAlex, query: &str) -> (u16, Value) {
    // reqwest is built without a crypto provider in the workspace (see src/client.rs); `reqwest::get`
    // builds its own client, so the provider must be installed first, as `ApiClient::new` does.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let response = reqwest::get(format!("{}{query}", server.url()))
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn list_rules_of_the_api_hold() {
    let mut works = generated_works(10_050, 20_000_000);
    works.push(big_team_work(
        29_000_000,
        120,
        &[generated_institution(5)],
        2020,
    ));
    let server = MockOpenAlex::start(MockConfig {
        works,
        ..MockConfig::default()
    });

    let (status, body) = get(&server, "/works?per_page=201").await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = get(&server, "/works?per_page=200&page=50").await;
    assert_eq!(status, 200);
    assert_eq!(body["meta"]["count"], 10_051);
    assert_eq!(body["results"].as_array().unwrap().len(), 200);
    let (status, body) = get(&server, "/works?per_page=200&page=51").await;
    assert_eq!(status, 400, "basic paging stops at 10,000 results");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("Cursor pagination is required")
    );

    let many: Vec<String> = (0..101).map(|i| format!("I{i}")).collect();
    let (status, _) = get(
        &server,
        &format!(
            "/works?filter=authorships.institutions.lineage:{}",
            many.join("|")
        ),
    )
    .await;
    assert_eq!(status, 400, "at most 100 OR values");
    let (status, _) = get(&server, "/works?select=id,nonsense").await;
    assert_eq!(status, 400);
    let (status, _) = get(&server, "/works?filter=author_name:x").await;
    assert_eq!(status, 400);

    let (_, body) = get(
        &server,
        "/works?filter=publication_year:2020,ids.openalex:W29000000&select=id,authorships",
    )
    .await;
    let work = &body["results"][0];
    assert_eq!(work["authorships"].as_array().unwrap().len(), 100);
    assert_eq!(work["is_authors_truncated"], Value::Bool(true));
    assert!(
        work.get("title").is_none(),
        "select keeps only the fields asked for"
    );
    let (status, full) = get(&server, "/works/W29000000").await;
    assert_eq!(status, 200);
    assert_eq!(full["authorships"].as_array().unwrap().len(), 120);
    assert!(full.get("is_authors_truncated").is_none());

    // OR lists, ranges, ROR and institution-id filters.
    let (_, by_year) = get(
        &server,
        "/works?filter=publication_year:2001|2003&per_page=1",
    )
    .await;
    let (_, range) = get(
        &server,
        "/works?filter=publication_year:2001-2003&per_page=1",
    )
    .await;
    let (_, one) = get(&server, "/works?filter=publication_year:2002&per_page=1").await;
    let c = |v: &Value| v["meta"]["count"].as_u64().unwrap();
    assert_eq!(c(&by_year) + c(&one), c(&range));
    let (_, child) = get(
        &server,
        "/works?filter=authorships.institutions.id:I900004&per_page=1",
    )
    .await;
    let (_, parent) = get(
        &server,
        "/works?filter=authorships.institutions.id:I900003&per_page=1",
    )
    .await;
    let (_, lineage) = get(
        &server,
        "/works?filter=authorships.institutions.lineage:I900003&per_page=1",
    )
    .await;
    let (_, ror) = get(
        &server,
        "/works?filter=authorships.institutions.ror:https://ror.org/0gen00003&per_page=1",
    )
    .await;
    assert_eq!(c(&parent), c(&ror));
    assert!(
        c(&lineage) > c(&parent) && c(&lineage) <= c(&parent) + c(&child),
        "lineage includes the child"
    );

    // Cursor paging walks everything, past 10,000, and ends with an empty page.
    let mut cursor = "*".to_string();
    let mut seen = std::collections::BTreeSet::new();
    loop {
        let (status, page) = get(
            &server,
            &format!("/works?per_page=200&select=id&cursor={cursor}"),
        )
        .await;
        assert_eq!(status, 200);
        let results = page["results"].as_array().unwrap();
        for w in results {
            assert!(seen.insert(w["id"].as_str().unwrap().to_string()));
        }
        match page["meta"]["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => {
                assert!(results.is_empty());
                break;
            }
        }
    }
    assert_eq!(seen.len(), 10_051);

    let (_, institutions) = get(
        &server,
        "/institutions?filter=ror:https://ror.org/0gen00003|0gen00011&select=id,ror",
    )
    .await;
    assert_eq!(institutions["meta"]["count"], 2);
}
