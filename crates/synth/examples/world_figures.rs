//! Generates a world and prints its size and, per year, the Russell Group figures it knows by
//! construction (a quick check of the calibration).
//!
//! `cargo run --release -p tandem-synth --example world_figures -- WORKS SEED DIR [lean]`

use std::path::PathBuf;
use std::time::Instant;
use tandem_synth::{Config, Detail, NoProgress, generate};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let works: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(50_000);
    let seed: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2024);
    let dir = PathBuf::from(
        args.get(3)
            .cloned()
            .unwrap_or_else(|| "/tmp/synth-world".into()),
    );
    let detail = if args.get(4).is_some_and(|a| a == "lean") {
        Detail::Lean
    } else {
        Detail::Full
    };
    let config = Config {
        works,
        seed,
        detail,
        ..Config::default()
    };
    let started = Instant::now();
    let summary = match generate(&config, &dir, &NoProgress) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "{} records ({} distinct, {} older versions, {} merged) in {:.1}s: {:.1} MB JSON, {:.1} MB gzip, {:.0} bytes/record",
        summary.work_records,
        summary.distinct_works,
        summary.upserted,
        summary.merged,
        started.elapsed().as_secs_f64(),
        summary.json_bytes as f64 / 1e6,
        summary.compressed_bytes as f64 / 1e6,
        summary.json_bytes as f64 / summary.work_records as f64
    );
    let types = ["article", "review", "book-chapter", "book"];
    for year in config.years.0..=config.years.1 {
        let f = summary.truth.figures((year, year), &types, None);
        let (us, next) = match (f.partners.first(), f.partners.get(1)) {
            (Some(a), Some(b)) => (a.clone(), b.clone()),
            _ => continue,
        };
        println!(
            "{year}: papers {} (fractional {:.1}), collab {}, international {} ({:.1}%), {} {} ({:.1}% of international), lead over {} {:.0}%",
            f.papers,
            f.papers_fractional,
            f.collab_papers,
            f.international_papers,
            100.0 * f.international_share,
            us.0,
            us.1,
            100.0 * us.1 as f64 / f.international_papers as f64,
            next.0,
            100.0 * (us.1 as f64 / next.1 as f64 - 1.0)
        );
    }
}
