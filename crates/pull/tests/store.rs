//! What a pull leaves in the store equals ingesting the same works directly.

mod common;

use common::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use tandem_pull::mock::{Fault, MockConfig, MockOpenAlex, big_team_work, store_table_rows};
use tandem_pull::{FetchOptions, Silent, Target, ingest_pulled, saved_queries};
use tandem_store::IngestOptions;

/// Ingests `works` as one saved API response, the way a user would with `tandem ingest openalex`.
fn ingest_directly(works: &[Value], store: &std::path::Path) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("works.json");
    let page = json!({ "meta": { "count": works.len() }, "results": works });
    std::fs::write(&file, serde_json::to_vec(&page).unwrap()).unwrap();
    let inputs = tandem_openalex::inputs_from_paths(&[file]).unwrap();
    tandem_store::ingest(store, inputs, &IngestOptions::default()).unwrap();
}

#[tokio::test]
async fn a_pull_gives_the_same_store_as_ingesting_those_works_directly() {
    let mut works = corpus();
    let rors = group_rors(&works);
    let members = openalex_ids_of(&works, &rors);
    // A large-team paper whose member authors sit beyond position 100 in part: lists truncate it.
    let member_institutions: Vec<Value> = institutions(&works)
        .into_iter()
        .filter(|i| {
            i["ror"]
                .as_str()
                .is_some_and(|r| rors.iter().any(|x| x == r))
        })
        .take(2)
        .collect();
    let other: Vec<Value> = institutions(&works)
        .into_iter()
        .filter(|i| {
            i["ror"]
                .as_str()
                .is_some_and(|r| !rors.iter().any(|x| x == r))
        })
        .take(3)
        .collect();
    let team: Vec<Value> = other
        .iter()
        .chain(member_institutions.iter())
        .cloned()
        .collect();
    works.push(big_team_work(99_000_001, 140, &team, 2022));
    let expected = expected_ids(&works, &members, None);
    assert!(expected.contains("W99000001"));

    let faults = BTreeMap::from([
        (3, Fault::DropConnection),
        (
            4,
            Fault::TooManyRequests {
                retry_after_secs: 0,
            },
        ),
    ]);
    let server = MockOpenAlex::start(MockConfig {
        works: works.clone(),
        faults,
        ..MockConfig::default()
    });
    let pulled = tempfile::tempdir().unwrap();
    let puller = tandem_pull::puller(
        client_config(&server),
        FetchOptions {
            per_page: 50,
            ..FetchOptions::new(pulled.path())
        },
        Arc::new(Silent),
    )
    .unwrap();
    let plan = run(&puller, &Target::Institutions(rors.clone()))
        .await
        .unwrap();
    let saved = saved_queries(pulled.path(), &plan).unwrap();
    let ingested = ingest_pulled(pulled.path(), &saved, &IngestOptions::default()).unwrap();
    assert_eq!(ingested.truncated_copies_replaced, 1);
    assert_eq!(ingested.summary.record.rejects, 0);

    let matching: Vec<Value> = works
        .iter()
        .filter(|w| expected.contains(&short(w["id"].as_str().unwrap())))
        .cloned()
        .collect();
    let direct = tempfile::tempdir().unwrap();
    ingest_directly(&matching, direct.path());

    let pulled_rows = store_table_rows(pulled.path());
    let direct_rows = store_table_rows(direct.path());
    assert_eq!(
        pulled_rows.keys().collect::<Vec<_>>(),
        direct_rows.keys().collect::<Vec<_>>()
    );
    for (table, rows) in &direct_rows {
        assert_eq!(
            pulled_rows[table].len(),
            rows.len(),
            "table {table}: row counts differ"
        );
        for (a, b) in pulled_rows[table].iter().zip(rows) {
            assert_eq!(a, b, "table {table}");
        }
    }
    assert_eq!(pulled_rows["works"].len(), expected.len());
    let team_authors = pulled_rows["authorships"]
        .iter()
        .filter(|r| r.starts_with("99000001 |"))
        .count();
    assert_eq!(
        team_authors, 140,
        "the truncated-author work arrives complete"
    );
}

#[tokio::test]
async fn works_found_by_two_queries_are_stored_once_and_a_second_pull_changes_nothing() {
    let works = corpus();
    let rors = group_rors(&works);
    let server = start(works.clone());
    let store = tempfile::tempdir().unwrap();
    let puller = puller(client_config(&server), store.path());
    // Two overlapping filters over the same store.
    let members = openalex_ids_of(&works, &rors);
    let ids: Vec<String> = members.iter().cloned().collect();
    let first = Target::Filter(format!(
        "authorships.institutions.lineage:{}",
        ids.join("|")
    ));
    let second = Target::Filter(format!(
        "authorships.institutions.lineage:{}",
        ids[..1].join("|")
    ));
    let plan_a = run(&puller, &first).await.unwrap();
    let plan_b = run(&puller, &second).await.unwrap();
    let mut saved = saved_queries(store.path(), &plan_a).unwrap();
    saved.extend(saved_queries(store.path(), &plan_b).unwrap());
    let overlap = page_ids(store.path(), &plan_b).len();
    assert!(overlap > 0);
    ingest_pulled(store.path(), &saved, &IngestOptions::default()).unwrap();
    let rows = store_table_rows(store.path());
    assert_eq!(
        rows["works"].len(),
        expected_ids(&works, &members, None).len(),
        "each work once"
    );

    // Ingesting the same pull again is an upsert of identical records.
    ingest_pulled(store.path(), &saved, &IngestOptions::default()).unwrap();
    assert_eq!(store_table_rows(store.path()), rows);
}
