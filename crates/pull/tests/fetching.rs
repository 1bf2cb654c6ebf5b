//! The pull against a local OpenAlex-like server: planning, paging, faults, resume, budget, keys.

mod common;

use common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;
use tandem_pull::mock::{Fault, MockConfig, MockOpenAlex, big_team_work, generated_works};
use tandem_pull::{
    Checkpoint, FetchOptions, PullError, QueryDir, Silent, Target, Verdict, YearRange, reconcile,
    saved_queries,
};

#[tokio::test]
async fn group_pull_fetches_every_lineage_work_once_with_cursor_paging_and_select() {
    let works = corpus();
    let rors = group_rors(&works);
    let members = openalex_ids_of(&works, &rors);
    let expected = expected_ids(&works, &members, None);
    // The real sample gives 18 works for these three members (11 name one of them, 7 more a child
    // institution); the generated corpus gives more.
    assert!(
        expected.len() > 10,
        "the test group must have works: {}",
        expected.len()
    );
    let server = start(works.clone());
    let store = tempfile::tempdir().unwrap();
    let puller = puller(client_config(&server), store.path());
    let plan = run(&puller, &Target::Institutions(rors.clone()))
        .await
        .unwrap();

    assert_eq!(
        plan.queries.len(),
        1,
        "a small group is one OR-combined query"
    );
    assert!(
        plan.queries[0]
            .filter
            .starts_with("authorships.institutions.lineage:")
    );
    assert_eq!(plan.resolved.len(), rors.len());
    let ids = page_ids(store.path(), &plan);
    let distinct: BTreeSet<String> = ids.iter().cloned().collect();
    assert_eq!(ids.len(), distinct.len(), "no work twice");
    assert_eq!(
        distinct, expected,
        "exactly the works that count for the group under DESIGN.md"
    );

    // The lineage filter finds more than the institutions' own ids would (children count too).
    let direct: BTreeSet<String> = works
        .iter()
        .filter(|w| {
            w["authorships"].as_array().into_iter().flatten().any(|a| {
                a["institutions"].as_array().into_iter().flatten().any(|i| {
                    i["id"]
                        .as_str()
                        .is_some_and(|id| members.contains(&short(id)))
                })
            })
        })
        .filter_map(|w| w["id"].as_str().map(short))
        .collect();
    if common::shared_data_present() {
        assert!(
            expected.len() > direct.len(),
            "lineage adds child-institution works: {} vs {}",
            expected.len(),
            direct.len()
        );
    }

    let requests = server.requests();
    let institution_calls: Vec<_> = requests
        .iter()
        .filter(|r| r.path == "/institutions")
        .collect();
    assert_eq!(institution_calls.len(), 1);
    assert!(
        institution_calls[0]
            .param("filter")
            .unwrap()
            .starts_with("ror:https://ror.org/")
    );
    let pages: Vec<_> = requests
        .iter()
        .filter(|r| r.path == "/works" && r.param("cursor").is_some())
        .collect();
    assert_eq!(pages[0].param("cursor"), Some("*"));
    for page in &pages {
        assert_eq!(page.param("per_page"), Some("200"));
        assert_eq!(
            page.param("select"),
            Some(tandem_pull::plan::WORK_SELECT.join(",").as_str())
        );
        assert_eq!(page.param("mailto"), Some("analyst@example.org"));
        assert!(page.param("page").is_none(), "cursor paging only");
    }
    assert_eq!(
        pages.len() as u64,
        (expected.len() as u64).div_ceil(200) + 1,
        "pages plus the empty page ending the cursor"
    );

    let report = reconcile(&saved_queries(store.path(), &plan).unwrap()).unwrap();
    assert_eq!(report.queries[0].verdict, Verdict::Exact);
    assert_eq!(report.queries[0].expected, expected.len() as u64);
    assert_eq!(report.distinct_works, expected.len() as u64);
}

#[tokio::test]
async fn retries_through_429_503_a_dropped_connection_and_a_malformed_page() {
    let works = generated_works(900, 4_000_000);
    let filter = "publication_year:2000-2024".to_string();
    let clean = start(works.clone());
    let clean_store = tempfile::tempdir().unwrap();
    let plan = run(
        &puller(client_config(&clean), clean_store.path()),
        &Target::Filter(filter.clone()),
    )
    .await
    .unwrap();
    let clean_ids = page_ids(clean_store.path(), &plan);
    assert_eq!(clean_ids.len(), 900);

    // Request 1 is the count; 2.. are pages.
    let faults = BTreeMap::from([
        (
            2,
            Fault::TooManyRequests {
                retry_after_secs: 1,
            },
        ),
        (3, Fault::ServiceUnavailable),
        (5, Fault::DropConnection),
        (7, Fault::MalformedPage),
    ]);
    let flaky = MockOpenAlex::start(MockConfig {
        works,
        faults,
        ..MockConfig::default()
    });
    let store = tempfile::tempdir().unwrap();
    let plan = run(
        &puller(client_config(&flaky), store.path()),
        &Target::Filter(filter),
    )
    .await
    .unwrap();
    assert_eq!(
        page_ids(store.path(), &plan),
        clean_ids,
        "faults change nothing in what is saved"
    );

    let requests = flaky.requests();
    let statuses: Vec<u16> = requests.iter().map(|r| r.status).collect();
    assert_eq!(&statuses[1..3], &[429, 503]);
    // Retry-After: 1 was honoured: nothing was sent for a second after the 429. (The log is in order;
    // the wait is measured by the test's own clock around a second fetch below.)
    let started = std::time::Instant::now();
    let again = MockOpenAlex::start(MockConfig {
        works: generated_works(10, 4_100_000),
        faults: BTreeMap::from([(
            2,
            Fault::TooManyRequests {
                retry_after_secs: 1,
            },
        )]),
        ..MockConfig::default()
    });
    let store2 = tempfile::tempdir().unwrap();
    run(
        &puller(client_config(&again), store2.path()),
        &Target::Filter("publication_year:2000-2024".into()),
    )
    .await
    .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After must be waited out"
    );
    let report = reconcile(&saved_queries(store.path(), &plan).unwrap()).unwrap();
    assert_eq!(report.queries[0].verdict, Verdict::Exact);
}

#[tokio::test]
async fn gives_up_with_a_clear_error_after_the_last_attempt() {
    let faults: BTreeMap<u64, Fault> = (2..=20).map(|n| (n, Fault::ServiceUnavailable)).collect();
    let server = MockOpenAlex::start(MockConfig {
        works: generated_works(50, 4_200_000),
        faults,
        ..MockConfig::default()
    });
    let store = tempfile::tempdir().unwrap();
    let err = run(
        &puller(client_config(&server), store.path()),
        &Target::Filter("publication_year:2000-2024".into()),
    )
    .await
    .unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, PullError::RetriesExhausted { attempts: 6, .. }),
        "{text}"
    );
    assert!(
        text.contains("HTTP 503") && text.contains("resume"),
        "{text}"
    );
}

#[tokio::test]
async fn an_interrupted_pull_resumes_where_it_stopped_and_equals_an_uninterrupted_one() {
    let works = generated_works(1_000, 5_000_000);
    let target = Target::Filter("publication_year:2000-2024".into());
    let options = |store: &std::path::Path| FetchOptions {
        per_page: 100,
        ..FetchOptions::new(store)
    };

    let whole_server = start(works.clone());
    let whole_store = tempfile::tempdir().unwrap();
    let whole = tandem_pull::puller(
        client_config(&whole_server),
        options(whole_store.path()),
        Arc::new(Silent),
    )
    .unwrap();
    let plan = run(&whole, &target).await.unwrap();
    let uninterrupted = page_ids(whole_store.path(), &plan);

    // The 5th works request (page 4) fails for good: the run stops with 3 pages saved.
    let failing = MockOpenAlex::start(MockConfig {
        works: works.clone(),
        faults: BTreeMap::from([(5, Fault::Fatal)]),
        ..MockConfig::default()
    });
    let store = tempfile::tempdir().unwrap();
    let first = tandem_pull::puller(
        client_config(&failing),
        options(store.path()),
        Arc::new(Silent),
    )
    .unwrap();
    let err = run(&first, &target).await.unwrap_err();
    assert!(matches!(err, PullError::Http { status: 400, .. }), "{err}");
    let cp = Checkpoint::load(&QueryDir::new(store.path(), &plan.queries[0].id).checkpoint())
        .unwrap()
        .unwrap();
    assert_eq!(cp.pages, 3);
    assert!(!cp.paging_done);

    let healthy = start(works);
    let second = tandem_pull::puller(
        client_config(&healthy),
        options(store.path()),
        Arc::new(Silent),
    )
    .unwrap();
    let plan2 = run(&second, &target).await.unwrap();
    assert_eq!(plan2, plan);
    assert_eq!(
        page_ids(store.path(), &plan),
        uninterrupted,
        "no duplicates, no gaps"
    );
    let resumed: Vec<_> = healthy
        .requests()
        .into_iter()
        .filter(|r| r.param("cursor").is_some())
        .collect();
    assert_ne!(
        resumed[0].param("cursor"),
        Some("*"),
        "the resumed run starts from the saved cursor"
    );
    assert!(
        healthy
            .requests()
            .iter()
            .all(|r| r.param("per_page") != Some("1")),
        "no recount on resume"
    );
    assert_eq!(resumed.len(), 1_000 / 100 - 3 + 1);
}

#[tokio::test]
async fn a_kill_between_saving_a_page_and_its_checkpoint_fetches_that_page_again() {
    let works = generated_works(700, 5_100_000);
    let target = Target::Filter("publication_year:2000-2024".into());
    let server = start(works);
    let store = tempfile::tempdir().unwrap();
    let plan = run(&puller(client_config(&server), store.path()), &target)
        .await
        .unwrap();
    let complete = page_ids(store.path(), &plan);

    // Roll the checkpoint back as if the process died right after writing page 3.
    let dir = QueryDir::new(store.path(), &plan.queries[0].id);
    let mut cp = Checkpoint::load(&dir.checkpoint()).unwrap().unwrap();
    let cursors: Vec<String> = server
        .requests()
        .iter()
        .filter_map(|r| r.param("cursor").map(str::to_string))
        .collect();
    cp.pages = 2;
    cp.records = 400;
    cp.next_cursor = Some(cursors[2].clone());
    cp.paging_done = false;
    cp.latest_count = cp.expected_count;
    cp.save(&dir.checkpoint()).unwrap();

    run(&puller(client_config(&server), store.path()), &target)
        .await
        .unwrap();
    assert_eq!(page_ids(store.path(), &plan), complete);
}

#[tokio::test]
async fn stops_before_a_pull_that_would_exceed_the_daily_budget() {
    let works = generated_works(1_000, 6_000_000);
    let target = Target::Filter("publication_year:2000-2024".into());
    // The server reports a budget of 4 list calls; the pull needs 1 count + 6 pages.
    let server = MockOpenAlex::start(MockConfig {
        works: works.clone(),
        daily_budget: Some(4),
        ..MockConfig::default()
    });
    let store = tempfile::tempdir().unwrap();
    let puller = puller(client_config(&server), store.path());
    let plan = tandem_pull::make_plan(&puller, &target, None)
        .await
        .unwrap();
    let estimate = puller.estimate(&plan).await.unwrap();
    assert_eq!(estimate.queries[0].expected_works, 1_000);
    assert_eq!(estimate.queries[0].pages, 5);
    assert_eq!(estimate.calls_needed, 6);
    assert_eq!(estimate.budget.remaining_calls, 3);
    assert_eq!(estimate.budget.daily_calls, 4);
    assert!((estimate.share_of_daily_budget() - 1.5).abs() < 1e-9);
    let err = puller.fetch(&estimate).await.unwrap_err();
    assert!(
        matches!(
            err,
            PullError::BudgetExceeded {
                needed: 6,
                remaining: 3,
                daily: 4,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("--force"), "{err}");
    assert_eq!(server.list_calls(), 1, "nothing fetched after the count");

    // Without server figures, the configured budget and the store's own ledger decide; --force overrides.
    let plain = start(works);
    let store = tempfile::tempdir().unwrap();
    let opts = FetchOptions {
        daily_budget: 3,
        ..FetchOptions::new(store.path())
    };
    let limited =
        tandem_pull::puller(client_config(&plain), opts.clone(), Arc::new(Silent)).unwrap();
    let err = run(&limited, &target).await.unwrap_err();
    assert!(matches!(err, PullError::BudgetExceeded { .. }), "{err}");
    let forced = tandem_pull::puller(
        client_config(&plain),
        FetchOptions {
            force: true,
            ..opts
        },
        Arc::new(Silent),
    )
    .unwrap();
    let plan = run(&forced, &target).await.unwrap();
    assert_eq!(page_ids(store.path(), &plan).len(), 1_000);
    assert_eq!(
        tandem_pull::UsageLedger::load_today(store.path()).list_calls,
        1 + 1 + 6,
        "two counts and six pages"
    );
}

#[tokio::test]
async fn a_spent_budget_mid_pull_stops_with_a_resumable_error() {
    let server = MockOpenAlex::start(MockConfig {
        works: generated_works(1_000, 6_100_000),
        daily_budget: Some(3),
        ..MockConfig::default()
    });
    let store = tempfile::tempdir().unwrap();
    let opts = FetchOptions {
        force: true,
        ..FetchOptions::new(store.path())
    };
    let puller = tandem_pull::puller(client_config(&server), opts, Arc::new(Silent)).unwrap();
    let err = run(
        &puller,
        &Target::Filter("publication_year:2000-2024".into()),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, PullError::RateLimited { .. }), "{err}");
    assert!(err.to_string().contains("resume"), "{err}");
}

#[tokio::test]
async fn a_work_with_a_truncated_author_list_is_fetched_in_full() {
    let mut works = generated_works(300, 7_000_000);
    let members: Vec<Value> = (1..=3)
        .map(tandem_pull::mock::generated_institution)
        .collect();
    works.push(big_team_work(7_500_000, 150, &members, 2021));
    let server = start(works);
    let store = tempfile::tempdir().unwrap();
    let plan = run(
        &puller(client_config(&server), store.path()),
        &Target::Filter("publication_year:2021".into()),
    )
    .await
    .unwrap();

    let saved = saved_queries(store.path(), &plan).unwrap();
    assert_eq!(saved[0].checkpoint.truncated, vec!["W7500000".to_string()]);
    assert_eq!(saved[0].full_works.len(), 1);
    let listed: Value = serde_json::from_slice(&gunzip(&saved[0].pages[0])).unwrap();
    let cut = listed["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"].as_str().unwrap().ends_with("W7500000"))
        .unwrap();
    assert_eq!(cut["authorships"].as_array().unwrap().len(), 100);
    assert_eq!(cut["is_authors_truncated"], Value::Bool(true));
    let full: Value = serde_json::from_slice(&gunzip(&saved[0].full_works[0].1)).unwrap();
    assert_eq!(full["authorships"].as_array().unwrap().len(), 150);
    let single = server
        .requests()
        .into_iter()
        .find(|r| r.path == "/works/W7500000")
        .expect("single-work request");
    assert!(single.param("select").is_some());
    let report = reconcile(&saved).unwrap();
    assert_eq!(
        (
            report.queries[0].truncated_authors,
            report.queries[0].refetched
        ),
        (1, 1)
    );
}

#[tokio::test]
async fn the_api_key_is_sent_as_the_api_key_parameter() {
    let server = MockOpenAlex::start(MockConfig {
        works: generated_works(250, 8_000_000),
        api_key: Some("k-123".into()),
        ..MockConfig::default()
    });
    let store = tempfile::tempdir().unwrap();
    let mut config = client_config(&server);
    config.api_key = Some("k-123".into());
    let plan = run(
        &puller(config, store.path()),
        &Target::Institutions(vec!["0gen00003".into()]),
    )
    .await
    .unwrap();
    assert!(!page_ids(store.path(), &plan).is_empty());
    let requests = server.requests();
    assert!(requests.len() >= 3);
    assert!(
        requests
            .iter()
            .all(|r| r.param("api_key") == Some("k-123") && r.status == 200)
    );
}

#[tokio::test]
async fn a_missing_or_refused_key_is_a_clear_error() {
    let server = MockOpenAlex::start(MockConfig {
        works: generated_works(20, 8_100_000),
        api_key: Some("k-123".into()),
        ..MockConfig::default()
    });
    let store = tempfile::tempdir().unwrap();
    let target = Target::Filter("publication_year:2000-2024".into());
    let err = run(&puller(client_config(&server), store.path()), &target)
        .await
        .unwrap_err();
    assert!(
        matches!(err, PullError::ApiKeyMissing { status: 401, .. }),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains("--api-key") && text.contains("OPENALEX_API_KEY"),
        "{text}"
    );

    let mut config = client_config(&server);
    config.api_key = Some("wrong".into());
    let err = run(&puller(config, store.path()), &target)
        .await
        .unwrap_err();
    assert!(
        matches!(err, PullError::ApiKeyRefused { status: 403, .. }),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains("refused") && !text.contains("wrong"),
        "the key is never printed: {text}"
    );
    assert_eq!(server.requests().len(), 2, "auth failures are not retried");
}

#[tokio::test]
async fn unknown_ror_ids_are_reported_and_a_group_with_none_known_is_an_error() {
    let server = start(generated_works(50, 9_000_000));
    let store = tempfile::tempdir().unwrap();
    let puller = puller(client_config(&server), store.path());
    let plan = tandem_pull::make_plan(
        &puller,
        &Target::Institutions(vec!["0gen00003".into(), "0zzzzzz99".into()]),
        None,
    )
    .await
    .unwrap();
    assert_eq!(plan.unresolved, vec!["0zzzzzz99".to_string()]);
    let err = tandem_pull::make_plan(
        &puller,
        &Target::Institutions(vec!["0zzzzzz99".into()]),
        None,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, PullError::NothingToPull(1)), "{err}");
}

#[tokio::test]
async fn pulls_past_the_10000_basic_paging_cap_with_a_cursor_and_years() {
    let works = generated_works(10_400, 10_000_000);
    let server = start(works.clone());
    let store = tempfile::tempdir().unwrap();
    let puller = puller(client_config(&server), store.path());
    let years = YearRange::parse("2000-2024").unwrap();
    let plan = tandem_pull::make_plan(
        &puller,
        &Target::Filter("authorships.institutions.lineage:I900003|I900011".into()),
        Some(years),
    )
    .await
    .unwrap();
    let estimate = puller.estimate(&plan).await.unwrap();
    let members: BTreeSet<String> = ["I900003".to_string(), "I900011".to_string()].into();
    let expected = expected_ids(&works, &members, Some((2000, 2024)));
    assert_eq!(estimate.expected_works, expected.len() as u64);
    puller.fetch(&estimate).await.unwrap();
    let ids: BTreeSet<String> = page_ids(store.path(), &plan).into_iter().collect();
    assert_eq!(ids, expected);

    // The whole corpus is past the basic-paging cap, which the server enforces.
    let all = tandem_pull::make_plan(
        &puller,
        &Target::Filter("publication_year:1990-2030".into()),
        None,
    )
    .await
    .unwrap();
    let estimate = puller.estimate(&all).await.unwrap();
    assert_eq!(estimate.expected_works, 10_400);
    puller.fetch(&estimate).await.unwrap();
    assert_eq!(page_ids(store.path(), &all).len(), 10_400);
}
