//! A small world where every figure is known by construction (worked out by hand in the comments).

use std::path::Path;
use tandem_metrics::{CountryUnification, Engine, FigureRequest, Group, MetricsError};
use tandem_store::{IngestOptions, ingest};

/// Institutions: (openalex number, ror, country, lineage parents).
fn inst(id: u64) -> String {
    let (ror, country, lineage): (&str, Option<&str>, Vec<u64>) = match id {
        1 => ("0aaaaaaa1", Some("GB"), vec![1]), // member A
        2 => ("", None, vec![2, 1]),             // a college of A, no country in the record
        3 => ("0bbbbbbb2", Some("GB"), vec![3]), // member B, counts from 2021
        10 => ("", Some("US"), vec![10]),
        11 => ("", Some("DE"), vec![11]),
        12 => ("", Some("HK"), vec![12]),
        13 => ("", Some("CN"), vec![13]),
        14 => ("", None, vec![14]), // an institution with no country
        15 => ("", Some("FR"), vec![15]),
        _ => unreachable!(),
    };
    let ror = if ror.is_empty() {
        "null".to_string()
    } else {
        format!("\"https://ror.org/{ror}\"")
    };
    let country = country.map(|c| format!("\"{c}\"")).unwrap_or("null".into());
    let lineage: Vec<String> = lineage
        .iter()
        .map(|l| format!("\"https://openalex.org/I{l}\""))
        .collect();
    format!(
        r#"{{"id":"https://openalex.org/I{id}","display_name":"Institution {id}","ror":{ror},"country_code":{country},"lineage":[{}]}}"#,
        lineage.join(",")
    )
}

/// An authorship: its institutions, and its countries as OpenAlex would list them (here: the institutions'
/// countries, unless overridden).
fn author(insts: &[u64], countries: Option<&[&str]>) -> String {
    let objects: Vec<String> = insts.iter().map(|i| inst(*i)).collect();
    let countries: Vec<String> = match countries {
        Some(c) => c.iter().map(|c| format!("\"{c}\"")).collect(),
        None => {
            let mut c: Vec<String> = insts
                .iter()
                .filter_map(|i| match i {
                    1 | 3 => Some("GB"),
                    10 => Some("US"),
                    11 => Some("DE"),
                    12 => Some("HK"),
                    13 => Some("CN"),
                    15 => Some("FR"),
                    _ => None,
                })
                .map(|c| format!("\"{c}\""))
                .collect();
            c.dedup();
            c
        }
    };
    format!(
        r#"{{"institutions":[{}],"countries":[{}]}}"#,
        objects.join(","),
        countries.join(",")
    )
}

fn work(id: u64, year: i32, kind: &str, paratext: bool, field: &str, authors: &[String]) -> String {
    format!(
        r#"{{"id":"https://openalex.org/W{id}","publication_year":{year},"type":"{kind}","is_paratext":{paratext},"updated_date":"2024-01-01","primary_topic":{{"display_name":"Topic","field":{{"display_name":"{field}"}}}},"authorships":[{}]}}"#,
        authors.join(",")
    )
}

fn world() -> String {
    let a = |insts: &[u64]| author(insts, None);
    let lines = [
        work(1, 2022, "article", false, "Medicine", &[a(&[1]), a(&[10])]),
        // The college has no country in the record: the member's country (GB) is added to the set.
        work(
            2,
            2022,
            "article",
            false,
            "Medicine",
            &[author(&[2], Some(&[])), a(&[11])],
        ),
        work(3, 2022, "review", false, "Physics", &[a(&[1, 3])]),
        work(4, 2022, "article", false, "Physics", &[a(&[1]), a(&[12])]),
        // A country with no institution.
        work(
            5,
            2022,
            "book-chapter",
            false,
            "Medicine",
            &[author(&[], Some(&["US"])), a(&[1])],
        ),
        work(6, 2022, "article", false, "Medicine", &[a(&[14]), a(&[3])]),
        // B is not a member in 2020, and A is not on it.
        work(7, 2020, "article", false, "Medicine", &[a(&[3]), a(&[10])]),
        work(8, 2022, "article", true, "Medicine", &[a(&[1]), a(&[10])]),
        work(9, 2022, "dataset", false, "Medicine", &[a(&[1]), a(&[15])]),
        work(
            10,
            2022,
            "article",
            false,
            "Medicine",
            &[a(&[1]), a(&[10]), a(&[11]), a(&[13])],
        ),
        work(
            11,
            2022,
            "article",
            false,
            "Medicine",
            &[a(&[10]), a(&[11])],
        ),
        work(
            12,
            2022,
            "article",
            false,
            "Medicine",
            &[a(&[1]), a(&[10, 11]), author(&[], Some(&[]))],
        ),
        work(13, 2022, "article", false, "Physics", &[a(&[1]), a(&[1])]),
    ];
    lines.join("\n") + "\n"
}

const GROUP: &str = "name = \"Hand group\"\n[[member]]\nror = \"https://ror.org/0aaaaaaa1\"\nname = \"Member A\"\n[[member]]\nror = \"0bbbbbbb2\"\nname = \"Member B\"\nsince = 2021\n";

fn build(dir: &Path) -> std::path::PathBuf {
    let input = dir.join("world.jsonl");
    std::fs::write(&input, world()).unwrap();
    let store = dir.join("store");
    let summary = ingest(
        &store,
        tandem_openalex::inputs_from_paths(&[input]).unwrap(),
        &IngestOptions::default(),
    )
    .unwrap();
    assert_eq!(summary.record.rejects, 0);
    store
}

fn request(group: Group, partner: &str, first: i32, last: i32) -> FigureRequest {
    FigureRequest {
        group,
        partner: partner.into(),
        first_year: first,
        last_year: last,
        types: tandem_model::DEFAULT_TYPES
            .iter()
            .map(|s| s.to_string())
            .collect(),
        field: None,
        unify: CountryUnification::None,
        home: vec![],
    }
}

#[tokio::test]
async fn every_figure_matches_the_hand_computation() {
    let dir = tempfile::tempdir().unwrap();
    let store = build(dir.path());
    let engine = Engine::open(&store).await.unwrap();
    let group = Group::from_toml(GROUP, "hand.toml").unwrap();
    let f = engine
        .figures(request(group.clone(), "US", 2022, 2022))
        .await
        .unwrap();

    // Group papers: W1 W2 W3 W4 W5 W6 W10 W12 W13 (W7: wrong year and B not yet a member; W8 paratext;
    // W9 a dataset; W11 no member).
    assert_eq!(f.home, vec!["GB"]);
    assert_eq!(f.papers, 9);
    // Country sets: W1 GB,US; W2 GB,DE (GB from the member); W3 GB; W4 GB,HK; W5 GB,US; W6 GB;
    // W10 GB,US,DE,CN; W12 GB,US,DE; W13 GB.
    assert_eq!(f.international_papers, 6);
    assert!((f.international_share - 6.0 / 9.0).abs() < 1e-12);
    // Everything but W13 (one institution, one country) is collaborative.
    assert_eq!(f.collab_papers, 8);
    // Weights: W1 .5, W2 .5, W3 1, W4 .5, W5 1, W6 .5, W10 .25, W12 .5, W13 1.
    assert!(
        (f.papers_fractional - 5.75).abs() < 1e-12,
        "{}",
        f.papers_fractional
    );
    let ranking: Vec<(&str, u64)> = f
        .partners
        .iter()
        .map(|p| (p.country.as_str(), p.papers))
        .collect();
    assert_eq!(ranking, vec![("US", 4), ("DE", 3), ("CN", 1), ("HK", 1)]);
    assert_eq!(f.partner.papers, 4);
    assert_eq!(f.partner.rank, Some(1));
    assert!((f.partner.share_of_international.unwrap() - 4.0 / 6.0).abs() < 1e-12);
    assert_eq!(
        f.next_partner
            .as_ref()
            .map(|n| (n.country.as_str(), n.papers)),
        Some(("DE", 3))
    );
    assert!((f.lead_over_next.unwrap() - (4.0 / 3.0 - 1.0)).abs() < 1e-12);
    // Fractional partner counts: US papers W1 .5 + W5 1 + W10 .25 + W12 .5.
    assert!((f.partners[0].papers_fractional - 2.25).abs() < 1e-12);

    let a = &f.institutions[0];
    assert_eq!(
        (
            a.ror.as_str(),
            a.papers,
            a.international_papers,
            a.partner_papers
        ),
        ("https://ror.org/0aaaaaaa1", 8, 6, 4)
    );
    let b = &f.institutions[1];
    assert_eq!(
        (
            b.name.as_str(),
            b.papers,
            b.international_papers,
            b.partner_papers
        ),
        ("Member B", 2, 0, 0)
    );
    assert_eq!(f.by_year.len(), 1);
    assert_eq!(
        (
            f.by_year[0].papers,
            f.by_year[0].international_papers,
            f.by_year[0].partner_papers
        ),
        (9, 6, 4)
    );

    let text = tandem_metrics::paragraph(&f);
    assert!(
        text.starts_with(
            "In 2022, 66.7% of Hand group papers (9) involved an international co-author."
        ),
        "{text}"
    );
    assert!(text.contains("the next partner, Germany (3)"), "{text}");
}

#[tokio::test]
async fn leiden_unification_counts_hong_kong_as_china() {
    let dir = tempfile::tempdir().unwrap();
    let store = build(dir.path());
    let engine = Engine::open(&store).await.unwrap();
    let mut req = request(
        Group::from_toml(GROUP, "hand.toml").unwrap(),
        "CN",
        2022,
        2022,
    );
    req.unify = CountryUnification::Leiden;
    let f = engine.figures(req).await.unwrap();
    let ranking: Vec<(&str, u64)> = f
        .partners
        .iter()
        .map(|p| (p.country.as_str(), p.papers))
        .collect();
    assert_eq!(ranking, vec![("US", 4), ("DE", 3), ("CN", 2)]);
    assert_eq!(f.partner.rank, Some(3));
    assert_eq!(f.next_partner, None);
    assert_eq!(f.lead_over_next, None);
}

#[tokio::test]
async fn membership_years_types_and_fields_restrict_the_count() {
    let dir = tempfile::tempdir().unwrap();
    let store = build(dir.path());
    let engine = Engine::open(&store).await.unwrap();
    let group = Group::from_toml(GROUP, "hand.toml").unwrap();
    let f = engine
        .figures(request(group.clone(), "US", 2020, 2022))
        .await
        .unwrap();
    assert_eq!(f.papers, 9, "W7 (2020) does not count: B joined in 2021");
    assert_eq!(
        f.by_year.iter().map(|y| y.papers).collect::<Vec<_>>(),
        vec![0, 0, 9]
    );

    let mut with_datasets = request(group.clone(), "US", 2022, 2022);
    with_datasets.types.push("dataset".into());
    assert_eq!(
        engine.figures(with_datasets).await.unwrap().papers,
        10,
        "W9 counts once datasets do; W8 never (paratext)"
    );

    let mut physics = request(group.clone(), "US", 2022, 2022);
    physics.field = Some("physics".into());
    let f = engine.figures(physics).await.unwrap();
    assert_eq!(
        (f.papers, f.international_papers, f.partner.papers),
        (3, 1, 0)
    );
    assert_eq!(f.field.as_deref(), Some("Physics"));
}

#[tokio::test]
async fn a_country_group_counts_works_whose_country_set_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = build(dir.path());
    let engine = Engine::open(&store).await.unwrap();
    let f = engine
        .figures(request(
            Group::resolve("country:GB").unwrap(),
            "US",
            2022,
            2022,
        ))
        .await
        .unwrap();
    // W2's stored country set is {DE}: with no member institutions, nothing adds GB to it.
    assert_eq!(f.papers, 8);
    assert_eq!(f.home, vec!["GB"]);
    assert_eq!(f.partner.papers, 4);
    assert!(f.institutions.is_empty());
}

#[tokio::test]
async fn bad_requests_say_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let store = build(dir.path());
    let engine = Engine::open(&store).await.unwrap();
    let group = Group::from_toml(GROUP, "hand.toml").unwrap();
    let err = engine
        .figures(request(group.clone(), "XX", 2022, 2022))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("XX") && err.contains("ISO 3166-1"), "{err}");
    let err = engine
        .figures(request(group.clone(), "US", 2010, 2011))
        .await
        .unwrap_err();
    assert!(matches!(err, MetricsError::Empty(_)));
    assert!(
        err.to_string().contains("2010\u{2013}2011") && err.to_string().contains("2020 to 2022"),
        "{err}"
    );
    let err = engine
        .figures(request(group.clone(), "US", 2023, 2022))
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("empty"), "{err}");
    let err = engine
        .figures(request(
            Group::resolve("russell-group").unwrap(),
            "US",
            2022,
            2022,
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(err, MetricsError::Empty(_)),
        "no Russell Group institutions here: {err}"
    );
    let mut bad_field = request(group, "US", 2022, 2022);
    bad_field.field = Some("Astrology".into());
    let err = engine.figures(bad_field).await.unwrap_err().to_string();
    assert!(
        err.contains("Astrology") && err.contains("Medicine"),
        "{err}"
    );
}

fn shared_openalex() -> Option<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/openalex");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: {} is absent (real-data tests need ../shared/data)",
            dir.display()
        );
        None
    }
}

/// The real 591-work sample, with the Russell Group members that appear in it (Cambridge, Oxford, UCL,
/// Edinburgh, Imperial, ...). The expected figures were worked out from the JSON directly, one work at a
/// time: 40 group papers of the default types over all years, 20 with two or more countries, 7 with the US,
/// then Germany and Thailand with 3 each (Germany first by code).
#[tokio::test]
async fn real_sample_russell_group_figures_match_a_hand_check() {
    let Some(dir) = shared_openalex() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    ingest(
        &store,
        tandem_openalex::inputs_from_paths(&[dir.join("works_api_591.jsonl.gz")]).unwrap(),
        &IngestOptions::default(),
    )
    .unwrap();
    let engine = Engine::open(&store).await.unwrap();
    let f = engine
        .figures(request(
            Group::resolve("russell-group").unwrap(),
            "US",
            1900,
            2030,
        ))
        .await
        .unwrap();
    assert_eq!(f.papers, 40);
    assert_eq!(f.international_papers, 20);
    assert_eq!(f.partner.papers, 7);
    assert_eq!(f.partner.rank, Some(1));
    assert_eq!(
        f.next_partner
            .as_ref()
            .map(|n| (n.country.as_str(), n.papers)),
        Some(("DE", 3))
    );
    assert!((f.lead_over_next.unwrap() - (7.0 / 3.0 - 1.0)).abs() < 1e-12);
    let top: Vec<(&str, u64)> = f
        .partners
        .iter()
        .take(3)
        .map(|p| (p.country.as_str(), p.papers))
        .collect();
    assert_eq!(top, vec![("US", 7), ("DE", 3), ("TH", 3)]);
    let oxford = f
        .institutions
        .iter()
        .find(|m| m.ror.ends_with("052gg0110"))
        .unwrap();
    assert_eq!(
        (
            oxford.papers,
            oxford.international_papers,
            oxford.partner_papers
        ),
        (9, 8, 3)
    );
    // Exeter joined in 2012 and its two papers are from 2020 and 2023, so it counts.
    let exeter = f
        .institutions
        .iter()
        .find(|m| m.ror.ends_with("03yghzc09"))
        .unwrap();
    assert_eq!(exeter.papers, 2);
    assert_eq!(f.by_year.iter().find(|y| y.year == 2017).unwrap().papers, 4);
}
