//! Measures the registry and the affiliation matcher on the real data in ../shared/data:
//! import and load time, index size, precision/recall/F1 on ROR's gold affiliation sets, and
//! matching speed. Run by `bench/affiliations.sh` (release build).
//!
//! Precision counts every string; recall counts only strings whose gold ROR ids are all in the loaded
//! registry (the subset holds about 51k of ROR's 120k records).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tandem_registry::{AffiliationMatcher, Registry, import_files};

fn main() {
    let data = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let ror_dir = data.join("ror");
    let v2 = ror_dir.join("ror_v2_subset.jsonl.gz");
    let v1 = ror_dir.join("ror_v1_subset.jsonl.gz");
    if !v2.exists() || !v1.exists() {
        eprintln!(
            "skipping: ROR subsets not found under {}",
            ror_dir.display()
        );
        return;
    }

    // Import (both subsets: about 51k records).
    let started = Instant::now();
    let imported = import_files(&[v2.as_path(), v1.as_path()], |_| {}).expect("import");
    let import_time = started.elapsed();
    let registry_dir = tempfile::tempdir().expect("temp dir");
    imported.registry.save(registry_dir.path()).expect("save");
    let import_and_save = started.elapsed();
    let meta = imported.registry.meta().clone();
    drop(imported);
    let index_bytes = std::fs::metadata(Registry::index_path(registry_dir.path()))
        .expect("index")
        .len();

    let mut load_times = Vec::new();
    let mut registry = None;
    for _ in 0..5 {
        let t = Instant::now();
        registry = Some(Registry::load(registry_dir.path()).expect("load"));
        load_times.push(t.elapsed());
    }
    let registry = registry.expect("loaded");
    load_times.sort();

    println!("# Registry");
    println!(
        "records imported        {} ({} v2, {} v1; {} rejected)",
        meta.organizations, meta.records_v2, meta.records_v1, meta.rejected
    );
    println!("import (parse + index)  {:.2} s", import_time.as_secs_f64());
    println!(
        "import + save           {:.2} s",
        import_and_save.as_secs_f64()
    );
    println!(
        "index size              {:.1} MB ({} name keys)",
        index_bytes as f64 / 1e6,
        meta.name_keys
    );
    println!(
        "load (median of 5)      {:.0} ms",
        load_times[2].as_secs_f64() * 1000.0
    );

    let matcher = AffiliationMatcher::new(&registry);
    // TANDEM_AFFILIATIONS_EXPLAIN="string": print what the matcher makes of one string, and stop.
    if let Some(one) = std::env::var_os("TANDEM_AFFILIATIONS_EXPLAIN") {
        let result = matcher.match_affiliation(&one.to_string_lossy());
        let mut explained = serde_json::to_value(&result).expect("result serialises");
        explained["not_taken"] =
            serde_json::to_value(matcher.names_not_taken(&result, 5)).expect("serialises");
        println!(
            "{}",
            serde_json::to_string_pretty(&explained).expect("result serialises")
        );
        return;
    }
    println!();
    println!("# Affiliation matching on ROR's gold sets");
    println!(
        "{:<48} {:>7} {:>8} {:>9} {:>7} {:>7} {:>7}",
        "set", "strings", "in reg.", "predicted", "P", "R", "F1"
    );
    let mut all_strings: Vec<String> = Vec::new();
    // (true positives, false positives) of matches by confidence band, over all sets.
    let mut by_confidence: std::collections::BTreeMap<u32, (usize, usize)> = Default::default();
    let mut gold_files: Vec<PathBuf> = std::fs::read_dir(ror_dir.join("affiliation_gold"))
        .expect("gold dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    gold_files.sort();
    let verbose = std::env::var_os("TANDEM_AFFILIATIONS_VERBOSE").is_some();
    // TANDEM_AFFILIATIONS_DUMP=FILE: every string's result and gold ids as JSON Lines, for analysis.
    let mut dump = std::env::var_os("TANDEM_AFFILIATIONS_DUMP")
        .map(|path| std::io::BufWriter::new(std::fs::File::create(path).expect("dump file")));
    for file in &gold_files {
        let text = std::fs::read_to_string(file).expect("gold file");
        let items: Vec<serde_json::Value> = serde_json::from_str(&text).expect("gold json");
        let (mut tp, mut fp, mut recall_tp, mut recall_total, mut in_registry, mut predicted) =
            (0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
        for item in &items {
            let affiliation = item["affiliation"].as_str().unwrap_or_default();
            let gold: Vec<String> = match (&item["ror_ids"], &item["ror-id"]) {
                (serde_json::Value::Array(ids), _) => {
                    ids.iter().filter_map(|v| v.as_str()).map(norm).collect()
                }
                (_, serde_json::Value::String(id)) => vec![norm(id)],
                _ => Vec::new(),
            };
            all_strings.push(affiliation.to_string());
            let result = matcher.match_affiliation(affiliation);
            let got: Vec<String> = result.matches.iter().map(|m| norm(&m.ror)).collect();
            if !got.is_empty() {
                predicted += 1;
            }
            let hits = got.iter().filter(|g| gold.contains(g)).count();
            for m in &result.matches {
                let band = (m.confidence * 20.0).floor() as u32;
                let entry = by_confidence.entry(band).or_default();
                if gold.contains(&norm(&m.ror)) {
                    entry.0 += 1;
                } else {
                    entry.1 += 1;
                }
            }
            tp += hits;
            fp += got.len() - hits;
            let gold_known = !gold.is_empty() && gold.iter().all(|g| registry.get(g).is_some());
            if let Some(out) = dump.as_mut() {
                use std::io::Write;
                let line = serde_json::json!({
                    "set": file.file_name().unwrap().to_string_lossy(),
                    "gold": gold,
                    "gold_known": gold_known,
                    "gold_loaded": gold.iter().filter(|g| registry.get(g).is_some()).collect::<Vec<_>>(),
                    "result": result,
                    "not_taken": if result.matches.is_empty() {
                        matcher.names_not_taken(&result, 5)
                    } else {
                        Vec::new()
                    },
                });
                writeln!(out, "{line}").expect("dump write");
            }
            if gold_known {
                in_registry += 1;
                recall_total += gold.len();
                recall_tp += hits;
            }
            if verbose && (hits < got.len() || (gold_known && hits < gold.len())) {
                let names: Vec<String> = result
                    .matches
                    .iter()
                    .map(|m| {
                        let relation = gold
                            .iter()
                            .find_map(|g| relation_between(&registry, &norm(&m.ror), g))
                            .unwrap_or("");
                        format!(
                            "{} [{:?} {:?} {} {:?} {}{}]",
                            m.name,
                            m.kind,
                            m.name_kind,
                            m.confidence,
                            m.substring,
                            if m.primary { "" } else { "second " },
                            relation
                        )
                    })
                    .collect();
                let gold_names: Vec<String> = gold
                    .iter()
                    .map(|g| {
                        registry
                            .get(g)
                            .map(|o| o.display_name.clone())
                            .unwrap_or_else(|| format!("{g} (not loaded)"))
                    })
                    .collect();
                eprintln!("{affiliation:?}\n    got  {names:?}\n    gold {gold_names:?}");
            }
        }
        let p = ratio(tp, tp + fp);
        let r = ratio(recall_tp, recall_total);
        let f1 = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        let name = file.file_name().unwrap().to_string_lossy();
        println!(
            "{name:<48} {:>7} {in_registry:>8} {predicted:>9} {p:>7.3} {r:>7.3} {f1:>7.3}",
            items.len()
        );
    }

    println!();
    println!("# Precision by confidence (all sets)");
    println!(
        "{:<12} {:>8} {:>8} {:>7}",
        "confidence", "matches", "right", "P"
    );
    for (band, (right, wrong)) in by_confidence.iter().rev() {
        let low = *band as f64 / 20.0;
        println!(
            "{:<12} {:>8} {:>8} {:>7.3}",
            format!("{low:.2}-{:.2}", low + 0.05),
            right + wrong,
            right,
            ratio(*right, right + wrong)
        );
    }

    // Speed: one thread, every gold string, repeated for at least two seconds.
    let started = Instant::now();
    let cpu_started = thread_cpu_seconds();
    let mut strings_matched = 0usize;
    while started.elapsed() < Duration::from_secs(2) {
        for s in &all_strings {
            std::hint::black_box(matcher.match_affiliation(s));
        }
        strings_matched += all_strings.len();
    }
    let per_second = strings_matched as f64 / started.elapsed().as_secs_f64();
    let cpu = thread_cpu_seconds()
        .zip(cpu_started)
        .map(|(end, start)| end - start);
    println!();
    println!("# Speed (one thread)");
    println!(
        "strings per second      {per_second:.0} (target 20,000: {:.1}x)",
        per_second / 20000.0
    );
    // On a machine shared with other work the wall clock also counts time the thread waited for a
    // core; the thread's own CPU time does not.
    if let Some(cpu) = cpu.filter(|c| *c > 0.0) {
        println!(
            "strings per CPU second  {:.0}",
            strings_matched as f64 / cpu
        );
    }
}

/// User and system CPU time of the current thread, from /proc (Linux), in seconds.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// How a predicted organisation relates to a gold one, for the verbose listing.
fn relation_between(registry: &Registry, got: &str, gold: &str) -> Option<&'static str> {
    if got == gold {
        return Some("gold");
    }
    let org = registry.get(got)?;
    org.relationships
        .iter()
        .find(|r| r.ror == gold)
        .map(|r| r.kind.as_str())
}

fn norm(id: &str) -> String {
    tandem_model::normalize_ror(id).unwrap_or_else(|| id.to_string())
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}
