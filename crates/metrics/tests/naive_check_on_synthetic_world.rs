//! Every figure on a generated world, checked against a second computation written plainly here: read the
//! raw JSON, apply the snapshot rules and DESIGN.md's definitions with loops and sets, compare.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use tandem_metrics::{CountryUnification, Engine, FigureRequest, Group};
use tandem_model::{Institution, InstitutionId, RecordSink, Reject, Work, WorkId};
use tandem_store::{IngestOptions, ingest};

#[derive(Default)]
struct Raw {
    works: Vec<(String, Work)>,
    institutions: Vec<Institution>,
    merged: HashSet<i64>,
    partition: String,
}

impl RecordSink for Raw {
    fn work(&mut self, work: Work) {
        self.works.push((self.partition.clone(), work));
    }
    fn institution(&mut self, institution: Institution) {
        self.institutions.push(institution);
    }
    fn merged_work(&mut self, id: WorkId) {
        self.merged.insert(id.0);
    }
    fn reject(&mut self, reject: Reject) {
        panic!("the generated world has no bad records: {reject:?}");
    }
    fn progress(&mut self, _: u64) {}
}

#[tokio::test]
async fn engine_figures_equal_a_naive_computation_on_a_generated_world() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world");
    let config = tandem_synth::Config {
        works: 6_000,
        seed: 7,
        works_per_part: 1_000,
        ..Default::default()
    };
    tandem_synth::generate(&config, &world, &tandem_synth::NoProgress).unwrap();
    let store = dir.path().join("store");
    ingest(
        &store,
        tandem_openalex::inputs_from_paths(std::slice::from_ref(&world)).unwrap(),
        &IngestOptions::default(),
    )
    .unwrap();

    // The naive side: read everything, keep the newest copy of each id, drop merged ids.
    let mut raw = Raw::default();
    for input in tandem_openalex::inputs_from_paths(std::slice::from_ref(&world)).unwrap() {
        raw.partition = input.partition();
        input.read(&mut raw).unwrap();
    }
    let mut latest: HashMap<i64, (String, String, Work)> = HashMap::new();
    for (partition, work) in raw.works {
        let key = (
            work.updated_date.clone().unwrap_or_default(),
            partition.clone(),
        );
        let newer = latest
            .get(&work.id.0)
            .is_none_or(|(u, p, _)| key >= (u.clone(), p.clone()));
        if newer {
            latest.insert(work.id.0, (key.0, key.1, work));
        }
    }
    let works: Vec<Work> = latest
        .into_values()
        .map(|(_, _, w)| w)
        .filter(|w| !raw.merged.contains(&w.id.0))
        .collect();

    // Members: institutions whose ROR is a member's, or whose lineage holds a member institution.
    let group = Group::resolve("russell-group").unwrap();
    let member_rors: HashMap<String, Option<i32>> = group
        .members()
        .iter()
        .map(|m| (m.ror.clone(), m.since))
        .collect();
    let mut ror_of: HashMap<InstitutionId, String> = HashMap::new();
    for i in &raw.institutions {
        if let Some(r) = &i.ror {
            ror_of.insert(i.id, r.clone());
        }
    }
    for w in &works {
        for a in &w.authorships {
            for i in &a.institutions {
                if let Some(r) = &i.ror {
                    ror_of.insert(i.id, r.clone());
                }
            }
        }
    }
    let member_of = |inst: &tandem_model::InstitutionRef, year: i32| -> Option<String> {
        inst.lineage
            .iter()
            .chain(std::iter::once(&inst.id))
            .find_map(|id| {
                let ror = ror_of.get(id)?;
                let since = member_rors.get(ror)?;
                (since.is_none_or(|s| year >= s)).then(|| ror.clone())
            })
    };
    let year = 2023;
    let types: BTreeSet<&str> = tandem_model::DEFAULT_TYPES.iter().copied().collect();
    let (mut papers, mut international, mut collab, mut fractional) = (0u64, 0u64, 0u64, 0f64);
    let mut partner_papers: BTreeMap<String, u64> = BTreeMap::new();
    let mut member_papers: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
    for w in &works {
        if w.publication_year != Some(year)
            || w.is_paratext
            || !w.work_type.as_deref().is_some_and(|t| types.contains(t))
        {
            continue;
        }
        let mut credited: BTreeSet<String> = BTreeSet::new();
        for a in &w.authorships {
            for i in &a.institutions {
                credited.extend(member_of(i, year));
            }
        }
        if credited.is_empty() {
            continue;
        }
        papers += 1;
        let mut countries: BTreeSet<String> = w.country_set().into_iter().collect();
        countries.insert("GB".into()); // every member is in GB
        let institutions: BTreeSet<InstitutionId> = w
            .authorships
            .iter()
            .flat_map(|a| a.institutions.iter().map(|i| i.id))
            .collect();
        let is_international = countries.len() >= 2;
        international += u64::from(is_international);
        collab += u64::from(is_international || institutions.len() >= 2);
        let with_institutions: Vec<_> = w
            .authorships
            .iter()
            .filter(|a| !a.institutions.is_empty())
            .collect();
        for a in &with_institutions {
            let mut distinct: Vec<InstitutionId> = a.institutions.iter().map(|i| i.id).collect();
            distinct.sort();
            distinct.dedup();
            let members = distinct
                .iter()
                .filter(|id| {
                    a.institutions
                        .iter()
                        .find(|i| i.id == **id)
                        .and_then(|i| member_of(i, year))
                        .is_some()
                })
                .count();
            fractional +=
                (1.0 / with_institutions.len() as f64) * (members as f64 / distinct.len() as f64);
        }
        for c in countries.iter().filter(|c| c.as_str() != "GB") {
            *partner_papers.entry(c.clone()).or_default() += 1;
        }
        for m in &credited {
            let e = member_papers.entry(m.clone()).or_default();
            e.0 += 1;
            e.1 += u64::from(is_international);
            e.2 += u64::from(countries.contains("US"));
        }
    }
    let mut ranking: Vec<(String, u64)> = partner_papers.into_iter().collect();
    ranking.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));

    let engine = Engine::open(&store).await.unwrap();
    let f = engine
        .figures(FigureRequest {
            group,
            partner: "US".into(),
            first_year: year,
            last_year: year,
            types: types.iter().map(|t| t.to_string()).collect(),
            field: None,
            unify: CountryUnification::None,
            home: vec![],
        })
        .await
        .unwrap();
    assert!(
        papers > 500,
        "the world is big enough to mean something: {papers}"
    );
    assert_eq!(f.papers, papers);
    assert_eq!(f.international_papers, international);
    assert_eq!(f.collab_papers, collab);
    assert!(
        (f.papers_fractional - fractional).abs() < 1e-6,
        "{} vs {fractional}",
        f.papers_fractional
    );
    let engine_ranking: Vec<(String, u64)> = f
        .partners
        .iter()
        .map(|p| (p.country.clone(), p.papers))
        .collect();
    assert_eq!(engine_ranking, ranking);
    let us = ranking.iter().position(|(c, _)| c == "US").unwrap();
    assert_eq!(f.partner.rank, Some(us as u64 + 1));
    assert_eq!(
        f.next_partner.as_ref().map(|n| n.papers),
        ranking.get(us + 1).map(|r| r.1)
    );
    for row in &f.institutions {
        let ror = row.ror.trim_start_matches("https://ror.org/");
        let expected = member_papers.get(ror).copied().unwrap_or_default();
        assert_eq!(
            (row.papers, row.international_papers, row.partner_papers),
            expected,
            "{}",
            row.name
        );
    }
}
