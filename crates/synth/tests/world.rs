//! The synthetic world: determinism, OpenAlex shape, snapshot semantics (upserts, merged ids) and
//! the invariants real records hold.

use flate2::read::GzDecoder;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use tandem_synth::{Config, Detail, NoProgress, generate};

fn small_config(seed: u64) -> Config {
    // Small parts so that even a small world has several partitions (needed for upserts).
    Config {
        works: 3_000,
        seed,
        works_per_part: 400,
        parts_per_partition: 2,
        upsert_rate: 0.05,
        merge_rate: 0.02,
        ..Config::default()
    }
}

fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn gz_lines(path: &Path) -> Vec<String> {
    BufReader::new(GzDecoder::new(fs::File::open(path).unwrap()))
        .lines()
        .map(|l| l.unwrap())
        .collect()
}

/// Every work record with its partition date, in file order.
fn work_records(root: &Path) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for path in files_under(&root.join("data/works")) {
        if path.extension().is_some_and(|e| e == "gz") {
            let partition = path
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .trim_start_matches("updated_date=")
                .to_string();
            for line in gz_lines(&path) {
                let v: Value = serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("{}: bad JSON: {e}", path.display()));
                out.push((partition.clone(), v));
            }
        }
    }
    out
}

#[test]
fn same_seed_gives_identical_bytes_and_another_seed_does_not() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    let sa = generate(&small_config(7), a.path(), &NoProgress).unwrap();
    // A different thread count must not change the bytes.
    let sb = generate(
        &Config {
            threads: 1,
            ..small_config(7)
        },
        b.path(),
        &NoProgress,
    )
    .unwrap();
    generate(&small_config(8), c.path(), &NoProgress).unwrap();
    let fa = files_under(a.path());
    let fb = files_under(b.path());
    assert!(fa.len() >= 10, "expected several part files, got {fa:?}");
    assert_eq!(
        fa.iter()
            .map(|p| p.strip_prefix(a.path()).unwrap().to_path_buf())
            .collect::<Vec<_>>(),
        fb.iter()
            .map(|p| p.strip_prefix(b.path()).unwrap().to_path_buf())
            .collect::<Vec<_>>()
    );
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!(
            fs::read(x).unwrap(),
            fs::read(y).unwrap(),
            "{} differs between runs",
            x.display()
        );
    }
    assert_eq!(sa.truth, sb.truth);
    let first_part = |root: &Path| {
        fs::read(
            files_under(&root.join("data/works"))
                .into_iter()
                .find(|p| p.extension().is_some_and(|e| e == "gz"))
                .unwrap(),
        )
        .unwrap()
    };
    assert_ne!(
        first_part(a.path()),
        first_part(c.path()),
        "a different seed must give a different world"
    );
}

#[test]
fn records_have_the_current_openalex_shape() {
    let dir = tempfile::tempdir().unwrap();
    generate(&small_config(1), dir.path(), &NoProgress).unwrap();
    let records = work_records(dir.path());
    assert!(records.len() > 3_000);
    let required = [
        "id",
        "doi",
        "title",
        "display_name",
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
        "is_authors_truncated",
        "countries_distinct_count",
        "institutions_distinct_count",
        "corresponding_author_ids",
        "corresponding_institution_ids",
        "fwci",
        "cited_by_count",
        "biblio",
        "is_retracted",
        "is_paratext",
        "primary_topic",
        "topics",
        "keywords",
        "concepts",
        "locations",
        "best_oa_location",
        "referenced_works_count",
        "referenced_works",
        "related_works",
        "abstract_inverted_index",
        "counts_by_year",
        "updated_date",
        "created_date",
    ];
    let mut types = BTreeSet::new();
    let mut max_authors = 0;
    let mut paratext = 0;
    for (partition, w) in &records {
        for key in required {
            assert!(w.get(key).is_some(), "{} lacks {key}", w["id"]);
        }
        let id = w["id"].as_str().unwrap();
        assert!(
            id.starts_with("https://openalex.org/W")
                && id[22..].chars().all(|c| c.is_ascii_digit()),
            "{id}"
        );
        assert!(
            w["updated_date"]
                .as_str()
                .unwrap()
                .starts_with(partition.as_str()),
            "{id} sits in the partition of its updated_date"
        );
        let year = w["publication_year"].as_u64().unwrap();
        assert!((2019..=2024).contains(&year));
        assert!(
            w["publication_date"]
                .as_str()
                .unwrap()
                .starts_with(&year.to_string())
        );
        let pt = &w["primary_topic"];
        for level in ["subfield", "field", "domain"] {
            assert!(
                pt[level]["id"]
                    .as_str()
                    .unwrap()
                    .starts_with("https://openalex.org/"),
                "{id} primary_topic.{level}"
            );
            assert!(!pt[level]["display_name"].as_str().unwrap().is_empty());
        }
        assert_eq!(
            w["topics"][0]["id"], pt["id"],
            "the primary topic is the first topic"
        );
        assert!(w["primary_location"]["source"]["display_name"].is_string());
        let kind = w["type"].as_str().unwrap().to_string();
        if w["is_paratext"] == true {
            paratext += 1;
        } else if kind != "erratum" && kind != "other" && kind != "dataset" {
            assert!(
                !w["authorships"].as_array().unwrap().is_empty(),
                "{id} ({kind}) has authors"
            );
        }
        types.insert(kind);
        for a in w["authorships"].as_array().unwrap() {
            assert!(
                a["author"]["id"]
                    .as_str()
                    .unwrap()
                    .starts_with("https://openalex.org/A")
            );
            assert!(["first", "middle", "last"].contains(&a["author_position"].as_str().unwrap()));
            assert!(
                a["raw_affiliation_strings"].is_array()
                    && a["affiliations"].is_array()
                    && a["is_corresponding"].is_boolean()
            );
            for inst in a["institutions"].as_array().unwrap() {
                let lineage = inst["lineage"].as_array().unwrap();
                assert_eq!(
                    lineage[0], inst["id"],
                    "lineage starts with the institution itself"
                );
                assert!(
                    inst["ror"].is_null()
                        || inst["ror"]
                            .as_str()
                            .unwrap()
                            .starts_with("https://ror.org/0")
                );
                assert!(inst["type"].is_string());
            }
        }
        max_authors = max_authors.max(w["authorships"].as_array().unwrap().len());
    }
    for t in [
        "article",
        "review",
        "book-chapter",
        "book",
        "preprint",
        "dataset",
        "paratext",
    ] {
        assert!(types.contains(t), "no {t} in {types:?}");
    }
    assert!(paratext > 0);
    assert!(
        max_authors > 20,
        "authors per paper must have a tail, max was {max_authors}"
    );

    let manifest: Value =
        serde_json::from_slice(&fs::read(dir.path().join("data/works/manifest")).unwrap()).unwrap();
    let listed: u64 = manifest["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["meta"]["record_count"].as_u64().unwrap())
        .sum();
    assert_eq!(listed, records.len() as u64);
    assert_eq!(manifest["meta"]["record_count"].as_u64().unwrap(), listed);
    for e in manifest["entries"].as_array().unwrap() {
        let rel = e["url"]
            .as_str()
            .unwrap()
            .trim_start_matches("s3://openalex/");
        assert_eq!(
            fs::metadata(dir.path().join(rel)).unwrap().len(),
            e["meta"]["content_length"].as_u64().unwrap()
        );
    }
}

#[test]
fn countries_distinct_count_is_the_union_of_authorship_and_institution_countries() {
    let dir = tempfile::tempdir().unwrap();
    generate(&small_config(3), dir.path(), &NoProgress).unwrap();
    let (mut bare_country, mut no_country_institution, mut international) = (0, 0, 0);
    for (_, w) in work_records(dir.path()) {
        let mut countries = BTreeSet::new();
        let mut institutions = BTreeSet::new();
        for a in w["authorships"].as_array().unwrap() {
            for c in a["countries"].as_array().unwrap() {
                countries.insert(c.as_str().unwrap().to_string());
            }
            let insts = a["institutions"].as_array().unwrap();
            if insts.is_empty() && !a["countries"].as_array().unwrap().is_empty() {
                bare_country += 1;
            }
            for i in insts {
                institutions.insert(i["id"].as_str().unwrap().to_string());
                match i["country_code"].as_str() {
                    Some(c) => {
                        countries.insert(c.to_string());
                    }
                    None => no_country_institution += 1,
                }
            }
        }
        assert_eq!(
            w["countries_distinct_count"].as_u64().unwrap() as usize,
            countries.len(),
            "{}",
            w["id"]
        );
        assert_eq!(
            w["institutions_distinct_count"].as_u64().unwrap() as usize,
            institutions.len(),
            "{}",
            w["id"]
        );
        international += (countries.len() >= 2) as usize;
    }
    assert!(
        bare_country > 0,
        "some authorships must have a country and no institution"
    );
    assert!(
        no_country_institution > 0,
        "some institutions must lack a country code"
    );
    assert!(international > 500);
}

#[test]
fn upserts_and_merged_ids_are_present_and_the_truth_follows_the_newest_records() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(&small_config(5), dir.path(), &NoProgress).unwrap();
    let records = work_records(dir.path());
    let mut by_id: HashMap<String, Vec<(String, Value)>> = HashMap::new();
    for (partition, w) in records {
        by_id
            .entry(w["id"].as_str().unwrap().to_string())
            .or_default()
            .push((partition, w));
    }
    let repeated: Vec<_> = by_id.values().filter(|v| v.len() > 1).collect();
    assert_eq!(repeated.len() as u64, summary.upserted);
    assert!(
        summary.upserted > 20,
        "expected upserts, got {}",
        summary.upserted
    );
    let mut differ = 0;
    for versions in &repeated {
        assert_eq!(versions.len(), 2);
        let partitions: BTreeSet<_> = versions.iter().map(|v| v.0.clone()).collect();
        assert_eq!(
            partitions.len(),
            2,
            "the two versions sit in different partitions"
        );
        let (old, new) =
            if versions[0].1["updated_date"].as_str() < versions[1].1["updated_date"].as_str() {
                (&versions[0].1, &versions[1].1)
            } else {
                (&versions[1].1, &versions[0].1)
            };
        assert!(old["updated_date"].as_str().unwrap() < new["updated_date"].as_str().unwrap());
        if old["type"] != new["type"]
            || old["publication_year"] != new["publication_year"]
            || old["authorships"] != new["authorships"]
        {
            differ += 1;
        }
    }
    assert_eq!(
        differ,
        repeated.len(),
        "every older version differs in something the figures see"
    );

    // merged_ids: header, bare ids, and each listed id is also in the works files.
    let mut merged = 0;
    for path in files_under(&dir.path().join("data/merged_ids/works")) {
        let mut text = String::new();
        GzDecoder::new(fs::File::open(&path).unwrap())
            .read_to_string(&mut text)
            .unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("merge_date,id,merge_into_id"));
        let date = path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .trim_end_matches(".csv.gz")
            .to_string();
        for line in lines {
            let cols: Vec<&str> = line.split(',').collect();
            assert_eq!(cols.len(), 3, "{line}");
            assert_eq!(cols[0], date);
            assert!(cols[1].starts_with('W') && cols[2].starts_with('W'));
            assert!(
                by_id.contains_key(&format!("https://openalex.org/{}", cols[1])),
                "merged id {} must be in the works files",
                cols[1]
            );
            assert!(by_id.contains_key(&format!("https://openalex.org/{}", cols[2])));
            merged += 1;
        }
    }
    assert_eq!(merged, summary.merged);
    assert!(merged > 10);
    assert_eq!(summary.distinct_works, 3_000 - summary.merged);
    assert_eq!(summary.truth.works(), summary.distinct_works);
}

#[test]
fn institutions_have_lineage_children_and_the_russell_group() {
    let dir = tempfile::tempdir().unwrap();
    generate(&small_config(2), dir.path(), &NoProgress).unwrap();
    let path = files_under(&dir.path().join("data/institutions"))
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "gz"))
        .unwrap();
    let institutions: Vec<Value> = gz_lines(&path)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let by_ror: BTreeMap<String, &Value> = institutions
        .iter()
        .filter_map(|i| i["ror"].as_str().map(|r| (r.to_string(), i)))
        .collect();
    let oxford = by_ror["https://ror.org/052gg0110"];
    assert_eq!(oxford["display_name"], "University of Oxford");
    assert_eq!(oxford["country_code"], "GB");
    let children: Vec<&Value> = institutions
        .iter()
        .filter(|i| i["lineage"].as_array().unwrap().len() == 2 && i["lineage"][1] == oxford["id"])
        .collect();
    assert!(children.len() >= 3, "Oxford has lineage children");
    assert!(
        children.iter().any(|c| c["ror"].is_null()),
        "colleges without a ROR id count through lineage only"
    );
    for ror in [
        "https://ror.org/026zzn846",
        "https://ror.org/01v29qb04",
        "https://ror.org/03yghzc09",
        "https://ror.org/04m01e293",
    ] {
        assert!(by_ror.contains_key(ror), "{ror}");
    }
    let countries: BTreeSet<&str> = institutions
        .iter()
        .filter_map(|i| i["country_code"].as_str())
        .collect();
    assert!(
        countries.len() >= 40,
        "partners in about 40 countries, got {}",
        countries.len()
    );
    assert!(institutions.iter().any(|i| i["country_code"].is_null()));
}

#[test]
fn the_demo_world_resembles_the_report() {
    // A lean world is enough: the truth does not depend on the bulky fields.
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        works: 60_000,
        detail: Detail::Lean,
        compression: 1,
        ..Config::default()
    };
    let summary = generate(&config, dir.path(), &NoProgress).unwrap();
    let f = summary.truth.figures(
        (2023, 2023),
        &["article", "review", "book-chapter", "book"],
        None,
    );
    assert!(f.papers > 3_000);
    assert!(
        (0.55..=0.65).contains(&f.international_share),
        "international share {}",
        f.international_share
    );
    assert_eq!(f.partners[0].0, "US");
    let us = f.partners[0].1 as f64;
    let share = us / f.international_papers as f64;
    assert!(
        (0.25..=0.34).contains(&share),
        "US share of international papers {share}"
    );
    let lead = us / f.partners[1].1 as f64 - 1.0;
    assert!(
        (0.35..=0.80).contains(&lead),
        "US lead over the next partner {lead}"
    );
    assert_eq!(f.members.len(), 24, "every member has papers");
    assert!(f.papers_fractional < f.papers as f64 && f.papers_fractional > 0.3 * f.papers as f64);
    assert!(f.collab_papers >= f.international_papers && f.collab_papers <= f.papers);
}

#[test]
fn slices_of_parts_add_up_to_the_whole_world() {
    let whole = tempfile::tempdir().unwrap();
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    let config = small_config(9);
    let all = generate(&config, whole.path(), &NoProgress).unwrap();
    let a = generate(
        &Config {
            only_parts: Some((0, 4)),
            ..config.clone()
        },
        first.path(),
        &NoProgress,
    )
    .unwrap();
    let b = generate(
        &Config {
            only_parts: Some((4, 100)),
            ..config.clone()
        },
        second.path(),
        &NoProgress,
    )
    .unwrap();
    assert_eq!(a.work_records + b.work_records, all.work_records);
    assert_eq!(a.merged + b.merged, all.merged);
    assert_eq!(a.distinct_works + b.distinct_works, all.distinct_works);
    for f in files_under(&first.path().join("data/works"))
        .into_iter()
        .chain(files_under(&second.path().join("data/works")))
    {
        if f.extension().is_some_and(|e| e == "gz") {
            let rel = f
                .strip_prefix(first.path())
                .or_else(|_| f.strip_prefix(second.path()))
                .unwrap();
            assert_eq!(
                fs::read(&f).unwrap(),
                fs::read(whole.path().join(rel)).unwrap(),
                "{}",
                rel.display()
            );
        }
    }
}

#[test]
fn refuses_to_overwrite_and_rejects_bad_configs() {
    let dir = tempfile::tempdir().unwrap();
    generate(&small_config(1), dir.path(), &NoProgress).unwrap();
    let err = generate(&small_config(1), dir.path(), &NoProgress).unwrap_err();
    assert!(err.to_string().contains("already exists"), "{err}");
    let empty = tempfile::tempdir().unwrap();
    assert!(
        generate(
            &Config {
                works: 0,
                ..Config::default()
            },
            empty.path(),
            &NoProgress
        )
        .is_err()
    );
    assert!(
        generate(
            &Config {
                years: (2024, 2019),
                ..small_config(1)
            },
            empty.path(),
            &NoProgress
        )
        .is_err()
    );
}

#[test]
fn records_carry_every_field_that_all_real_current_schema_records_carry() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/openalex/works_api_591.jsonl.gz");
    if !sample.exists() {
        eprintln!("skipping: {} is absent", sample.display());
        return;
    }
    let real: Vec<Value> = gz_lines(&sample)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Keys present in every real record, and the keys of their authorships and institutions.
    let common = |objects: &mut dyn Iterator<Item = &Value>| -> BTreeSet<String> {
        let mut it = objects.map(|o| {
            o.as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect::<BTreeSet<String>>()
        });
        let first = it.next().unwrap();
        it.fold(first, |acc, keys| {
            acc.intersection(&keys).cloned().collect()
        })
    };
    let work_keys = common(&mut real.iter());
    let authorship_keys = common(
        &mut real
            .iter()
            .flat_map(|w| w["authorships"].as_array().unwrap().iter()),
    );
    let institution_keys = common(&mut real.iter().flat_map(|w| {
        w["authorships"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|a| a["institutions"].as_array().unwrap().iter())
    }));
    assert!(work_keys.contains("authorships") && institution_keys.contains("lineage"));

    let dir = tempfile::tempdir().unwrap();
    generate(&small_config(4), dir.path(), &NoProgress).unwrap();
    for (_, w) in work_records(dir.path()).iter().take(500) {
        for key in &work_keys {
            assert!(
                w.get(key).is_some(),
                "synthetic {} lacks {key}, which every real record has",
                w["id"]
            );
        }
        for a in w["authorships"].as_array().unwrap() {
            for key in &authorship_keys {
                assert!(a.get(key).is_some(), "synthetic authorship lacks {key}");
            }
            for i in a["institutions"].as_array().unwrap() {
                for key in &institution_keys {
                    assert!(i.get(key).is_some(), "synthetic institution lacks {key}");
                }
            }
        }
    }
}

#[test]
fn a_world_with_one_partition_is_complete_and_readable() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(
        &Config {
            works: 500,
            merge_rate: 0.05,
            ..Config::default()
        },
        dir.path(),
        &NoProgress,
    )
    .unwrap();
    assert_eq!(
        summary.upserted, 0,
        "no earlier partition to hold older versions"
    );
    let merged_files = files_under(&dir.path().join("data/merged_ids/works"));
    assert_eq!(merged_files.len(), 1);
    let mut text = String::new();
    GzDecoder::new(fs::File::open(&merged_files[0]).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    assert_eq!(text.lines().count() as u64, 1 + summary.merged);
    assert_eq!(work_records(dir.path()).len(), 500);
}
